// The pull-request comment when a side does not compile: there is no routing diff to show,
// but the comment must still say so (and why), or the previous comment, now stale, stays
// on the pull request looking current.
import type { Diagnostic } from '../core/diagnostics.ts';
import { mdCode, mdText } from './markdown-escape.ts';
import type { MarkdownOptions } from './render-markdown.ts';

/** Diagnostics listed in a comment (errors per side, new warnings); the rest are counted. */
const MAX_LISTED = 20;

export interface InvalidSide {
  /** How the side is named in the heading, e.g. `feat (1a2b3c4d5e6f)`. */
  readonly label: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Put before each file path (the folder argument), as in the terminal output. */
  readonly pathPrefix?: string;
}

export function renderInvalidMarkdown(sides: readonly InvalidSide[], opts: MarkdownOptions = {}): string {
  const out = [`### ${mdText(opts.title ?? 'meshlog diff')}`, ''];
  for (const side of sides) {
    const errors = side.diagnostics.filter((d) => d.severity === 'error');
    out.push(`**${mdText(side.label)} is invalid: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}**`, '');
    out.push(...diagnosticList(errors, side.pathPrefix ?? ''), '');
  }
  out.push('No routing diff until both sides compile. `meshlog validate` lists every problem.');
  return `${out.join('\n')}\n`;
}

/** Diagnostics as a markdown list, at most MAX_LISTED of them, the rest counted. */
export function diagnosticList(diagnostics: readonly Diagnostic[], prefix: string): string[] {
  const out = diagnostics.slice(0, MAX_LISTED).map((d) => `- ${diagnosticItem(d, prefix)}`);
  if (diagnostics.length > MAX_LISTED) out.push(`- … and ${diagnostics.length - MAX_LISTED} more (\`meshlog validate\` lists them all)`);
  return out;
}

/** `` `routing/vs.yaml:20:11` ML1001: message (spec.http[0]) `` */
function diagnosticItem(d: Diagnostic, prefix: string): string {
  const where = d.file === undefined ? '' : `${mdCode(`${prefix}${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}`)} `;
  const field = d.field ? ` (${mdCode(d.field)})` : '';
  return `${where}**${mdText(d.code)}**: ${mdText(d.message)}${field}`;
}
