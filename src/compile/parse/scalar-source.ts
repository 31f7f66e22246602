// A scalar as the user wrote it. YAML turns `1.10` into the number 1.1 and `true` into a
// boolean before any schema sees it; a message about a field that must be a string has to
// quote what is in the file, or the user cannot recognise their own value. Used only while
// building a diagnostic.
import type { LineColumn } from './types.ts';

/**
 * The plain scalar at `at` (a map key's position, then the value after its `:`; or a list
 * item's position) on that line of `text`, or undefined when it is not written on that line.
 */
export function writtenScalar(text: string, at: LineColumn, isListItem: boolean): string | undefined {
  const rest = lineAt(text, at.line)?.slice(at.column - 1);
  if (rest === undefined) return undefined;
  let value: string;
  if (isListItem) {
    value = rest.replace(/^-\s+/, '');
  } else {
    const colon = /:(\s|$)/.exec(rest);
    if (!colon) return undefined;
    value = rest.slice(colon.index + 1);
  }
  // A plain scalar ends at a comment, or inside a flow collection at `,`, `}` or `]`.
  const scalar = /^\s*([^\s,{}[\]#'"][^,{}[\]#]*?)\s*(?:[,}\]]|\s#|$)/.exec(value)?.[1];
  return scalar === undefined || scalar === '' ? undefined : scalar;
}

/** Line `line` (1-based) of `text`, without its line break. */
export function lineAt(text: string, line: number): string | undefined {
  let start = 0;
  for (let n = 1; n < line; n++) {
    const nl = text.indexOf('\n', start);
    if (nl < 0) return undefined;
    start = nl + 1;
  }
  const end = text.indexOf('\n', start);
  return text.slice(start, end < 0 ? undefined : end).replace(/\r$/, '');
}
