// The fast YAML parser's working tables (fast-yaml.ts), reused from file to file: the
// parser is synchronous and never re-entered, and at 10,000 files allocating them per file
// was a visible share of the garbage. Line tables, and the position records of the file
// being read (see FastPositions) with the child triples of collections still open.

let capacity = 0;
export let LINE_START = new Int32Array(0);
export let LINE_END = new Int32Array(0);
export let INDENT = new Int32Array(0);
export let CONTENT = new Int32Array(0);
export let BLANK = new Uint8Array(0);
/** Position records under construction (copied out per file), and the pending child triples of open collections. */
let records = new Int32Array(4096);
let recordsUsed = 0;
export const pending: number[] = [];
export let pendingTop = 0;

function growLines(n: number): void {
  if (n <= capacity) return;
  const size = Math.max(n, capacity * 2, 256);
  const grow32 = (a: Int32Array) => {
    const b = new Int32Array(size);
    b.set(a);
    return b;
  };
  LINE_START = grow32(LINE_START);
  LINE_END = grow32(LINE_END);
  INDENT = new Int32Array(size); // filled per file after the line pass
  CONTENT = new Int32Array(size);
  BLANK = new Uint8Array(size);
  capacity = size;
}

/** Fills the line tables for `text`; returns the number of lines. */
export function scanLines(text: string): number {
  let n = 0;
  const len = text.length;
  for (let at = 0; at <= len; ) {
    const nl = text.indexOf('\n', at);
    const end = nl < 0 ? len : nl;
    if (!(nl < 0 && at === len)) {
      growLines(n + 1);
      LINE_START[n] = at;
      LINE_END[n] = end;
      n++;
    }
    at = end + 1;
  }
  growLines(n);
  for (let l = 0; l < n; l++) {
    let i = LINE_START[l]!;
    const end = LINE_END[l]!;
    while (i < end && text.charCodeAt(i) === 32) i++;
    INDENT[l] = i - LINE_START[l]!;
    CONTENT[l] = i;
    BLANK[l] = i === end || text.charCodeAt(i) === 35 /* # */ ? 1 : 0;
  }
  return n;
}

/** Records a collection whose child triples are pending from `base` on; returns its record. */
export function emit(isMap: number, base: number): number {
  const n = pendingTop - base;
  const at = recordsUsed;
  if (at + 2 + n > records.length) {
    const bigger = new Int32Array(Math.max(records.length * 2, at + 2 + n));
    bigger.set(records.subarray(0, at));
    records = bigger;
  }
  records[at] = isMap;
  records[at + 1] = n / 3;
  for (let k = 0; k < n; k++) records[at + 2 + k] = pending[base + k]!;
  recordsUsed = at + 2 + n;
  pendingTop = base;
  return at;
}

export function push3(a: number, b: number, c: number): void {
  pending[pendingTop] = a;
  pending[pendingTop + 1] = b;
  pending[pendingTop + 2] = c;
  pendingTop += 3;
}


/** Starts a file: no records, nothing pending. */
export function startFile(): void {
  recordsUsed = 0;
  pendingTop = 0;
}

/**
 * Where finished files' records live: views into shared blocks. A typed array of its own per
 * file cost an off-heap allocation and a tracked backing store each (40 ms at 10,000 files).
 * Positions live as long as their resources, so a block lives while any of its files does.
 */
const BLOCK = 1 << 18;
let block = new Int32Array(BLOCK);
let blockUsed = 0;

/** The file's position records, copied out of the working table. */
export function takeRecords(): Int32Array {
  const n = recordsUsed;
  if (n > BLOCK >> 3) return records.slice(0, n); // a big file: its own array
  if (blockUsed + n > BLOCK) {
    block = new Int32Array(BLOCK);
    blockUsed = 0;
  }
  const out = block.subarray(blockUsed, blockUsed + n);
  out.set(records.subarray(0, n));
  blockUsed += n;
  return out;
}
