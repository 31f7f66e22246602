// Git pack files, read in place: the v2 index (which object sits at which offset) and the
// entries themselves (type, size, delta base, compressed data). Pack layout facts:
//  - index v2: magic ff 74 4f 63, version 2, a 256-entry fan-out table, the sorted object
//    ids (20 bytes each), CRCs (4 each), 31-bit offsets (4 each; the high bit points into a
//    table of 8-byte offsets for packs over 2 GiB);
//  - pack entry: a header of a 3-bit type and a size in 4 + 7k bits (little-endian groups),
//    then for OFS_DELTA a base distance (big-endian groups, each continuation adding one), for
//    REF_DELTA the base's 20-byte id, then the zlib stream;
//  - a pack ends with a 20-byte checksum, so the last entry ends 20 bytes before the end.
// An entry's compressed length is not stored anywhere: it runs to the next entry's offset,
// found from the offsets sorted once per pack.
import fs from 'node:fs';
import path from 'node:path';

/** Entry types: 1 commit, 2 tree, 3 blob, 4 tag, 6 OFS_DELTA, 7 REF_DELTA. */
export const PACK_TYPE = { commit: 1, tree: 2, blob: 3, tag: 4, ofsDelta: 6, refDelta: 7 } as const;

export interface PackIndex {
  readonly packFile: string;
  readonly idx: Buffer;
  readonly count: number;
}

export interface PackEntryHeader {
  readonly type: number;
  /** For a whole object its size; for a delta, the size of the delta data. */
  readonly size: number;
  /** Where the zlib stream starts, from the entry's offset. */
  readonly dataStart: number;
  /** OFS_DELTA: the base entry's offset in the same pack. */
  readonly baseOffset?: number;
  /** REF_DELTA: the base object's id (hex). */
  readonly baseOid?: string;
}

const FANOUT = 8;
const NAMES = FANOUT + 256 * 4;

/** The pack indexes of a repository's own store (`gitdir/objects/pack`). */
export function loadPackIndexes(gitdir: string): Promise<PackIndex[]> {
  return loadStorePackIndexes([path.join(gitdir, 'objects')]);
}

/** The pack indexes of several object stores (a repository's and its alternates'), store by store. */
export async function loadStorePackIndexes(objectDirs: readonly string[]): Promise<PackIndex[]> {
  const indexes: PackIndex[] = [];
  for (const dir of objectDirs) indexes.push(...(await packIndexesIn(path.join(dir, 'pack'))));
  return indexes;
}

async function packIndexesIn(dir: string): Promise<PackIndex[]> {
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.idx')).sort();
  } catch {
    names = [];
  }
  const indexes: PackIndex[] = [];
  for (const name of names) {
    let idx: Buffer;
    try {
      idx = await fs.promises.readFile(path.join(dir, name));
    } catch {
      continue; // gone since the listing (a concurrent gc), or not a file: its objects are not found here
    }
    if (idx.length < NAMES || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
    indexes.push({ packFile: path.join(dir, name.replace(/\.idx$/, '.pack')), idx, count: idx.readUInt32BE(FANOUT + 255 * 4) });
  }
  return indexes;
}

/** The offset of `oid` (20 raw bytes) in the index's pack, if it holds it. */
export function findOffset(index: PackIndex, oid: Buffer): number | undefined {
  const { idx } = index;
  const first = oid[0]!;
  let lo = first === 0 ? 0 : idx.readUInt32BE(FANOUT + (first - 1) * 4);
  let hi = idx.readUInt32BE(FANOUT + first * 4);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    // The index's id at `mid` against the wanted one (Buffer#compare: this slice vs target).
    const cmp = idx.compare(oid, 0, 20, NAMES + mid * 20, NAMES + mid * 20 + 20);
    if (cmp === 0) return offsetAt(index, mid);
    if (cmp < 0) lo = mid + 1;
    else hi = mid;
  }
  return undefined;
}

function offsetAt({ idx, count }: PackIndex, i: number): number {
  const offsets = NAMES + count * 20 + count * 4;
  const small = idx.readUInt32BE(offsets + i * 4);
  if ((small & 0x80000000) === 0) return small;
  return Number(idx.readBigUInt64BE(offsets + count * 4 + (small & 0x7fffffff) * 8));
}

/** Every entry's offset, ascending: an entry ends where the next one starts. */
export function sortedOffsets(index: PackIndex): Float64Array {
  const out = new Float64Array(index.count);
  for (let i = 0; i < index.count; i++) out[i] = offsetAt(index, i);
  return out.sort();
}

/** Where the entry at `offset` ends: the next entry's start, or the pack's checksum. */
export function entryEnd(sorted: Float64Array, offset: number, packSize: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length ? sorted[lo]! : packSize - 20;
}

/** Parses the header at the start of `head` (an entry's first bytes); undefined when truncated or unknown. */
export function parseEntryHeader(head: Uint8Array, offset: number): PackEntryHeader | undefined {
  let pos = 0;
  let byte = head[pos++];
  if (byte === undefined) return undefined;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte! & 0x80) {
    byte = head[pos++];
    if (byte === undefined) return undefined;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type >= PACK_TYPE.commit && type <= PACK_TYPE.tag) return { type, size, dataStart: pos };
  if (type === PACK_TYPE.ofsDelta) {
    byte = head[pos++];
    if (byte === undefined) return undefined;
    let distance = byte & 0x7f;
    while (byte! & 0x80) {
      byte = head[pos++];
      if (byte === undefined) return undefined;
      distance = (distance + 1) * 128 + (byte & 0x7f);
    }
    if (distance <= 0 || distance > offset) return undefined;
    return { type, size, dataStart: pos, baseOffset: offset - distance };
  }
  if (type === PACK_TYPE.refDelta) {
    if (pos + 20 > head.length) return undefined;
    return { type, size, dataStart: pos + 20, baseOid: Buffer.from(head.subarray(pos, pos + 20)).toString('hex') };
  }
  return undefined;
}

/**
 * The two sizes a git delta starts with (its base's, then its result's, each a little-endian
 * base-128 varint) and where its ops begin; undefined when the bytes end first (a delta read
 * only in part, for its result size, may end there).
 */
export function deltaSizes(delta: Uint8Array): { readonly base: number; readonly result: number; readonly end: number } | undefined {
  let i = 0;
  const varint = (): number | undefined => {
    let value = 0;
    let bits = 0;
    for (;;) {
      const b = delta[i++];
      if (b === undefined) return undefined;
      value += (b & 0x7f) * 2 ** bits;
      bits += 7;
      if ((b & 0x80) === 0) return value;
    }
  };
  const base = varint();
  const result = varint();
  return base === undefined || result === undefined ? undefined : { base, result, end: i };
}

/**
 * Applies git delta `delta` to `base`: two size varints (base, result), then copy ops (high
 * bit set: offset and size bytes selected by the low 7 bits; a size of 0 means 65536) and
 * insert ops (1-127 literal bytes). Throws on a delta that does not fit its base.
 */
export function applyDelta(base: Uint8Array, delta: Uint8Array): Buffer {
  const sizes = deltaSizes(delta);
  if (!sizes) throw new Error('truncated delta header');
  if (sizes.base !== base.length) throw new Error('delta base size mismatch');
  let i = sizes.end;
  const deltaByte = (): number => {
    const b = delta[i++];
    if (b === undefined) throw new Error('truncated delta copy op');
    return b;
  };
  const out = Buffer.allocUnsafe(sizes.result);
  let at = 0;
  while (i < delta.length) {
    const op = delta[i++]!;
    if (op & 0x80) {
      let from = 0;
      let size = 0;
      for (let k = 0; k < 4; k++) if (op & (1 << k)) from += deltaByte() * 2 ** (8 * k);
      for (let k = 0; k < 3; k++) if (op & (16 << k)) size += deltaByte() << (8 * k);
      if (size === 0) size = 0x10000;
      if (from + size > base.length || at + size > out.length) throw new Error('delta copy out of range');
      copyBytes(base, from, size, out, at);
      at += size;
    } else if (op !== 0) {
      if (i + op > delta.length || at + op > out.length) throw new Error('delta insert out of range');
      copyBytes(delta, i, op, out, at);
      i += op;
      at += op;
    } else {
      throw new Error('delta opcode 0');
    }
  }
  if (at !== out.length) throw new Error('delta result size mismatch');
  return out;
}

/** `n` bytes of `src` from `from` into `out` at `at`: a loop for the short runs deltas are mostly made of, where a view per copy costs more. */
function copyBytes(src: Uint8Array, from: number, n: number, out: Uint8Array, at: number): void {
  if (n > 64) {
    out.set(src.subarray(from, from + n), at);
    return;
  }
  for (let k = 0; k < n; k++) out[at + k] = src[from + k]!;
}
