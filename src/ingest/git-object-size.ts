// The inflated size of a git object, learnt from its header alone, so an enormous blob
// can be refused before isomorphic-git inflates it into memory. Loose objects: inflate
// just the `blob <size>\0` header. Packed objects: find the offset in the pack index (v2)
// and read the entry header; for deltas, the target size at the start of the delta data.
// Returns undefined when it cannot tell (alternates, unknown formats); the caller then
// falls back to checking the size after reading.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import type { LooseObjects } from './git-read-fs.ts';

const HEAD_BYTES = 512; // enough for any object header plus a delta's two size varints

interface PackIndex {
  readonly packFile: string;
  readonly idx: Buffer;
  readonly count: number;
}

export class GitObjectSizer {
  readonly #gitdir: string;
  readonly #loose: LooseObjects;
  #indexes: Promise<PackIndex[]> | undefined; // a promise: concurrent callers share one load

  constructor(gitdir: string, loose: LooseObjects) {
    this.#gitdir = gitdir;
    this.#loose = loose;
  }

  async size(oid: string): Promise<number | undefined> {
    const loose = await this.#looseSize(oid);
    if (loose !== undefined) return loose;
    for (const index of await this.#packIndexes()) {
      const offset = findOffset(index, oid);
      if (offset !== undefined) return packedSize(index.packFile, offset);
    }
    return undefined;
  }

  async #looseSize(oid: string): Promise<number | undefined> {
    if (!(await this.#loose.has(oid))) return undefined;
    const head = await readAt(path.join(this.#gitdir, 'objects', oid.slice(0, 2), oid.slice(2)), 0, HEAD_BYTES);
    if (!head) return undefined;
    const text = partialInflate(head).toString('latin1');
    const match = /^[a-z]+ (\d+)\0/.exec(text);
    return match ? Number(match[1]) : undefined;
  }

  #packIndexes(): Promise<PackIndex[]> {
    this.#indexes ??= loadPackIndexes(this.#gitdir);
    return this.#indexes;
  }
}

async function loadPackIndexes(gitdir: string): Promise<PackIndex[]> {
  const dir = path.join(gitdir, 'objects', 'pack');
  let names: string[] = [];
  try {
    names = (await fs.promises.readdir(dir)).filter((n) => n.endsWith('.idx')).sort();
  } catch {
    names = [];
  }
  const indexes: PackIndex[] = [];
  for (const name of names) {
    const idx = await fs.promises.readFile(path.join(dir, name));
    // v2 index: magic ff 74 4f 63, version 2, 256-entry fan-out table.
    if (idx.length < 8 + 1024 || idx.readUInt32BE(0) !== 0xff744f63 || idx.readUInt32BE(4) !== 2) continue;
    indexes.push({ packFile: path.join(dir, name.replace(/\.idx$/, '.pack')), idx, count: idx.readUInt32BE(8 + 255 * 4) });
  }
  return indexes;
}

function findOffset({ idx, count }: PackIndex, oid: string): number | undefined {
  const want = Buffer.from(oid, 'hex');
  if (want.length !== 20) return undefined;
  const first = want[0]!;
  let lo = first === 0 ? 0 : idx.readUInt32BE(8 + (first - 1) * 4);
  let hi = idx.readUInt32BE(8 + first * 4);
  const names = 8 + 1024;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const cmp = idx.compare(want, 0, 20, names + mid * 20, names + mid * 20 + 20);
    if (cmp === 0) {
      const offsets = names + count * 20 + count * 4;
      const small = idx.readUInt32BE(offsets + mid * 4);
      if ((small & 0x80000000) === 0) return small;
      const large = offsets + count * 4 + (small & 0x7fffffff) * 8;
      return Number(idx.readBigUInt64BE(large));
    }
    if (cmp < 0) hi = mid;
    else lo = mid + 1;
  }
  return undefined;
}

async function packedSize(packFile: string, offset: number): Promise<number | undefined> {
  const head = await readAt(packFile, offset, HEAD_BYTES);
  if (!head || head.length < 1) return undefined;
  // Entry header: 3-bit type, then the size in 4 + 7*k bits, little-endian groups.
  let pos = 0;
  let byte = head[pos++]!;
  const type = (byte >> 4) & 7;
  let size = byte & 15;
  let shift = 4;
  while (byte & 0x80 && pos < head.length) {
    byte = head[pos++]!;
    size += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  }
  if (type >= 1 && type <= 4) return size; // commit, tree, blob, tag: size is the object's
  if (type === 6) {
    while (pos < head.length && head[pos++]! & 0x80); // OFS_DELTA: skip the base offset
  } else if (type === 7) {
    pos += 20; // REF_DELTA: skip the base object id
  } else {
    return undefined;
  }
  // Delta data starts with two varints: base size, then the size of the result.
  const delta = partialInflate(head.subarray(pos));
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
  if (varint() === undefined) return undefined;
  return varint();
}

/** Inflates what it can of a truncated zlib stream (the header is all we need). */
function partialInflate(bytes: Buffer): Buffer {
  try {
    return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

async function readAt(file: string, offset: number, length: number): Promise<Buffer | undefined> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    handle = await fs.promises.open(file, 'r');
    const buf = Buffer.alloc(length);
    const { bytesRead } = await handle.read(buf, 0, length, offset);
    return buf.subarray(0, bytesRead);
  } catch {
    return undefined;
  } finally {
    await handle?.close();
  }
}
