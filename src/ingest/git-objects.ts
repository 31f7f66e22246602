// Reading the trees and blobs of one revision from a repository's object store, loose or
// packed, with Node's native zlib. isomorphic-git resolves the revision (refs, commits, tags);
// the trees and blobs — thousands of them in a large mesh repository — are read here, because
// isomorphic-git inflates every object with a pure-JS zlib (pako), setting up a fresh inflate
// state each time, and re-inflates a delta chain's bases for every object built on them.
// bench/ingest/run.ts on 10,000 files: 6.5-7 s through isomorphic-git's readBlob, against
// 0.3-0.45 s for the whole packed revision here (see BENCHMARKS.md).
//
// - size(oid): the inflated size from the object's header alone, so an enormous blob is
//   refused before anything inflates it. Loose: the `blob <size>\0` header of a partial
//   inflate. Packed: the entry header; for a delta, the result size at the start of the
//   delta data.
// - readTree(oid): a tree's entries, the same way (a repository with a folder per team and
//   app has hundreds of trees).
// - readBlob(oid): the blob's bytes, checked against the id (SHA-1), or undefined when this
//   reader cannot tell (an object in no store, an unknown format, anything malformed or not
//   hashing to its id): the caller then asks isomorphic-git, which reports the problem
//   in its own words.
// Objects are looked for in the repository's own store and the ones it borrows from
// (alternates, git-alternates.ts): loose files through LooseObjects, packs of every store.
// Delta bases are kept (up to BASE_CACHE_BYTES) while one revision is read: a config
// repository's files are near copies of each other, so git packs them as long delta chains.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import { errorCode, isSystemError } from './error-code.ts';
import { PACK_TYPE, applyDelta, deltaSizes, entryEnd, findOffset, loadStorePackIndexes, parseEntryHeader, sortedOffsets, type PackIndex } from './git-pack.ts';
import type { LooseObjects } from './git-read-fs.ts';

const HEAD_BYTES = 512; // enough for any entry header plus a delta's two size varints
const BASE_CACHE_BYTES = 64 * 1024 * 1024;
const MAX_DELTA_DEPTH = 10_000; // git's default is 50; a REF_DELTA loop must still end
/** A pack up to this size is read whole, once (one call instead of one per entry); larger ones entry by entry. */
const WHOLE_PACK_BYTES = 64 * 1024 * 1024;

interface GitObject {
  readonly type: number;
  readonly data: Buffer;
}

/**
 * One pack, opened on first use: read whole when it is up to WHOLE_PACK_BYTES, else entry by
 * entry. Reads (here and of loose objects) are synchronous: each is a few KiB from a local
 * disk, where a promise-based call's thread-pool round trip costs more than the read (see
 * read-disk-files.ts).
 */
interface OpenPack {
  readonly index: PackIndex;
  fd?: number;
  /** The whole pack, when it is small enough to hold (then no fd is kept). */
  data?: Buffer;
  size?: number;
  sorted?: Float64Array;
  /** Delta bases by offset: the read (possibly still in flight) and its size once known. */
  readonly bases: Map<number, { readonly object: Promise<GitObject>; bytes: number }>;
}

export class GitObjects {
  readonly #loose: LooseObjects;
  #packs: Promise<OpenPack[]> | undefined; // a promise: concurrent callers share one load
  #cachedBytes = 0;
  readonly #located = new Map<string, { pack: OpenPack; offset: number } | undefined>();

  constructor(loose: LooseObjects) {
    this.#loose = loose;
  }

  async size(oid: string): Promise<number | undefined> {
    const loose = await this.#looseSize(oid);
    if (loose !== undefined) return loose;
    const found = await this.#locate(oid);
    if (!found) return undefined;
    const head = this.#read(found.pack, found.offset, Math.min(found.offset + HEAD_BYTES, this.#open(found.pack).size!));
    const header = parseEntryHeader(head, found.offset);
    if (!header) return undefined;
    if (header.type !== PACK_TYPE.ofsDelta && header.type !== PACK_TYPE.refDelta) return header.size;
    // A delta's result size is the second varint of its data: the first bytes are enough.
    return deltaSizes(partialInflate(head.subarray(header.dataStart)))?.result;
  }

  /**
   * The blob's bytes; undefined when the object is not here in a form this reader knows, is
   * not a blob, or does not hash to `oid` (so damaged storage is never read as content).
   * `size`, when the caller has it from size(), bounds the inflate of a loose object.
   */
  async readBlob(oid: string, size?: number): Promise<Buffer | undefined> {
    try {
      const object = await this.#object(oid, 0, size);
      return object?.type === PACK_TYPE.blob && hashesTo(object, 'blob', oid) ? object.data : undefined;
    } catch (err) {
      // The operating system refused (permission, open files, I/O): isomorphic-git's read
      // would turn that into "not found", so it is passed on as what it is. A file gone
      // (ENOENT) is not: git repacking meanwhile removes packs, and the fallback finds the
      // object where it went.
      if (refused(err)) throw err;
      return undefined; // malformed: isomorphic-git's read says what is wrong
    }
  }

  /**
   * A tree's entries in stored order (`<mode> <name>\0<20-byte id>` each), modes as
   * isomorphic-git spells them (`040000` for a tree); undefined as for readBlob.
   */
  async readTree(oid: string): Promise<TreeItem[] | undefined> {
    try {
      const object = await this.#object(oid, 0);
      if (object?.type !== PACK_TYPE.tree || !hashesTo(object, 'tree', oid)) return undefined;
      return parseTree(object.data);
    } catch (err) {
      if (refused(err)) throw err; // as readBlob
      return undefined;
    }
  }

  /** Closes the pack files. The instance must not be used afterwards. */
  async close(): Promise<void> {
    const packs = await this.#packs?.catch(() => []);
    for (const pack of packs ?? []) {
      if (pack.fd !== undefined) fs.closeSync(pack.fd);
      pack.fd = undefined;
      pack.data = undefined;
      pack.bases.clear();
    }
    this.#cachedBytes = 0;
    this.#located.clear();
  }

  async #object(oid: string, depth: number, size?: number): Promise<GitObject | undefined> {
    if (depth > MAX_DELTA_DEPTH) throw new Error('delta chain too deep');
    const looseFile = await this.#loose.find(oid);
    if (looseFile) return inflateLoose(fs.readFileSync(looseFile), size);
    const found = await this.#locate(oid);
    return found ? this.#packed(found.pack, found.offset, depth) : undefined;
  }

  async #packed(pack: OpenPack, offset: number, depth: number): Promise<GitObject> {
    if (depth > MAX_DELTA_DEPTH) throw new Error('delta chain too deep');
    const open = this.#open(pack);
    const bytes = this.#read(pack, offset, entryEnd(open.sorted!, offset, open.size!));
    const header = parseEntryHeader(bytes, offset);
    if (!header) throw new Error(`unreadable pack entry at ${offset}`);
    // Bounded by the header: an entry whose header under-states its size is refused, not inflated whole.
    const data = zlib.inflateSync(bytes.subarray(header.dataStart), { maxOutputLength: Math.max(1, header.size) });
    if (data.length !== header.size) throw new Error(`pack entry at ${offset}: size ${data.length}, header says ${header.size}`);
    if (header.baseOffset === undefined && header.baseOid === undefined) return { type: header.type, data };
    const base = header.baseOffset !== undefined ? await this.#base(pack, header.baseOffset, depth + 1) : await this.#baseById(header.baseOid!, depth + 1);
    if (!base) throw new Error(`pack entry at ${offset}: delta base ${header.baseOid} not found`);
    return { type: base.type, data: applyDelta(base.data, data) };
  }

  /** A REF_DELTA's base: kept like an offset base when it is packed, read afresh when loose. */
  async #baseById(oid: string, depth: number): Promise<GitObject | undefined> {
    if (await this.#loose.has(oid)) return this.#object(oid, depth);
    const found = await this.#locate(oid);
    return found ? this.#base(found.pack, found.offset, depth) : undefined;
  }

  /**
   * A delta base, kept for the other objects built on it. The promise is kept, so reads in
   * flight at the same time share one inflate of a base, and each base is counted once.
   */
  #base(pack: OpenPack, offset: number, depth: number): Promise<GitObject> {
    const hit = pack.bases.get(offset);
    if (hit) return hit.object;
    const object = this.#packed(pack, offset, depth);
    const entry = { object, bytes: 0 };
    pack.bases.set(offset, entry);
    object.then(
      (o) => {
        if (pack.bases.get(offset) !== entry) return; // evicted (or closed) while in flight
        entry.bytes = o.data.length;
        this.#cachedBytes += entry.bytes;
        // Oldest first: siblings in a chain are read close together.
        for (const [key, old] of pack.bases) {
          if (this.#cachedBytes <= BASE_CACHE_BYTES || old === entry) break;
          pack.bases.delete(key);
          this.#cachedBytes -= old.bytes;
        }
      },
      () => pack.bases.delete(offset), // a failed read is not remembered
    );
    return object;
  }

  async #locate(oid: string): Promise<{ pack: OpenPack; offset: number } | undefined> {
    // Remembered: size() and readBlob() ask for the same ids, one after the other.
    if (this.#located.has(oid)) return this.#located.get(oid);
    const raw = Buffer.from(oid, 'hex');
    let found: { pack: OpenPack; offset: number } | undefined;
    if (raw.length === 20) {
      for (const pack of await this.#packList()) {
        const offset = findOffset(pack.index, raw);
        if (offset !== undefined) {
          found = { pack, offset };
          break;
        }
      }
    }
    this.#located.set(oid, found);
    return found;
  }

  #packList(): Promise<OpenPack[]> {
    this.#packs ??= loadStorePackIndexes(this.#loose.stores.dirs).then((indexes) => indexes.map((index) => ({ index, bases: new Map() })));
    return this.#packs;
  }

  #open(pack: OpenPack): OpenPack {
    if (pack.fd === undefined && pack.data === undefined) {
      const fd = fs.openSync(pack.index.packFile, 'r');
      pack.size = fs.fstatSync(fd).size;
      pack.sorted ??= sortedOffsets(pack.index);
      if (pack.size <= WHOLE_PACK_BYTES) {
        pack.data = fs.readFileSync(fd);
        fs.closeSync(fd);
      } else {
        pack.fd = fd;
      }
    }
    return pack;
  }

  /** Bytes [from, to) of the pack (a view into it when it is held whole). */
  #read(pack: OpenPack, from: number, to: number): Buffer {
    const open = this.#open(pack);
    if (open.data) return open.data.subarray(from, Math.min(to, open.data.length));
    const fd = open.fd!;
    const buf = Buffer.allocUnsafe(Math.max(0, to - from));
    let got = 0;
    while (got < buf.length) {
      const n = fs.readSync(fd, buf, got, buf.length - got, from + got);
      if (n === 0) break;
      got += n;
    }
    return buf.subarray(0, got);
  }

  async #looseSize(oid: string): Promise<number | undefined> {
    const looseFile = await this.#loose.find(oid);
    const head = looseFile ? readAt(looseFile, 0, HEAD_BYTES) : undefined;
    return head ? statedLooseSize(head) : undefined;
  }
}

/** A tree entry, with the fields read-git.ts uses from isomorphic-git's TreeEntry. */
/** A system error other than a file gone: see readBlob. */
function refused(err: unknown): boolean {
  return isSystemError(err) && errorCode(err) !== 'ENOENT';
}

export interface TreeItem {
  readonly mode: string;
  readonly path: string;
  readonly oid: string;
}

/** A git object id is the SHA-1 of `<type> <size>\0` and the content. */
function hashesTo(object: GitObject, type: string, oid: string): boolean {
  return createHash('sha1').update(`${type} ${object.data.length}\0`).update(object.data).digest('hex') === oid;
}

function parseTree(data: Buffer): TreeItem[] {
  const items: TreeItem[] = [];
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const nul = space < 0 ? -1 : data.indexOf(0, space + 1);
    if (space < 0 || nul < 0 || nul + 21 > data.length) throw new Error('malformed tree entry');
    const mode = data.toString('latin1', at, space);
    const path = data.toString('utf8', space + 1, nul);
    if (reservedName(path)) throw new Error('reserved entry name'); // isomorphic-git words the refusal
    items.push({ mode: mode === '40000' ? '040000' : mode, path, oid: data.toString('hex', nul + 1, nul + 21) });
    at = nul + 21;
  }
  return items;
}

/**
 * Names git itself refuses in a tree (its verify_path rules): separators, `.`, `..`, and `.git`
 * in any spelling a file system may map to it — any case, trailing dots or spaces, an NTFS
 * stream suffix (`.git::$INDEX_ALLOCATION`), the 8.3 alias `git~1`, or with the code points
 * HFS+ ignores. A tree holding one is left to isomorphic-git, which refuses it by name.
 */
function reservedName(name: string): boolean {
  if (name.includes('/') || name.includes('\\')) return true;
  const visible = name.replace(/[\u200C-\u200F\u202A-\u202E\u206A-\u206F\uFEFF]/g, '');
  if (visible === '.' || visible === '..') return true;
  const base = visible.split(':')[0]!.toLowerCase().replace(/[. ]+$/, '');
  return base === '.git' || /^\.?git~[1-9]$/.test(base);
}

const LOOSE_TYPES: Record<string, number> = { commit: PACK_TYPE.commit, tree: PACK_TYPE.tree, blob: PACK_TYPE.blob, tag: PACK_TYPE.tag };

/** A loose object file: zlib of `<type> <size>\0<content>`. */
function inflateLoose(file: Buffer, size?: number): GitObject {
  // Bounded by the size the header states (read first when the caller does not know it), so
  // a stream holding more than its header says is refused rather than inflated whole.
  const content = size ?? statedLooseSize(file.subarray(0, HEAD_BYTES));
  if (content === undefined) throw new Error('unreadable loose object header');
  const all = zlib.inflateSync(file, { maxOutputLength: 32 + content }); // `<type> <size>\0` fits in 32 bytes
  const nul = all.indexOf(0);
  const match = nul > 0 ? /^([a-z]+) (\d+)$/.exec(all.toString('latin1', 0, nul)) : null;
  const type = match ? LOOSE_TYPES[match[1]!] : undefined;
  if (!match || type === undefined) throw new Error('unreadable loose object header');
  const data = all.subarray(nul + 1);
  if (data.length !== Number(match[2])) throw new Error('loose object size does not match its header');
  return { type, data };
}

/** The content size a loose object's header (`<type> <size>\0`) states, from its file's first bytes. */
function statedLooseSize(head: Buffer): number | undefined {
  const match = /^[a-z]+ (\d+)\0/.exec(partialInflate(head).toString('latin1'));
  return match ? Number(match[1]) : undefined;
}

/** Inflates what it can of a truncated zlib stream (the header is all we need). */
function partialInflate(bytes: Buffer): Buffer {
  try {
    return zlib.inflateSync(bytes, { finishFlush: zlib.constants.Z_SYNC_FLUSH });
  } catch {
    return Buffer.alloc(0);
  }
}

function readAt(file: string, offset: number, length: number): Buffer | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const buf = Buffer.alloc(length);
    return buf.subarray(0, fs.readSync(fd, buf, 0, length, offset));
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
