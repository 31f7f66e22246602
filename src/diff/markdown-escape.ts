// Escaping for GitHub-flavoured markdown. Config values (URIs, regexes, header values,
// names) reach the PR comment, and any of them may contain text that GitHub would render:
// `<br>` as a line break, `*x*` as emphasis, backticks as code, `|` as a new table cell.
// Everything a user wrote must appear exactly as written, so every such string goes
// through one of these functions; only the renderer's own markup is left raw.

/**
 * Characters with an inline meaning in GFM, backslash-escaped (CommonMark allows it for all
 * ASCII punctuation); `$` starts GitHub's math (a regex such as `^$|^/$` would render as a formula).
 */
const INLINE_SPECIAL = /[\\`*_[\]~|#!$]/g;

/**
 * Text in a heading, a list item or a table cell, shown literally. An `@` gets a zero-width
 * space after it: a backslash does not stop GitHub from turning `@user` or `@org/team` in a
 * header value into a mention that notifies them from every PR comment.
 */
export function mdText(text: string): string {
  return escapeHtml(foldLines(text))
    .replace(INLINE_SPECIAL, (c) => `\\${c}`)
    .replace(/@/g, '@\u200b');
}

/** Several lines in one table cell, separated by our own `<br>`. */
export function mdLines(lines: readonly string[]): string {
  return lines.map(mdText).join('<br>');
}

/**
 * A code span that shows `text` literally, backticks included: the fence is one backtick
 * longer than the longest run inside (CommonMark's rule).
 */
export function mdCode(text: string): string {
  return codeSpan(foldLines(text));
}

/** A code span inside a table cell: GFM splits cells on `|` before it parses code spans. */
export function mdCellCode(text: string): string {
  return codeSpan(foldLines(text).replace(/\|/g, '\\|'));
}

function codeSpan(text: string): string {
  const longestRun = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);
  // A space each side keeps a leading or trailing backtick from joining the fence; CommonMark strips one.
  const pad = longestRun > 0 || text.trim() === '' ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** For text inside our own HTML tags (`<summary>`), where markdown is not parsed. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** A newline would end the table row or the heading. */
function foldLines(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ');
}
