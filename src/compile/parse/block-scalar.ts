// Positions inside a multi-line string. A diagnostic about one line of a `|` block scalar (an
// annotation listing endpoints, say) should point at that line, not at the key the block hangs
// from: with twenty endpoints, "line 9" does not say which one is wrong.
import { lineAt } from './scalar-source.ts';
import type { LineColumn } from './types.ts';

/**
 * Where character `offset` of line `lineIndex` (0-based) of the string value written after the
 * key at `key` sits in `text`, when that value is a literal block scalar (`key: |`): its value
 * lines are the file's lines after the key, less their indentation. Undefined when the value is
 * written any other way (plain, quoted, folded), where lines do not map one to one; the caller
 * then points at the key.
 */
export function blockScalarPosition(
  text: string,
  key: LineColumn,
  value: string,
  lineIndex: number,
  offset: number,
): LineColumn | undefined {
  const keyLine = lineAt(text, key.line);
  if (keyLine === undefined) return undefined;
  const afterColon = /:\s+\|[-+0-9]*\s*(#.*)?$/.exec(keyLine.slice(key.column - 1));
  if (!afterColon) return undefined;
  const valueLine = value.split('\n')[lineIndex];
  const fileLine = lineAt(text, key.line + 1 + lineIndex);
  if (valueLine === undefined || fileLine === undefined || !fileLine.endsWith(valueLine)) return undefined;
  const indent = fileLine.length - valueLine.length;
  return { line: key.line + 1 + lineIndex, column: indent + offset + 1 };
}
