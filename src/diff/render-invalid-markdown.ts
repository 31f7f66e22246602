// The pull-request comment when a side does not compile: there is no routing diff to show,
// but the comment must still say so (and why), or the previous comment, now stale, stays
// on the pull request looking current. It stays within GitHub's comment size (comment-limit.ts)
// however long the messages, which quote config values, are.
import type { Diagnostic } from '../core/diagnostics.ts';
import { clip, COMMENT_LIMIT, MAX_TITLE, sizeOf } from './comment-limit.ts';
import { mdCode, mdText } from './markdown-escape.ts';
import type { MarkdownOptions } from './render-markdown.ts';

/** Diagnostics listed in a comment (errors per side, new warnings); the rest are counted. */
const MAX_LISTED = 20;
/** Characters of a message, field or file path shown; a longer one is cut (`…`). */
const MAX_QUOTED = 1_000;

export interface InvalidSide {
  /** How the side is named in the heading, e.g. `feat (1a2b3c4d5e6f)`. */
  readonly label: string;
  readonly diagnostics: readonly Diagnostic[];
  /** Put before each file path (the folder argument), as in the terminal output. */
  readonly pathPrefix?: string;
}

const CLOSING = 'No routing diff until both sides compile. `meshlog validate` lists every problem.';

export function renderInvalidMarkdown(sides: readonly InvalidSide[], opts: MarkdownOptions = {}): string {
  const out = [`### ${mdText(clip(opts.title ?? 'meshlog diff', MAX_TITLE))}`, ''];
  const headlines = sides.map((side) => {
    const errors = side.diagnostics.filter((d) => d.severity === 'error');
    return `**${mdText(clip(side.label, MAX_TITLE))} is invalid: ${errors.length} ${errors.length === 1 ? 'error' : 'errors'}**`;
  });
  // What is left once the fixed lines are written, shared evenly between the sides' lists.
  const room = Math.floor((COMMENT_LIMIT - sizeOf([...out, ...headlines.flatMap((h) => [h, '', '']), CLOSING])) / Math.max(1, sides.length));
  sides.forEach((side, i) => {
    const errors = side.diagnostics.filter((d) => d.severity === 'error');
    out.push(headlines[i]!, '', ...diagnosticList(errors, side.pathPrefix ?? '', room), '');
  });
  out.push(CLOSING);
  return `${out.join('\n')}\n`;
}

/**
 * Diagnostics as a markdown list in at most `room` characters: at most MAX_LISTED of them,
 * and only as many as fit; the rest are counted.
 */
export function diagnosticList(diagnostics: readonly Diagnostic[], prefix: string, room: number): string[] {
  const more = (n: number) => `- … and ${n} more (\`meshlog validate\` lists them all)`;
  const out: string[] = [];
  let size = 0;
  for (const d of diagnostics.slice(0, MAX_LISTED)) {
    const item = `- ${diagnosticItem(d, prefix)}`;
    const left = diagnostics.length - out.length - 1;
    // Room for this item, and for the "more" line if any are left after it.
    if (size + sizeOf([item]) + (left > 0 ? sizeOf([more(left)]) : 0) > room) break;
    out.push(item);
    size += sizeOf([item]);
  }
  if (diagnostics.length > out.length) out.push(more(diagnostics.length - out.length));
  return out;
}

/** `` `routing/vs.yaml:20:11` ML1001: message (spec.http[0]) `` */
function diagnosticItem(d: Diagnostic, prefix: string): string {
  const where = d.file === undefined ? '' : `${mdCode(clip(`${prefix}${d.file}`, MAX_QUOTED) + (d.line ? `:${d.line}:${d.column ?? 1}` : ''))} `;
  const field = d.field ? ` (${mdCode(clip(d.field, MAX_QUOTED))})` : '';
  return `${where}**${mdText(d.code)}**: ${mdText(clip(d.message, MAX_QUOTED))}${field}`;
}
