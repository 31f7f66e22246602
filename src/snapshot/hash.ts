// The snapshot's hashes, each defined by one canonical byte encoding so any replica or
// tool can recompute them. All hashes are sha256, lower-case hex.
//
// resource hash   = sha256( type "\n" name "\n" bytes )  for clusters, endpoints, listeners
//                 = sha256( "rds\n" name "\n"            for route tables:
//                           for each top-level protobuf field of the RouteConfiguration, in
//                           order (tag, length and payload): sha256-hex(field) "\n" )
// type hash       = sha256( for each entry, sorted by name: name "\n" hash "\n" )
// content hash    = sha256( "meshlog-snapshot-v2\n"
//                           for each view, sorted by name:
//                             "view\n" name "\n" kind "\n" namespaces joined by "," "\n"
//                             selector as sorted `k=v` joined by "," "\n"
//                             for a view merging Gateways: "merged " their ns/names joined by "," "\n"
//                             for each type in CDS, EDS, LDS, RDS order:
//                               type " " entry-count " " type-hash "\n" )
// A route table is hashed field by field because a table is mostly virtual hosts that other
// views' tables list too (one view per namespace, composed.ts): each virtual host is hashed
// once, and a table then costs 65 bytes of hashing per virtual host instead of all its bytes.
// At 10,000 services in 200 namespaces, hashing 2.5 GB of tables whole took 1.6 s.
// Names and labels are UTF-8. Entry hashes already cover type, name and bytes, and a type
// hash covers every entry of its list, so the content hash covers every byte that any proxy
// can receive, and which views get what. It takes each list through its type hash (v2)
// rather than entry by entry (v1): with one sidecar view per namespace, each listing tens of
// thousands of clusters, v1 hashed every list again per view, most of the hashing work of a
// many-namespace compile.
// The commit and the source map are deliberately outside it: the same config content
// at two commits (or with moved comments) is the same snapshot.
import { createHash, hash } from 'node:crypto';
import { XDS_TYPES, type SnapshotView, type ViewEntry, type XdsType } from './types.ts';
import { fieldEnd } from './wire-fields.ts';

export function resourceHash(type: XdsType, name: string, bytes: Uint8Array): string {
  if (type === 'rds') return routeTableHash(name, [fieldDigests(bytes)]);
  // One-shot hashing over one reused buffer: measurably cheaper than a Hash object, or a
  // Buffer.concat, per resource, and a large snapshot hashes tens of thousands of resources.
  // Sized for the worst case (3 UTF-8 bytes per UTF-16 code unit), so the name's exact
  // length is known only after writing it, without a byteLength call.
  const room = type.length + 2 + name.length * 3 + bytes.length;
  if (scratch.length < room) scratch = Buffer.allocUnsafe(Math.max(room, scratch.length * 2));
  let at = writeUtf8(scratch, type, 0);
  scratch[at++] = 10;
  at = writeUtf8(scratch, name, at);
  scratch[at++] = 10;
  scratch.set(bytes, at);
  return hash('sha256', scratch.subarray(0, at + bytes.length), 'hex');
}

/**
 * `sha256-hex(field) "\n"` for each top-level field of `bytes` (a route table, or whole
 * fields of one: composed.ts hashes a table's parts one by one and keeps their digests), as
 * ASCII bytes.
 */
export function fieldDigests(bytes: Uint8Array): Buffer {
  let text = '';
  for (let at = 0; at < bytes.length; ) {
    const end = fieldEnd(bytes, at);
    text += `${hash('sha256', bytes.subarray(at, end), 'hex')}\n`;
    at = end;
  }
  return Buffer.from(text, 'latin1');
}

/** A route table's hash from its fields' digests (fieldDigests), in order. */
export function routeTableHash(name: string, digests: readonly Uint8Array[]): string {
  return hashChunks(`rds\n${name}\n`, digests);
}

/**
 * sha256 hex of `prefix` (UTF-8) and then `chunks`, joined. Chunks are small (a virtual host,
 * a digest), so they are gathered into one staging buffer and hashed a block at a time: a
 * Hash update per chunk costs a native call each.
 */
export function hashChunks(prefix: string, chunks: readonly Uint8Array[]): string {
  const h = createHash('sha256').update(prefix, 'utf8');
  let at = 0;
  for (let i = 0; i < chunks.length; i++) {
    const chunk = chunks[i]!;
    if (at + chunk.length > STAGE.length) {
      if (at > 0) h.update(STAGE.subarray(0, at)); // update() reads the bytes now: the stage can be reused
      at = 0;
      if (chunk.length > STAGE.length) {
        h.update(chunk);
        continue;
      }
    }
    STAGE.set(chunk, at);
    at += chunk.length;
  }
  if (at > 0) h.update(STAGE.subarray(0, at));
  return h.digest('hex');
}

const STAGE = Buffer.allocUnsafeSlow(256 * 1024);

/** Writes `s` as UTF-8 at `at` (the caller sized the buffer) and returns the end. */
function writeUtf8(buf: Buffer, s: string, at: number): number {
  // One native write: measured faster than copying code units in JS for names this long,
  // above all before that loop is optimized, early in a compile.
  return at + buf.write(s, at);
}

let scratch = Buffer.allocUnsafe(64 * 1024);

export function typeHash(entries: readonly ViewEntry[]): string {
  return snapshotHasher().typeHash(entries);
}

export function contentHash(views: readonly SnapshotView[]): string {
  return snapshotHasher().contentHash(views);
}

/**
 * typeHash and contentHash for one snapshot, each distinct entry list hashed once: views
 * often share one list object (clusters and endpoints above all, tens of thousands of
 * entries at scale), and the content hash reads every view's type hashes. Use one per
 * snapshot and drop it: it holds a hash per list it has seen.
 */
export function snapshotHasher(): {
  typeHash(entries: readonly ViewEntry[]): string;
  contentHash(views: readonly SnapshotView[]): string;
} {
  const hashes = new Map<readonly ViewEntry[], string>();
  const typeHashOf = (entries: readonly ViewEntry[]): string => {
    let h = hashes.get(entries);
    if (h === undefined) {
      h = hash('sha256', entryLines(entries), 'hex');
      hashes.set(entries, h);
    }
    return h;
  };
  return {
    typeHash: typeHashOf,
    contentHash(views) {
      const h = createHash('sha256');
      h.update('meshlog-snapshot-v2\n');
      for (const view of views) {
        const selector = Object.keys(view.workloadSelector ?? {})
          .sort()
          .map((k) => `${k}=${view.workloadSelector?.[k] ?? ''}`)
          .join(',');
        h.update(`view\n${view.name}\n${view.kind}\n${view.namespaces.join(',')}\n${selector}\n`, 'utf8');
        if (view.mergedGateways) h.update(`merged ${view.mergedGateways.join(',')}\n`, 'utf8');
        for (const type of XDS_TYPES) {
          const entries = view.resources[type];
          h.update(`${type} ${entries.length} ${typeHashOf(entries)}\n`);
        }
      }
      return h.digest('hex');
    },
  };
}

/**
 * `name "\n" hash "\n"` per entry, as one string (one hash update instead of thousands).
 * A string joined from per-entry pieces, not a Buffer written entry by entry nor one string
 * grown by `+=`: measured, the fastest for tens of thousands of short entries, cold or warm.
 */
function entryLines(entries: readonly ViewEntry[]): string {
  return entries.map((e) => `${e.name}\n${e.hash}\n`).join('');
}

/** Sorts entries by name with a locale-independent comparison (code units). */
export function sortEntries(entries: ViewEntry[]): ViewEntry[] {
  return entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
