// A Snapshot as a message between processes: `meshlog serve` compiles in a child
// process (serve/compile-child.ts) and sends the result, over IPC with structured-clone
// ('advanced') serialization, to the thread that serves proxies.
//
// Posting the Snapshot object as it is works, but at 10,000 services it is 80,000 resource
// objects, each with its own Uint8Array, and as many view entries: rebuilding them stopped the
// serving thread for ~250 ms. Packed, every resource's bytes sit end to end in one ArrayBuffer
// (copied in one piece by the IPC serializer); names and hashes travel as one string each, cut
// apart by the receiver (160,000 strings of their own cost the serving thread more to receive than to cut);
// view entry lists as indexes into the resources, each distinct list once (views share lists,
// and so do the unpacked views). A resource stored as parts (route tables, composed.ts)
// travels as parts: each distinct part once, after the whole resources, and the resource as
// its parts' ranges, so views per namespace do not multiply the message. The route sources
// travel as the pairs of the sender's sourceMap, in its key order.
import { ComposedResource, partsOf } from './composed.ts';
import type { EncodedResource, RouteSource, Snapshot, SnapshotView, ViewEntry, XdsType } from './types.ts';
import { XDS_TYPES } from './types.ts';

/** sha256, hex. */
const HASH_LENGTH = 64;

export interface PackedSnapshot {
  readonly commit: string | null;
  readonly contentHash: string;
  readonly views: readonly PackedView[];
  /** Per resource, in one order: its type (index into XDS_TYPES), and where its name ends in `names` and its bytes in `bytes`. */
  readonly types: Uint8Array;
  readonly names: string;
  readonly nameEnds: Uint32Array;
  /** The resources' hashes back to back (each HASH_LENGTH characters). */
  readonly hashes: string;
  readonly ends: Uint32Array;
  readonly bytes: ArrayBuffer;
  /**
   * Per resource, -1, or for a resource stored as parts the index of its ranges in
   * `partRanges` (its range in `ends` is then empty).
   */
  readonly composed: Int32Array;
  /** Per resource stored as parts: its parts' [start, end) in `bytes`, pair after pair. */
  readonly partRanges: readonly Uint32Array[];
  /** Each distinct entry list of the views: resource indexes. */
  readonly lists: readonly Uint32Array[];
  readonly routeNames: readonly string[];
  readonly routeSources: readonly RouteSource[];
}

interface PackedView extends Omit<SnapshotView, 'resources'> {
  /** Per type, an index into `lists`. */
  readonly lists: Readonly<Record<XdsType, number>>;
}

/** `snapshot` packed, for a structured-clone message (child-process IPC with 'advanced' serialization). */
export function packSnapshot(snapshot: Snapshot): PackedSnapshot {
  const count = snapshot.resources.size;
  const types = new Uint8Array(count);
  const names: string[] = new Array<string>(count);
  const nameEnds = new Uint32Array(count);
  const hashes: string[] = new Array<string>(count);
  const ends = new Uint32Array(count);
  let nameEnd = 0;
  const indexOf = new Map<string, number>();
  const composed = new Int32Array(count).fill(-1);
  const partRanges: Uint32Array[] = [];
  // Each distinct part (by identity: tables share the very part objects), where it will start.
  const partStart = new Map<Uint8Array, number>();
  const partsInOrder: Uint8Array[] = [];
  let size = 0;
  let i = 0;
  for (const r of snapshot.resources.values()) {
    types[i] = XDS_TYPES.indexOf(r.type);
    if (r.hash.length !== HASH_LENGTH) throw new Error(`packSnapshot: ${r.name} has a malformed hash`);
    names[i] = r.name;
    nameEnd += r.name.length;
    nameEnds[i] = nameEnd;
    hashes[i] = r.hash;
    if (!partsOf(r)) size += r.bytes.length;
    ends[i] = size;
    indexOf.set(r.hash, i);
    i++;
  }
  // Parts go after the whole resources.
  let partsEnd = size;
  i = 0;
  for (const r of snapshot.resources.values()) {
    const parts = partsOf(r);
    if (parts) {
      const ranges = new Uint32Array(parts.length * 2);
      for (let k = 0; k < parts.length; k++) {
        const part = parts[k]!;
        let start = partStart.get(part);
        if (start === undefined) {
          start = partsEnd;
          partStart.set(part, start);
          partsInOrder.push(part);
          partsEnd += part.length;
        }
        ranges[2 * k] = start;
        ranges[2 * k + 1] = start + part.length;
      }
      composed[i] = partRanges.push(ranges) - 1;
    }
    i++;
  }
  const bytes = new Uint8Array(partsEnd);
  let at = 0;
  for (const r of snapshot.resources.values()) {
    if (partsOf(r)) continue;
    const b = r.bytes;
    bytes.set(b, at);
    at += b.length;
  }
  for (const part of partsInOrder) {
    bytes.set(part, at);
    at += part.length;
  }

  const lists: Uint32Array[] = [];
  const listIndex = new Map<readonly ViewEntry[], number>();
  const listOf = (entries: readonly ViewEntry[]): number => {
    let n = listIndex.get(entries);
    if (n === undefined) {
      const list = new Uint32Array(entries.length);
      for (let k = 0; k < entries.length; k++) {
        const found = indexOf.get(entries[k]!.hash);
        // A view entry without its resource is an inconsistent snapshot (checkConsistency refuses those).
        if (found === undefined) throw new Error(`packSnapshot: ${entries[k]!.name} has no stored resource`);
        list[k] = found;
      }
      n = lists.push(list) - 1;
      listIndex.set(entries, n);
    }
    return n;
  };
  const views = snapshot.views.map(({ resources, ...rest }): PackedView => ({
    ...rest,
    lists: { cds: listOf(resources.cds), eds: listOf(resources.eds), lds: listOf(resources.lds), rds: listOf(resources.rds) },
  }));

  // Read here, in the compiling thread: at scale, building the map is itself work worth keeping off the serving thread.
  const sourceMap = snapshot.sourceMap;
  const routeNames = Object.keys(sourceMap);
  const routeSources = routeNames.map((name) => sourceMap[name]!);
  const packed: PackedSnapshot = {
    commit: snapshot.commit,
    contentHash: snapshot.contentHash,
    views,
    types,
    names: names.join(''),
    nameEnds,
    hashes: hashes.join(''),
    ends,
    bytes: bytes.buffer,
    composed,
    partRanges,
    lists,
    routeNames,
    routeSources,
  };
  return packed;
}

/** The Snapshot `packed` holds: equal to the one packed (resources are views into one buffer). */
export function unpackSnapshot(packed: PackedSnapshot): Snapshot {
  const { types, names, nameEnds, hashes, ends } = packed;
  const all = new Uint8Array(packed.bytes);
  const count = types.length;
  const stored: EncodedResource[] = new Array<EncodedResource>(count);
  const resources = new Map<string, EncodedResource>();
  const partViews = new Map<number, Uint8Array>();
  let from = 0;
  let nameFrom = 0;
  for (let i = 0; i < count; i++) {
    const type = XDS_TYPES[types[i]!]!;
    const name = names.slice(nameFrom, nameEnds[i]!);
    const hash = hashes.slice(i * HASH_LENGTH, (i + 1) * HASH_LENGTH);
    const c = packed.composed[i]!;
    const r: EncodedResource = c < 0 ? { type, name, bytes: all.subarray(from, ends[i]!), hash } : new ComposedResource(type, name, partsAt(all, packed.partRanges[c]!, partViews), hash);
    from = ends[i]!;
    nameFrom = nameEnds[i]!;
    stored[i] = r;
    resources.set(r.hash, r);
  }
  const lists = packed.lists.map((list) => {
    const entries: ViewEntry[] = new Array<ViewEntry>(list.length);
    for (let k = 0; k < list.length; k++) {
      const r = stored[list[k]!]!;
      entries[k] = { name: r.name, hash: r.hash };
    }
    return entries;
  });
  // Field by field, in the compiler's order, so JSON of an unpacked snapshot reads the same.
  const views = packed.views.map(
    (v): SnapshotView => ({
      name: v.name,
      kind: v.kind,
      namespaces: v.namespaces,
      ...(v.workloadSelector ? { workloadSelector: v.workloadSelector } : {}),
      ...(v.mergedGateways ? { mergedGateways: v.mergedGateways } : {}),
      resources: { cds: lists[v.lists.cds]!, eds: lists[v.lists.eds]!, lds: lists[v.lists.lds]!, rds: lists[v.lists.rds]! },
      typeHashes: v.typeHashes,
    }),
  );
  const { routeNames, routeSources } = packed;
  let sourceMap: Record<string, RouteSource> | undefined;
  return {
    commit: packed.commit,
    contentHash: packed.contentHash,
    views,
    resources,
    // Built on first read, as the compiler's own snapshot does (few readers need it).
    get sourceMap(): Readonly<Record<string, RouteSource>> {
      if (!sourceMap) {
        sourceMap = {};
        for (let i = 0; i < routeNames.length; i++) sourceMap[routeNames[i]!] = routeSources[i]!;
      }
      return sourceMap;
    },
  };
}

/**
 * Views into `all` for each [start, end) pair of `ranges`. A part shared by several resources
 * gets one view object (`seen`, by start), as on the sending side.
 */
function partsAt(all: Uint8Array, ranges: Uint32Array, seen: Map<number, Uint8Array>): Uint8Array[] {
  const parts = new Array<Uint8Array>(ranges.length / 2);
  for (let k = 0; k < parts.length; k++) {
    const start = ranges[2 * k]!;
    let part = seen.get(start);
    if (!part) seen.set(start, (part = all.subarray(start, ranges[2 * k + 1]!)));
    parts[k] = part;
  }
  return parts;
}
