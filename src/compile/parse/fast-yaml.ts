// A fast path for the YAML that mesh config is actually written in: block mappings and
// sequences (Kubernetes style), single-line flow collections, plain and single-line quoted
// scalars, literal block scalars (`|`, `|-`, `|+`), comments, `---` documents. The `yaml`
// package's parser costs about 1 s of CPU per MB, which alone would blow the compile budget of
// a 10,000-service mesh; this path is several times faster and retains far less memory. It
// produces the same values and positions as the full path, or gives up (`undefined`) on
// anything else — anchors, tags, folded or multi-line scalars, multi-line flow, tabs, CRLF,
// duplicate keys, odd indentation, errors — and the full parser then reads the file and
// reports properly. test/compile/parse/fast-yaml.test.ts checks it differentially.
import { keyIs, type FastDocument, type FastFile, type FastPositions } from './fast-positions.ts';
import { QUOTED, readQuoted } from './fast-scalar.ts';
import { octalReading, resolvePlain } from './plain-scalar.ts';
import { BLANK, CONTENT, emit, INDENT, LINE_END, LINE_START, pending, pendingTop, push3, scanLines, startFile, takeRecords } from './fast-tables.ts';

/** Thrown inside the parser to unwind when the input is outside the fast subset; never escapes. */
const GIVE_UP = Symbol('fast-yaml: give up');
const UNSUPPORTED_CHARS = /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/;
/** Code units that cannot start a plain scalar (1), and `-` `?` `:` that cannot when followed by a space or flow end (2). */
const START = new Uint8Array(128);
for (const ch of '#&*!|>%@`,]}[{\'"') START[ch.charCodeAt(0)] = 1;
for (const ch of '-?:') START[ch.charCodeAt(0)] = 2;
/** Code units a plain scalar inside a flow collection must look at: , [ ] { } : # ? */
const FLOW_SPECIAL = new Uint8Array(128);
for (const ch of ',[]{}:#?') FLOW_SPECIAL[ch.charCodeAt(0)] = 1;
const INDICATOR = 1;
const EMPTY = new Int32Array(0);
const SPACE_SENSITIVE = 2;

/** Documents' contents (null for an empty document), or undefined to use the full parser. */
export function fastParseYaml(text: string, maxDepth: number): FastFile | undefined {
  if (UNSUPPORTED_CHARS.test(text)) return undefined;
  try {
    return parseStream(text, maxDepth);
  } catch (e) {
    if (e === GIVE_UP) return undefined;
    throw e;
  }
}

function giveUp(): never {
  throw GIVE_UP;
}

function parseStream(text: string, maxDepth: number): FastFile {
  const nLines = scanLines(text);
  // Local names for the tables: the module bindings may be replaced when they grow, not during a file.
  const lineStart = LINE_START;
  const lineEnd = LINE_END;
  // `indent`/`start` of a line may be advanced in place for compact mappings inside sequence
  // items (`- name: v1`), whose keys sit at a deeper column.
  const indent = INDENT;
  const start = CONTENT;
  const blank = BLANK;
  startFile();
  const keyTable: string[] = [];
  const positions: FastPositions = { records: EMPTY, keys: keyTable, text }; // for hasKey's lookups while reading

  // What the node just parsed left behind (set by every node function, read by its caller):
  // a returned object per node was most of the parser's garbage.
  let nodeOffset = 0;
  // The line being read and the end of the document being read (set by parseDocument): shared
  // by the node functions, which are created once per file rather than once per document.
  let li = 0;
  let b = 0;
  let nodeRecord = -1;
  /** Index after the flow item / plain scalar just read. */
  let scanEnd = 0;
  /** Index after the `:` of the key mapKey just returned. */
  let keyAfter = 0;
  /** The `key` field for the key mapKey just returned (see FastPositions). */
  let keyField = 0;
  /** mapKey's last answer, for the offset it was asked about. */
  let memoAt = -1;
  let memoKey: string | undefined;
  let memoAfter = 0;
  let memoField = 0;

  /**
   * Whether the collection being built (its triples pending from `base`) already has `key`
   * (a duplicate: the full parser reports it). Mesh config maps are small, so scanning the
   * keys written so far beats Object.hasOwn on an object still changing shape; big maps use
   * hasOwn so this stays linear.
   */
  const hasKey = (value: Record<string, unknown>, base: number, key: string): boolean => {
    if (key === '__proto__') return true;
    if (pendingTop - base > 48) return Object.hasOwn(value, key);
    for (let t = base; t < pendingTop; t += 3) if (keyIs(positions, pending[t]!, pending[t + 1]!, key)) return true;
    return false;
  };

  /**
   * Items of the sequences still open, innermost last. A sequence's array is made once its
   * items are known, at its exact length: one grown by push() keeps room for 17 items, and
   * most sequences in mesh config hold one to three, kept for the whole compile.
   */
  const items: unknown[] = [];
  let itemsTop = 0;
  const pushItem = (item: unknown): void => {
    items[itemsTop++] = item;
  };
  const takeItems = (from: number): unknown[] => {
    const values = items.slice(from, itemsTop);
    itemsTop = from;
    return values;
  };

  // Document boundaries: `---` at column 0 starts a document; content before the first one
  // is a document only if there is some.
  const docs: (FastDocument | null)[] = [];
  let from = 0;
  let sawMarker = false;
  for (let l = 0; l <= nLines; l++) {
    const isMarker = l < nLines && isDocMarker(text, lineStart[l]!, lineEnd[l]!);
    if (l < nLines && !isMarker) {
      const c = text.charCodeAt(lineStart[l]!);
      if (c === 37 /* % */ || (c === 46 /* . */ && text.startsWith('...', lineStart[l]!))) giveUp();
      continue;
    }
    if (sawMarker || hasContent(from, l)) docs.push(parseDocument(from, l));
    sawMarker = true;
    from = l + 1;
  }
  return { documents: docs, positions: { records: takeRecords(), keys: keyTable, text } };

  function hasContent(a: number, b: number): boolean {
    for (let l = a; l < b; l++) if (!blank[l]) return true;
    return false;
  }

  function skipBlank(): void {
    while (li < b && blank[li]) li++;
  }

  function parseDocument(from: number, to: number): FastDocument | null {
    li = from;
    b = to;
    skipBlank();
    if (li >= b) return null;
    const value = blockNode(1);
    const doc = { offset: nodeOffset, value, record: nodeRecord };
    skipBlank();
    if (li < b) giveUp();
    return doc;
  }

  function blockNode(depth: number): unknown {
    if (depth > maxDepth) giveUp();
    const c = start[li]!;
    if (isSeqIndicator(c)) return sequence(indent[li]!, depth);
    if (mapKey(c, lineEnd[li]!) !== undefined) return mapping(indent[li]!, depth);
    const value = inline(c, depth);
    li++;
    return value;
  }

  function mapping(ind: number, depth: number): Record<string, unknown> {
    if (depth > maxDepth) giveUp();
    const value: Record<string, unknown> = {};
    const base = pendingTop;
    const offset = start[li]!;
    for (;;) {
      skipBlank();
      if (li >= b || indent[li]! < ind) break;
      if (indent[li]! > ind) giveUp();
      const keyOffset = start[li]!;
      const key = mapKey(keyOffset, lineEnd[li]!);
      if (key === undefined) giveUp(); // a `- ` item or a scalar where a key belongs
      const field = keyField; // before the child's own keys overwrite it
      if (hasKey(value, base, key)) giveUp();
      let p = keyAfter;
      while (text.charCodeAt(p) === 32) p++;
      let child: unknown;
      if (p >= lineEnd[li]! || text.charCodeAt(p) === 35 /* # */) {
        li++;
        skipBlank();
        if (li < b && indent[li]! > ind) child = blockNode(depth + 1);
        else if (li < b && indent[li]! === ind && isSeqIndicator(start[li]!)) child = sequence(ind, depth + 1);
        else giveUp(); // `key:` with nothing: rare, leave to the full parser
      } else if (text.charCodeAt(p) === 124 /* | */) {
        child = literal(p, ind);
      } else {
        child = inline(p, depth + 1);
        li++;
      }
      value[key] = child;
      push3(field, keyOffset, nodeRecord);
    }
    nodeOffset = offset;
    nodeRecord = emit(1, base);
    return value;
  }

  function sequence(ind: number, depth: number): unknown[] {
    if (depth > maxDepth) giveUp();
    const from = itemsTop;
    const base = pendingTop;
    const offset = start[li]!;
    for (;;) {
      skipBlank();
      if (li >= b || indent[li]! < ind) break;
      if (indent[li]! > ind) giveUp();
      if (!isSeqIndicator(start[li]!)) break; // a key of the enclosing mapping
      let q = start[li]! + 1;
      while (text.charCodeAt(q) === 32) q++;
      if (q >= lineEnd[li]! || text.charCodeAt(q) === 35 /* # */ || isSeqIndicator(q)) giveUp();
      if (text.charCodeAt(q) === 124 /* | */) {
        pushItem(literal(q, ind));
      } else if (mapKey(q, lineEnd[li]!) !== undefined) {
        indent[li] = q - lineStart[li]!;
        start[li] = q;
        pushItem(mapping(indent[li]!, depth + 1));
      } else {
        pushItem(inline(q, depth + 1));
        li++;
      }
      push3(-1, nodeOffset, nodeRecord);
    }
    nodeOffset = offset;
    nodeRecord = emit(0, base);
    return takeItems(from);
  }

  /**
   * A literal block scalar (`|`, `|-`, `|+`) whose header is at `p`, for a parent node at
   * indentation `parent`: the content is the following lines indented deeper, at the first
   * content line's indentation. Leaves `li` after the content.
   */
  function literal(p: number, parent: number): string {
    const end = lineEnd[li]!;
    let h = p + 1;
    const chomp = text[h] === '-' || text[h] === '+' ? text[h++] : '';
    while (text.charCodeAt(h) === 32) h++;
    if (h < end && !(text[h] === '#' && text[h - 1] === ' ')) giveUp(); // indentation indicators etc.
    li++;
    // Content indentation: the first non-empty line's. Leading empty lines: full parser.
    if (li >= b || start[li] === lineEnd[li]) giveUp();
    const contentIndent = indent[li]!;
    if (contentIndent <= parent) return giveUp();
    const lines: string[] = [];
    let trailingEmpty = 0;
    while (li < b) {
      const empty = start[li] === lineEnd[li];
      if (!empty && indent[li]! < contentIndent) break;
      if (empty) {
        if (indent[li]! > contentIndent) giveUp();
        trailingEmpty++;
      } else {
        for (; trailingEmpty > 0; trailingEmpty--) lines.push('');
        lines.push(text.slice(lineStart[li]! + contentIndent, lineEnd[li]!));
      }
      li++;
    }
    // A document's last line without a newline: the full parser decides how to chomp.
    if (li >= nLines && !text.endsWith('\n')) giveUp();
    let value = lines.join('\n');
    if (chomp === '') value += '\n';
    else if (chomp === '+') value += '\n' + '\n'.repeat(trailingEmpty);
    nodeOffset = p;
    nodeRecord = -1;
    return value;
  }

  /** A value that ends on this line: flow collection, quoted or plain scalar. */
  function inline(p: number, depth: number): unknown {
    const end = lineEnd[li]!;
    const ch = text.charCodeAt(p);
    let value: unknown;
    let after: number;
    if (ch === 91 /* [ */ || ch === 123 /* { */) {
      value = flow(p, end, depth);
      after = scanEnd;
    } else if (ch === 34 /* " */ || ch === 39 /* ' */) {
      const q = readQuoted(text, p, end);
      if (q === undefined) giveUp();
      value = q;
      after = QUOTED.end;
      nodeOffset = p;
      nodeRecord = -1;
    } else {
      const kind = START[ch];
      if (kind === INDICATOR || (kind === SPACE_SENSITIVE && (p + 1 >= end || text.charCodeAt(p + 1) === 32))) giveUp();
      // One scan to the end of the scalar: a comment (` #`) ends it; a `:` followed by a
      // space or the line's end (a `key: value` or `key:` inside it) is the full parser's.
      let e = end;
      for (let k = p + 1; k < end; k++) {
        const c = text.charCodeAt(k);
        if (c === 35 /* # */ && text.charCodeAt(k - 1) === 32) {
          e = k - 1;
          break;
        }
        if (c === 58 /* : */ && (k + 1 >= end || text.charCodeAt(k + 1) === 32)) giveUp();
      }
      while (e > p && text.charCodeAt(e - 1) === 32) e--;
      nodeOffset = p;
      nodeRecord = -1;
      return plainValue(text, p, e);
    }
    while (text.charCodeAt(after) === 32) after++;
    if (after < end && !(text.charCodeAt(after) === 35 && text.charCodeAt(after - 1) === 32)) giveUp();
    return value;
  }

  function flow(p: number, end: number, depth: number): unknown {
    if (depth > maxDepth) giveUp();
    return text.charCodeAt(p) === 91 /* [ */ ? flowSeq(p, end, depth) : flowMap(p, end, depth);
  }

  function flowSeq(p: number, end: number, depth: number): unknown[] {
    const from = itemsTop;
    const base = pendingTop;
    let i = p + 1;
    for (;;) {
      i = skipSpaces(text, i, end);
      if (i >= end) giveUp();
      if (text.charCodeAt(i) === 93 /* ] */) {
        nodeOffset = p;
        nodeRecord = emit(0, base);
        scanEnd = i + 1;
        return takeItems(from);
      }
      pushItem(flowItem(i, end, depth + 1));
      push3(-1, nodeOffset, nodeRecord);
      i = skipSpaces(text, scanEnd, end);
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) i++;
      else if (c !== 93) giveUp();
    }
  }

  function flowMap(p: number, end: number, depth: number): Record<string, unknown> {
    const value: Record<string, unknown> = {};
    const base = pendingTop;
    let i = p + 1;
    for (;;) {
      i = skipSpaces(text, i, end);
      if (i >= end) giveUp();
      const c0 = text.charCodeAt(i);
      if (c0 === 125 /* } */) {
        nodeOffset = p;
        nodeRecord = emit(1, base);
        scanEnd = i + 1;
        return value;
      }
      const keyOffset = i;
      let key: string;
      let quoted = false;
      let field: number;
      if (c0 === 34 || c0 === 39) {
        const q = readQuoted(text, i, end);
        if (q === undefined) giveUp();
        key = q;
        i = QUOTED.end;
        quoted = true;
        field = -1; // added to the key table below, once it is known not to be a duplicate
      } else {
        const e = flowPlainEnd(i, end);
        if (e === i) giveUp();
        key = plainKey(text, i, e);
        field = -2 - (e - i);
        i = e;
      }
      i = skipSpaces(text, i, end);
      if (text.charCodeAt(i) !== 58 /* : */) giveUp();
      i++;
      if (!quoted && i < end) {
        const c = text.charCodeAt(i);
        if (c !== 32 && c !== 44 && c !== 125) giveUp();
      }
      i = skipSpaces(text, i, end);
      const c1 = text.charCodeAt(i);
      if (c1 === 44 || c1 === 125 || hasKey(value, base, key)) giveUp();
      value[key] = flowItem(i, end, depth + 1);
      push3(quoted ? keyTable.push(key) - 1 : field, keyOffset, nodeRecord);
      i = skipSpaces(text, scanEnd, end);
      const c = text.charCodeAt(i);
      if (c === 44 /* , */) i++;
      else if (c !== 125) giveUp();
    }
  }

  function flowItem(i: number, end: number, depth: number): unknown {
    const ch = text.charCodeAt(i);
    if (ch === 91 || ch === 123) return flow(i, end, depth);
    if (ch === 34 || ch === 39) {
      const q = readQuoted(text, i, end);
      if (q === undefined) giveUp();
      nodeOffset = i;
      nodeRecord = -1;
      scanEnd = QUOTED.end;
      return q;
    }
    const e = flowPlainEnd(i, end);
    if (e === i || text.charCodeAt(e) === 58 /* : */) giveUp(); // implicit pairs in flow sequences
    nodeOffset = i;
    nodeRecord = -1;
    scanEnd = e;
    return plainValue(text, i, e);
  }

  /**
   * Where a plain scalar inside a flow collection ends (trailing spaces excluded): at `,` `]` `}`
   * or at a `:` followed by a space or the line's end. As kubectl reads it (go-yaml), a `:`
   * followed by anything else is part of the scalar (`[2001:db8::, a]`); a `:` starting a scalar
   * and a `?` anywhere in one are syntax there, which the full path reports (kubectl-readings.ts).
   */
  function flowPlainEnd(i: number, end: number): number {
    const c0 = text.charCodeAt(i);
    const kind = START[c0];
    if (kind === INDICATOR || c0 === 58 /* : */ || c0 === 63 /* ? */ || (kind === SPACE_SENSITIVE && (i + 1 >= end || isSpaceOrFlowEnd(text.charCodeAt(i + 1))))) giveUp();
    let j = i;
    while (j < end) {
      const c = text.charCodeAt(j);
      if (c < 128 && FLOW_SPECIAL[c] === 0) {
        j++; // the common case: a character with no meaning here
        continue;
      }
      if (c === 44 || c === 93 || c === 125) break; // , ] }
      if (c === 91 || c === 123) giveUp(); // [ {
      if (c === 58 /* : */ && (j + 1 >= end || text.charCodeAt(j + 1) === 32)) break;
      if (c === 63 /* ? */) giveUp();
      if (c === 35 /* # */ && text.charCodeAt(j - 1) === 32) giveUp();
      j++;
    }
    while (j > i && text.charCodeAt(j - 1) === 32) j--;
    return j;
  }

  function isSeqIndicator(p: number): boolean {
    if (text.charCodeAt(p) !== 45 /* - */) return false;
    const n = text.charCodeAt(p + 1);
    return p + 1 >= text.length || n === 32 || n === 10;
  }

  /** The implicit key starting at `p` (up to `: ` or `:` at end of line), if the line is a key line; sets keyAfter. */
  function mapKey(p: number, end: number): string | undefined {
    // Each key line is asked twice (is it a mapping? then: its key): answer the second from memory.
    if (p === memoAt) {
      keyAfter = memoAfter;
      keyField = memoField;
      return memoKey;
    }
    const key = readMapKey(p, end);
    memoAt = p;
    memoKey = key;
    memoAfter = keyAfter;
    memoField = keyField;
    return key;
  }

  function readMapKey(p: number, end: number): string | undefined {
    const ch = text.charCodeAt(p);
    if (ch === 34 || ch === 39) {
      const q = readQuoted(text, p, end);
      if (q === undefined) return undefined;
      let i = QUOTED.end;
      while (text.charCodeAt(i) === 32) i++;
      if (text.charCodeAt(i) !== 58 || !(i + 1 >= end || text.charCodeAt(i + 1) === 32)) return undefined;
      keyAfter = i + 1;
      keyField = keyTable.push(q) - 1;
      return q;
    }
    const kind = START[ch];
    if (kind === INDICATOR || (kind === SPACE_SENSITIVE && (p + 1 >= end || text.charCodeAt(p + 1) === 32))) return undefined;
    for (let i = p; i < end && i - p < 1000; i++) {
      const c = text.charCodeAt(i);
      if (c === 35 /* # */ && text.charCodeAt(i - 1) === 32) return undefined;
      if (c === 58 /* : */ && (i + 1 >= end || text.charCodeAt(i + 1) === 32)) {
        let e = i;
        while (e > p && text.charCodeAt(e - 1) === 32) e--;
        if (e === p) giveUp();
        const key = plainKey(text, p, e);
        if (key === '<<') giveUp();
        keyAfter = i + 1;
        keyField = -2 - (e - p);
        return key;
      }
    }
    return undefined;
  }
}

/**
 * Recently seen plain keys, by a hash of length and end characters. Mesh config repeats a few
 * hundred key names millions of times; a hit skips the slice, the scalar resolution and — as
 * the cached string is already a property name — V8's hashing of a fresh key string.
 */
const KEY_CACHE: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

/** The plain key text[p, e) (non-empty), which must resolve to a string; gives up otherwise. */
function plainKey(text: string, p: number, e: number): string {
  const len = e - p;
  const slot = (len * 31 + text.charCodeAt(p) * 7 + text.charCodeAt(e - 1)) & 4095;
  const hit = KEY_CACHE[slot];
  if (hit !== undefined && hit.length === len && text.startsWith(hit, p)) return hit;
  const key = resolvePlain(text.slice(p, e));
  if (typeof key !== 'string') giveUp();
  if (len <= 64) KEY_CACHE[slot] = key;
  return key;
}

/**
 * Recently seen short plain values that are strings (`v1`, `http`, `STATIC`, `ns-0`, `10s`):
 * mesh config repeats a few of them hundreds of thousands of times, and a hit returns the one
 * string already made instead of a new copy that every later collection would have to trace.
 * Only strings shorter than 13 characters: V8 copies those when slicing, while a longer slice
 * would point into (and keep alive) the whole text of the file it came from.
 */
const VALUE_CACHE: (string | undefined)[] = new Array<string | undefined>(4096).fill(undefined);

/** The plain scalar text[p, e) (non-empty), resolved. */
function plainValue(text: string, p: number, e: number): unknown {
  const len = e - p;
  if (len >= 13) return resolveValue(text.slice(p, e));
  const slot = (len * 31 + text.charCodeAt(p) * 7 + text.charCodeAt(e - 1)) & 4095;
  const hit = VALUE_CACHE[slot];
  if (hit !== undefined && hit.length === len && text.startsWith(hit, p)) return hit;
  const value = resolveValue(text.slice(p, e));
  if (typeof value === 'string') VALUE_CACHE[slot] = value;
  return value;
}

/**
 * A plain value as kubectl reads it; gives up on a number kubectl cannot send (`.inf`) or
 * reads as octal (`010`), which the full path notes (kubectl-readings.ts).
 */
function resolveValue(s: string): unknown {
  const value = resolvePlain(s);
  if (typeof value !== 'number') return value;
  const c = s.charCodeAt(0);
  if (!Number.isFinite(value) || ((c === 48 || c === 43 || c === 45) && octalReading(s) !== undefined)) giveUp();
  return value;
}

function isDocMarker(text: string, a: number, b: number): boolean {
  // Runs for every line: the first character rules out nearly all of them without a call.
  if (text.charCodeAt(a) !== 45 /* - */ || !text.startsWith('---', a)) return false;
  if (b === a + 3) return true;
  if (text[a + 3] !== ' ') return false;
  const rest = text.slice(a + 3, b).trim();
  if (rest !== '' && !rest.startsWith('#')) giveUp(); // `--- value`: leave to the full parser
  return true;
}

function isSpaceOrFlowEnd(c: number): boolean {
  return c === 32 || c === 44 || c === 93 || c === 125; // space , ] }
}

function skipSpaces(text: string, i: number, end: number): number {
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i;
}
