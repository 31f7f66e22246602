// A Helm chart's templates/ (or any Go template) committed instead of its rendered output:
// `{{- if .Values.canary }}` is not YAML, and the parser reports every line after it, often
// dozens of "Unexpected scalar token" errors that never say what is wrong. When a file's YAML
// fails and the file contains `{{`, one diagnostic saying so replaces them all.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';

/** The one diagnostic for a file that failed as YAML, when it looks like a template; else undefined. */
export function unrenderedTemplate(
  text: string,
  at: (offset: number) => { file: string; line: number; column: number },
): Diagnostic | undefined {
  const open = text.indexOf('{{');
  if (open < 0) return undefined;
  return diagnostic('ML1001', 'looks like an unrendered Helm/Go template ({{ … }}); commit rendered manifests (e.g. the output of `helm template`)', at(open));
}
