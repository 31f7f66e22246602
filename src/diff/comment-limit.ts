// How big a pull-request comment may be. GitHub refuses a comment body over 65,536 characters
// ("Body is too long"), and then the CI step that posts the routing diff fails and the previous
// comment stays up, stale. meshlog keeps every markdown comment under COMMENT_LIMIT: the margin
// covers a CI step that adds a line of its own and any difference in how characters are counted.

export const COMMENT_LIMIT = 60_000;

/** A heading longer than this (a --title, long revision names) is cut. */
export const MAX_TITLE = 300;

/**
 * Characters the lines take once joined with newlines, as JavaScript counts them (UTF-16 code
 * units), never fewer than the Unicode characters GitHub counts.
 */
export function sizeOf(lines: readonly string[]): number {
  let n = 0;
  for (const l of lines) n += l.length + 1;
  return n;
}

/**
 * `text` cut to at most `max` characters, with `…` where it was cut: a config value quoted in
 * a message (a long regex, a body) must not take a whole comment's room. Never splits a
 * surrogate pair.
 */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = max - 1;
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}…`;
}
