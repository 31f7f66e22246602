// Plain words, and the right place, for the two YAML errors a wrong indentation or a missing
// colon gives. The `yaml` library says "Implicit keys need to be on a single line" for
// `- route` followed by an indented block, and "All mapping items must start at the same
// column" at column 1 of the line after a key indented too far, which names neither the key
// nor what to do. Used only for files that failed to parse.

export interface YamlHint {
  /** Offset of the line and column the diagnostic belongs at. */
  readonly offset: number;
  readonly message: string;
}

/** A line of the file: where it starts, its text, the column (0-based) of its first key. */
interface Line {
  readonly start: number;
  readonly text: string;
  readonly keyAt: number;
}

/**
 * `MULTILINE_IMPLICIT_KEY` at `offset`: a word without a colon whose next lines are indented
 * under it, which YAML reads as one key over several lines.
 */
export function multilineKeyHint(text: string, offset: number): YamlHint | undefined {
  const lines = splitLines(text);
  const at = lineIndexOf(lines, offset);
  const line = lines[at]!;
  // Only a line's first word can be a key that lost its colon. At a value (`name: web`), the
  // line below is indented further with a key of its own: a key indented too far, which YAML
  // reads as the value going on over two lines.
  if (offset - line.start !== line.keyAt) return overIndentedKeyHint(lines, at);
  const word = stripComment(line.text.slice(line.keyAt)).trim();
  if (word === '' || /:(\s|$)/.test(word)) return undefined;
  const next = nextContentLine(lines, at);
  const below = next === undefined ? 'the lines indented under it' : `line ${next + 1}, indented under it,`;
  const fix = next === undefined ? '' : `, or indent line ${next + 1} less if it does not belong under "${word}"`;
  return { offset, message: `"${word}" has no colon, so YAML reads it and ${below} as one key over several lines: write "${word}:" if it is a key${fix}` };
}

/**
 * A key with a value on line `at`, and the next line's key indented further: that key belongs
 * beside it (a key with a value on its line can have nothing under it).
 */
function overIndentedKeyHint(lines: readonly Line[], at: number): YamlHint | undefined {
  const line = lines[at]!;
  const key = keyOf(line);
  const next = nextContentLine(lines, at);
  if (key === undefined || next === undefined) return undefined;
  const below = lines[next]!;
  const belowKey = keyOf(below);
  if (belowKey === undefined || isListItem(below) || below.keyAt <= line.keyAt) return undefined;
  return {
    offset: below.start + below.keyAt,
    message:
      `"${belowKey}" is indented ${columns(below.keyAt - line.keyAt)} further than "${key}" on line ${at + 1}, the key above it; ` +
      `"${key}" has a value on its line, so nothing can be under it: indent "${belowKey}" as far as "${key}"`,
  };
}

/**
 * `BAD_INDENT` ("All mapping items must start at the same column") at the start of the line of
 * a key that lines up with no mapping above it. Names the key, and, when one key of a mapping
 * is further in than the rest (the usual slip), points at that key instead.
 */
export function misalignedKeyHint(text: string, offset: number): YamlHint | undefined {
  const found = keyLineAt(text, offset);
  if (!found) return undefined;
  const { lines, at, line, key } = found;
  const opener = openerOf(lines, at);
  const first = opener === undefined ? undefined : nextContentLine(lines, opener);
  if (opener === undefined || first === undefined || first === at) return plainMisaligned(line, key);
  const block = lines[first]!;
  if (isListItem(block)) return indentOf(block) === line.keyAt ? besideListHint(lines, opener, first, at, key) : plainMisaligned(line, key);
  if (block.keyAt > line.keyAt) return deeperBlockHint(lines, opener, first, at, key);
  return plainMisaligned(line, key);
}

/**
 * The opener's value starts further in than the key on line `at`: one of them strayed. The
 * value's first key is blamed only when it is the only key at its column and the key on line
 * `at` sits where the file nests keys (its usual step in from the opener) while the first key
 * does not. A one-entry map (`labels:` with one label) has one key at its column either way,
 * so the count alone would blame a label indented correctly for the key below it that strayed.
 */
function deeperBlockHint(lines: readonly Line[], opener: number, first: number, at: number, key: string): YamlHint {
  const block = lines[first]!;
  const line = lines[at]!;
  const blockKey = keyOf(block);
  const from = lines[opener]!.keyAt;
  const step = indentStep(lines);
  const blockStrayed = blockKey !== undefined && countAtColumn(lines, first, at, block.keyAt) === 1 && line.keyAt - from === step && block.keyAt - from !== step;
  if (!blockStrayed) return strayKeyHint(lines[opener]!, block, line, key);
  return {
    offset: block.start + block.keyAt,
    message: `"${blockKey}" is indented ${columns(block.keyAt - line.keyAt)} further than "${key}" on line ${at + 1}, the next key of the same mapping; keys of one mapping start at the same column: indent "${blockKey}" as far as "${key}"`,
  };
}

/**
 * How far the file indents a block under its key (2 in most files): the most common step
 * from a line ending in `key:` to the line after it, when that is further in.
 */
function indentStep(lines: readonly Line[]): number {
  const counts = new Map<number, number>();
  let previous: Line | undefined;
  for (const line of lines) {
    if (!isContent(line)) continue;
    if (previous && /:\s*$/.test(stripComment(previous.text)) && line.keyAt > previous.keyAt) {
      const step = line.keyAt - previous.keyAt;
      counts.set(step, (counts.get(step) ?? 0) + 1);
    }
    previous = line;
  }
  let best = 2;
  let most = 0;
  for (const [step, n] of counts) if (n > most || (n === most && step < best)) [best, most] = [step, n];
  return best;
}

function columns(n: number): string {
  return n === 1 ? '1 column' : `${n} columns`;
}

/** A key between the column of the keys above it and that of the key they are under. */
function strayKeyHint(opener: Line, block: Line, line: Line, key: string): YamlHint {
  const inner = keyOf(block) ?? 'the keys above it';
  const outer = keyOf(opener) ?? 'the line above them';
  const quote = (name: string, of: Line) => (keyOf(of) === undefined ? name : `"${name}"`);
  return {
    offset: line.start + line.keyAt,
    message:
      `"${key}" is indented less than ${quote(inner, block)} (column ${block.keyAt + 1}) and more than ${quote(outer, opener)} (column ${opener.keyAt + 1}), ` +
      `so it lines up with no mapping; keys of one mapping start at the same column: indent "${key}" as far as ${quote(inner, block)} if it belongs beside it, or as far as ${quote(outer, opener)}`,
  };
}

/**
 * The key lines up with the list items of the line above its mapping, but is no item. It was
 * meant either beside the list's own key or for the last item above it (a field of that rule,
 * out-dented): both are offered.
 */
function besideListHint(lines: readonly Line[], openerAt: number, first: number, at: number, key: string): YamlHint {
  const opener = lines[openerAt]!;
  const line = lines[at]!;
  const openerKey = keyOf(opener);
  const owner = openerKey === undefined ? 'the line above them' : `"${openerKey}"`;
  const item = lastItemAbove(lines, first, at, line.keyAt);
  const intoItem = item === undefined ? '' : `; if it belongs to the list item above it (line ${item + 1}), as far as that item's keys (column ${lines[item]!.keyAt + 1})`;
  return {
    offset: line.start + line.keyAt,
    message: `"${key}" is indented as far as the list items under ${owner} (line ${first + 1}) but is not one (no "-"); if it belongs beside ${owner}, indent it as far as ${owner} (column ${opener.keyAt + 1})${intoItem}`,
  };
}

/** The last list item in [from, to) whose "-" is at `column`. */
function lastItemAbove(lines: readonly Line[], from: number, to: number, column: number): number | undefined {
  for (let i = to - 1; i >= from; i--) if (isListItem(lines[i]!) && indentOf(lines[i]!) === column) return i;
  return undefined;
}

function plainMisaligned(line: Line, key: string): YamlHint {
  return {
    offset: line.start + line.keyAt,
    message: `"${key}" does not line up with the keys of the mapping above it; keys of one mapping start at the same column: indent it as far as the keys it belongs with`,
  };
}

/** The file's lines, and the one holding `offset` with the key it starts with; undefined when it starts with none. */
function keyLineAt(text: string, offset: number): { lines: Line[]; at: number; line: Line; key: string } | undefined {
  const lines = splitLines(text);
  const at = lineIndexOf(lines, offset);
  const line = lines[at]!;
  const key = keyOf(line);
  return key === undefined ? undefined : { lines, at, line, key };
}

function splitLines(text: string): Line[] {
  const lines: Line[] = [];
  let start = 0;
  for (const lineText of text.split('\n')) {
    lines.push({ start, text: lineText, keyAt: keyColumn(lineText) });
    start += lineText.length + 1;
  }
  return lines;
}

/** The column of a line's first key: after its indentation and any `- ` of list items. */
function keyColumn(text: string): number {
  const m = /^[ ]*(?:-[ ]+)*/.exec(text);
  return m ? m[0].length : 0;
}

function lineIndexOf(lines: readonly Line[], offset: number): number {
  let i = 0;
  while (i + 1 < lines.length && lines[i + 1]!.start <= offset) i++;
  return i;
}

function isContent(line: Line): boolean {
  const rest = line.text.trimStart();
  return rest !== '' && !rest.startsWith('#');
}

function indentOf(line: Line): number {
  return line.text.length - line.text.trimStart().length;
}

function isListItem(line: Line): boolean {
  return /^[ ]*-(\s|$)/.test(line.text);
}

function nextContentLine(lines: readonly Line[], from: number): number | undefined {
  for (let i = from + 1; i < lines.length; i++) if (isContent(lines[i]!)) return i;
  return undefined;
}

/** The nearest line above `at` that starts left of its key: the line the key sits under. */
function openerOf(lines: readonly Line[], at: number): number | undefined {
  const column = lines[at]!.keyAt;
  for (let i = at - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (isContent(line) && indentOf(line) < column) return i;
  }
  return undefined;
}

/** Content lines in [from, to) whose key is at `column`. */
function countAtColumn(lines: readonly Line[], from: number, to: number, column: number): number {
  let n = 0;
  for (let i = from; i < to; i++) if (isContent(lines[i]!) && lines[i]!.keyAt === column && keyOf(lines[i]!) !== undefined) n++;
  return n;
}

/** The key a line starts with (`host` for `    host: reviews`), or undefined. */
function keyOf(line: Line): string | undefined {
  return /^([^\s:#'"][^:#]*?):(\s|$)/.exec(line.text.slice(line.keyAt))?.[1];
}

function stripComment(s: string): string {
  const hash = s.search(/(^|\s)#/);
  return hash < 0 ? s : s.slice(0, hash);
}

/**
 * "Sequence item without - indicator" at the start of a line whose key sits between a list
 * item's "-" and that item's keys: one column short of the item's keys, usually. Names the key,
 * the item, and both places it may belong.
 */
export function insideItemHint(text: string, offset: number): YamlHint | undefined {
  const found = keyLineAt(text, offset);
  if (!found) return undefined;
  const { lines, at, line, key } = found;
  for (let i = at - 1; i >= 0; i--) {
    const above = lines[i]!;
    if (!isContent(above) || indentOf(above) >= line.keyAt) continue;
    if (!isListItem(above) || above.keyAt <= line.keyAt) return undefined;
    const itemKey = keyOf(above);
    const named = itemKey === undefined ? 'its keys' : `"${itemKey}"`;
    return {
      offset: line.start + line.keyAt,
      message:
        `"${key}" is indented between the "-" of the list item on line ${i + 1} (column ${indentOf(above) + 1}) and that item's keys (column ${above.keyAt + 1}), so it lines up with neither: ` +
        `indent it as far as ${named} (column ${above.keyAt + 1}) if it belongs to that item, or write "- ${key}:" at column ${indentOf(above) + 1} if it starts an item of its own`,
    };
  }
  return undefined;
}

/**
 * A duplicate key the document's node walk could not place (the library reports some at the
 * first key's empty value): the key of the line at `offset`, and the next line setting it at
 * the same column in the same mapping.
 */
export function duplicateKeyHint(text: string, offset: number): YamlHint | undefined {
  const found = keyLineAt(text, offset);
  if (!found) return undefined;
  const { lines, at, line: first, key } = found;
  for (let i = at + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (!isContent(line)) continue;
    if (indentOf(line) < first.keyAt) return undefined; // the mapping ended
    if (line.keyAt === first.keyAt && keyOf(line) === key) {
      return { offset: line.start + line.keyAt, message: `duplicate key "${key}" (first set at line ${at + 1}); keys in a mapping must be unique: remove or merge one` };
    }
  }
  return undefined;
}
