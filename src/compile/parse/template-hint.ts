// A Helm chart's templates/ (or any Go template) committed instead of its rendered output:
// `{{- if .Values.canary }}` is not YAML, and the parser reports every line after it, often
// dozens of "Unexpected scalar token" errors that never say what is wrong. When a file's YAML
// fails from a `{{` on, one diagnostic saying so replaces those errors. A `{{` in a comment
// does not count, and errors before it (or a duplicate key anywhere, which is no syntax error)
// are reported as they are: the file may be plain YAML that only mentions a template.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';

/**
 * The one diagnostic for a file that failed as YAML, when it looks like a template; else
 * undefined. `syntaxErrors` are the offsets of its syntax errors (duplicate keys excluded).
 */
export function unrenderedTemplate(
  text: string,
  syntaxErrors: readonly number[],
  at: (offset: number) => { file: string; line: number; column: number },
): Diagnostic | undefined {
  const open = templateOpening(text);
  if (open < 0 || syntaxErrors.length === 0) return undefined;
  const lineStart = text.lastIndexOf('\n', open) + 1;
  if (Math.min(...syntaxErrors) < lineStart) return undefined; // broken before any template
  return diagnostic('ML1001', 'looks like an unrendered Helm/Go template ({{ … }}); commit rendered manifests (e.g. the output of `helm template`)', at(open));
}

/** The first `{{` outside a comment, or -1. */
function templateOpening(text: string): number {
  for (let i = text.indexOf('{{'); i >= 0; i = text.indexOf('{{', i + 2)) {
    const before = text.slice(text.lastIndexOf('\n', i) + 1, i);
    if (!/(^|[ \t])#/.test(before)) return i;
  }
  return -1;
}
