// A fast path for the YAML that mesh config is actually written in: block mappings and
// sequences (Kubernetes style), single-line flow collections, plain and single-line quoted
// scalars, literal block scalars (`|`, `|-`, `|+`), comments, `---` documents. The `yaml`
// package's parser costs about 1 s of CPU per MB, which alone would blow the compile budget of
// a 10,000-service mesh; this path is several times faster and retains far less memory. It
// produces the same values and positions as the full path, or gives up (`undefined`) on
// anything else — anchors, tags, folded or multi-line scalars, multi-line flow, tabs, CRLF,
// duplicate keys, odd indentation, errors — and the full parser then reads the file and
// reports properly. test/compile/parse/fast-yaml.test.ts checks it differentially.
import type { FastDocument, FastFile } from './fast-positions.ts';
import { readQuoted, resolvePlain } from './fast-scalar.ts';

/** A node while parsing. */
type FastNode = FastDocument;

/** Thrown inside the parser to unwind when the input is outside the fast subset; never escapes. */
const GIVE_UP = Symbol('fast-yaml: give up');
const UNSUPPORTED_CHARS = /[\t\r\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f\ufeff]/;
/** Code units that cannot start a plain scalar (1), and `-` `?` `:` that cannot when followed by a space or flow end (2). */
const START = new Uint8Array(128);
for (const ch of '#&*!|>%@`,]}[{\'"') START[ch.charCodeAt(0)] = 1;
for (const ch of '-?:') START[ch.charCodeAt(0)] = 2;
const INDICATOR = 1;
const SPACE_SENSITIVE = 2;

/**
 * Whether a collection being built already has `key` (a duplicate: the full parser reports
 * it). Mesh config maps are small, so scanning the keys written so far (`triples` holds a
 * key-table index every third entry) beats Object.hasOwn on an object still changing shape;
 * big maps use hasOwn so this stays linear.
 */
function hasKey(value: Record<string, unknown>, triples: readonly number[], keyTable: readonly string[], key: string): boolean {
  if (key === '__proto__') return true;
  if (triples.length > 48) return Object.hasOwn(value, key);
  for (let t = 0; t < triples.length; t += 3) if (keyTable[triples[t]!] === key) return true;
  return false;
}

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
  // Line table. `indent`/`start` of a line may be advanced in place for compact mappings
  // inside sequence items (`- name: v1`), whose keys sit at a deeper column.
  const lineStart: number[] = [];
  const lineEnd: number[] = [];
  for (let at = 0; at <= text.length; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? text.length : nl;
    if (!(nl < 0 && at === text.length)) {
      lineStart.push(at);
      lineEnd.push(end);
    }
    at = end + 1;
  }
  const nLines = lineStart.length;
  const indent = new Int32Array(nLines);
  const start = new Int32Array(nLines);
  const blank = new Uint8Array(nLines);
  for (let l = 0; l < nLines; l++) {
    let i = lineStart[l]!;
    while (i < lineEnd[l]! && text.charCodeAt(i) === 32) i++;
    indent[l] = i - lineStart[l]!;
    start[l] = i;
    blank[l] = i === lineEnd[l] || text[i] === '#' ? 1 : 0;
  }

  // Document boundaries: `---` at column 0 starts a document; content before the first one
  // is a document only if there is some.
  const records: number[] = [];
  const keyTable: string[] = [];
  /** Appends a collection's record; `triples` = keyIndex, offset, child record per child. */
  const emit = (isMap: boolean, triples: readonly number[]): number => {
    const at = records.length;
    records.push(isMap ? 1 : 0, triples.length / 3);
    for (const t of triples) records.push(t); // not `...triples`: huge maps would overflow the call
    return at;
  };
  const docs: (FastNode | null)[] = [];
  let from = 0;
  let sawMarker = false;
  for (let l = 0; l <= nLines; l++) {
    const isMarker = l < nLines && isDocMarker(text, lineStart[l]!, lineEnd[l]!);
    if (l < nLines && !isMarker) {
      const c = text[lineStart[l]!];
      if (c === '%' || (c === '.' && text.startsWith('...', lineStart[l]!))) giveUp();
      continue;
    }
    if (sawMarker || hasContent(from, l)) docs.push(parseDocument(from, l));
    sawMarker = true;
    from = l + 1;
  }
  return { documents: docs, positions: { records: new Int32Array(records), keys: keyTable } }; // not Int32Array.from: that iterates

  function hasContent(a: number, b: number): boolean {
    for (let l = a; l < b; l++) if (!blank[l]) return true;
    return false;
  }

  function parseDocument(a: number, b: number): FastNode | null {
    let li = a;
    const skipBlank = () => {
      while (li < b && blank[li]) li++;
    };
    skipBlank();
    if (li >= b) return null;
    const node = blockNode(1);
    skipBlank();
    if (li < b) giveUp();
    return node;

    function blockNode(depth: number): FastNode {
      if (depth > maxDepth) giveUp();
      const c = start[li]!;
      if (isSeqIndicator(c)) return sequence(indent[li]!, depth);
      if (mapKey(c, lineEnd[li]!) !== undefined) return mapping(indent[li]!, depth);
      const node = inline(c, depth);
      li++;
      return node;
    }

    function mapping(ind: number, depth: number): FastNode {
      if (depth > maxDepth) giveUp();
      const value: Record<string, unknown> = {};
      const triples: number[] = [];
      const offset = start[li]!;
      for (;;) {
        skipBlank();
        if (li >= b || indent[li]! < ind) break;
        if (indent[li]! > ind) giveUp();
        const key = mapKey(start[li]!, lineEnd[li]!);
        if (key === undefined) giveUp(); // a `- ` item or a scalar where a key belongs
        if (hasKey(value, triples, keyTable, key.key)) giveUp();
        let p = key.after;
        while (text.charCodeAt(p) === 32) p++;
        let node: FastNode;
        if (p >= lineEnd[li]! || text[p] === '#') {
          li++;
          skipBlank();
          if (li < b && indent[li]! > ind) node = blockNode(depth + 1);
          else if (li < b && indent[li]! === ind && isSeqIndicator(start[li]!)) node = sequence(ind, depth + 1);
          else giveUp(); // `key:` with nothing: rare, leave to the full parser
        } else if (text[p] === '|') {
          node = literal(p, ind);
        } else {
          node = inline(p, depth + 1);
          li++;
        }
        value[key.key] = node.value;
        triples.push(keyTable.push(key.key) - 1, key.offset, node.record);
      }
      return { offset, value, record: emit(true, triples) };
    }

    function sequence(ind: number, depth: number): FastNode {
      if (depth > maxDepth) giveUp();
      const values: unknown[] = [];
      const triples: number[] = [];
      const add = (n: FastNode) => {
        values.push(n.value);
        triples.push(-1, n.offset, n.record);
      };
      const offset = start[li]!;
      for (;;) {
        skipBlank();
        if (li >= b || indent[li]! < ind) break;
        if (indent[li]! > ind) giveUp();
        if (!isSeqIndicator(start[li]!)) break; // a key of the enclosing mapping
        let q = start[li]! + 1;
        while (text.charCodeAt(q) === 32) q++;
        if (q >= lineEnd[li]! || text[q] === '#' || isSeqIndicator(q)) giveUp();
        if (text[q] === '|') {
          add(literal(q, ind));
        } else if (mapKey(q, lineEnd[li]!) !== undefined) {
          indent[li] = q - lineStart[li]!;
          start[li] = q;
          add(mapping(indent[li]!, depth + 1));
        } else {
          add(inline(q, depth + 1));
          li++;
        }
      }
      return { offset, value: values, record: emit(false, triples) };
    }

    /**
     * A literal block scalar (`|`, `|-`, `|+`) whose header is at `p`, for a parent node at
     * indentation `parent`: the content is the following lines indented deeper, at the first
     * content line's indentation. Leaves `li` after the content.
     */
    function literal(p: number, parent: number): FastNode {
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
      return { offset: p, value, record: -1 };
    }

    /** A value that ends on this line: flow collection, quoted or plain scalar. */
    function inline(p: number, depth: number): FastNode {
      const end = lineEnd[li]!;
      const ch = text[p]!;
      let node: FastNode;
      let after: number;
      if (ch === '[' || ch === '{') {
        const r = flow(p, end, depth);
        node = r.node;
        after = r.end;
      } else if (ch === '"' || ch === "'") {
        const q = readQuoted(text, p, end);
        if (!q) giveUp();
        node = { offset: p, value: q.value, record: -1 };
        after = q.end;
      } else {
        const start = START[text.charCodeAt(p)];
        if (start === INDICATOR || (start === SPACE_SENSITIVE && (p + 1 >= end || text.charCodeAt(p + 1) === 32))) giveUp();
        let e = end; // a comment (` #`) ends the scalar; the search is bounded to this line
        for (let k = p + 1; k < end; k++) {
          if (text.charCodeAt(k) === 35 && text.charCodeAt(k - 1) === 32) {
            e = k - 1;
            break;
          }
        }
        const raw = text.slice(p, e).trimEnd();
        if (raw.includes(': ') || raw.endsWith(':')) giveUp();
        return { offset: p, value: resolvePlain(raw), record: -1 };
      }
      while (text.charCodeAt(after) === 32) after++;
      if (after < end && !(text[after] === '#' && text[after - 1] === ' ')) giveUp();
      return node;
    }

    function flow(p: number, end: number, depth: number): { node: FastNode; end: number } {
      if (depth > maxDepth) giveUp();
      return text[p] === '[' ? flowSeq(p, end, depth) : flowMap(p, end, depth);
    }

    function flowSeq(p: number, end: number, depth: number): { node: FastNode; end: number } {
      const values: unknown[] = [];
      const triples: number[] = [];
      let i = p + 1;
      for (;;) {
        i = skipSpaces(text, i, end);
        if (i >= end) giveUp();
        if (text.charCodeAt(i) === 93 /* ] */) return { node: { offset: p, value: values, record: emit(false, triples) }, end: i + 1 };
        const r = flowItem(i, end, depth + 1);
        values.push(r.node.value);
        triples.push(-1, r.node.offset, r.node.record);
        i = skipSpaces(text, r.end, end);
        const c = text.charCodeAt(i);
        if (c === 44 /* , */) i++;
        else if (c !== 93) giveUp();
      }
    }

    function flowMap(p: number, end: number, depth: number): { node: FastNode; end: number } {
      const value: Record<string, unknown> = {};
      const triples: number[] = [];
      let i = p + 1;
      for (;;) {
        i = skipSpaces(text, i, end);
        if (i >= end) giveUp();
        if (text.charCodeAt(i) === 125 /* } */) return { node: { offset: p, value, record: emit(true, triples) }, end: i + 1 };
        const keyOffset = i;
        let key: string;
        let quoted = false;
        if (text[i] === '"' || text[i] === "'") {
          const q = readQuoted(text, i, end);
          if (!q) giveUp();
          key = q.value;
          i = q.end;
          quoted = true;
        } else {
          const r = flowPlain(i, end);
          const resolved = resolvePlain(r.raw);
          if (typeof resolved !== 'string' || r.raw === '') giveUp();
          key = resolved;
          i = r.end;
        }
        i = skipSpaces(text, i, end);
        if (text[i] !== ':') giveUp();
        i++;
        if (!quoted && i < end && text[i] !== ' ' && text[i] !== ',' && text[i] !== '}') giveUp();
        i = skipSpaces(text, i, end);
        if (text[i] === ',' || text[i] === '}' || hasKey(value, triples, keyTable, key)) giveUp();
        const r = flowItem(i, end, depth + 1);
        value[key] = r.node.value;
        triples.push(keyTable.push(key) - 1, keyOffset, r.node.record);
        i = skipSpaces(text, r.end, end);
        const c = text.charCodeAt(i);
        if (c === 44 /* , */) i++;
        else if (c !== 125) giveUp();
      }
    }

    function flowItem(i: number, end: number, depth: number): { node: FastNode; end: number } {
      const ch = text[i];
      if (ch === '[' || ch === '{') return flow(i, end, depth);
      if (ch === '"' || ch === "'") {
        const q = readQuoted(text, i, end);
        if (!q) giveUp();
        return { node: { offset: i, value: q.value, record: -1 }, end: q.end };
      }
      const r = flowPlain(i, end);
      if (r.raw === '' || text[r.end] === ':') giveUp(); // implicit pairs in flow sequences
      return { node: { offset: i, value: resolvePlain(r.raw), record: -1 }, end: r.end };
    }

    /** A plain scalar inside a flow collection: ends at `,` `]` `}` or a `:` + space/indicator. */
    function flowPlain(i: number, end: number): { raw: string; end: number } {
      const start = START[text.charCodeAt(i)];
      if (start === INDICATOR || (start === SPACE_SENSITIVE && (i + 1 >= end || isSpaceOrFlowEnd(text.charCodeAt(i + 1))))) giveUp();
      let j = i;
      while (j < end) {
        const c = text.charCodeAt(j);
        if (c === 44 || c === 93 || c === 125) break; // , ] }
        if (c === 91 || c === 123) giveUp(); // [ {
        if (c === 58 /* : */) {
          const n = text.charCodeAt(j + 1);
          if (j + 1 >= end || n === 32 || n === 44 || n === 93 || n === 125) break;
        }
        if (c === 35 /* # */ && text.charCodeAt(j - 1) === 32) giveUp();
        j++;
      }
      const raw = text.slice(i, j).trimEnd();
      return { raw, end: i + raw.length };
    }
  }

  function isSeqIndicator(p: number): boolean {
    return text[p] === '-' && (p + 1 >= text.length || text[p + 1] === ' ' || text[p + 1] === '\n');
  }

  /** The implicit key starting at `p` (up to `: ` or `:` at end of line), if the line is a key line. */
  function mapKey(p: number, end: number): { key: string; offset: number; after: number } | undefined {
    const ch = text[p]!;
    if (ch === '"' || ch === "'") {
      const q = readQuoted(text, p, end);
      if (!q) return undefined;
      let i = q.end;
      while (text.charCodeAt(i) === 32) i++;
      if (text[i] !== ':' || !(i + 1 >= end || text[i + 1] === ' ')) return undefined;
      return { key: q.value, offset: p, after: i + 1 };
    }
    const start = START[text.charCodeAt(p)];
    if (start === INDICATOR || (start === SPACE_SENSITIVE && (p + 1 >= end || text.charCodeAt(p + 1) === 32))) return undefined;
    for (let i = p; i < end && i - p < 1000; i++) {
      const c = text.charCodeAt(i);
      if (c === 35 /* # */ && text.charCodeAt(i - 1) === 32) return undefined;
      if (c === 58 /* : */ && (i + 1 >= end || text.charCodeAt(i + 1) === 32)) {
        const raw = text.slice(p, i).trimEnd();
        const key = resolvePlain(raw);
        if (typeof key !== 'string' || key === '' || key === '<<') giveUp();
        return { key, offset: p, after: i + 1 };
      }
    }
    return undefined;
  }
}

function isDocMarker(text: string, a: number, b: number): boolean {
  if (!text.startsWith('---', a)) return false;
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
