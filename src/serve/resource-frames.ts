// Each resource's wrapper, built once per snapshot and shared by every response that
// carries it: an Any (SotW) or a Resource with name and version (Delta), already framed as
// the envelope's `resources` field. Plus small helpers over view entry lists.
import { createHash } from 'node:crypto';
import { ByteArena } from '../core/byte-arena.ts';
import { TYPE_URLS, type EncodedResource, type Snapshot, type SnapshotView, type ViewEntry, type XdsType } from '../snapshot/types.ts';
import { anyMessage, DELTA_FIELDS, lenField, RESOURCE_FIELDS, SOTW_FIELDS, stringField } from './wire.ts';

/** A short nonce from the response bytes: same bytes, same nonce, on every replica. */
export function contentNonce(body: Uint8Array): string {
  return createHash('sha256').update(body).digest('base64url').slice(0, 16);
}

export const EMPTY_ENTRIES: readonly ViewEntry[] = Object.freeze([]);

const entryMaps = new WeakMap<readonly ViewEntry[], ReadonlyMap<string, string>>();

/** name → hash for a view's entry list; computed once per list and shared. */
export function entryMap(entries: readonly ViewEntry[]): ReadonlyMap<string, string> {
  let m = entryMaps.get(entries);
  if (!m) {
    m = new Map(entries.map((e) => [e.name, e.hash]));
    entryMaps.set(entries, m);
  }
  return m;
}

export function viewEntries(view: SnapshotView | undefined, type: XdsType): readonly ViewEntry[] {
  return view ? view.resources[type] : EMPTY_ENTRIES;
}

/** One snapshot's frames of one kind; dropped with the snapshot (WeakMap), chunks and all. */
interface FrameTable {
  readonly byHash: Map<string, Buffer>;
  readonly arena: ByteArena;
}

export class ResourceFrames {
  readonly #sotw = new WeakMap<Snapshot, FrameTable>();
  readonly #delta = new WeakMap<Snapshot, FrameTable>();

  /** The resource as one `resources` field of a DiscoveryResponse (an Any). */
  sotw(snapshot: Snapshot, hash: string): Buffer {
    const table = tableOf(this.#sotw, snapshot);
    let framed = table.byHash.get(hash);
    if (!framed) {
      const res = resourceOf(snapshot, hash);
      framed = table.arena.keep(lenField(SOTW_FIELDS.resources, anyMessage(TYPE_URLS[res.type], res.bytes)));
      table.byHash.set(hash, framed);
    }
    return framed;
  }

  /** The resource as one `resources` field of a DeltaDiscoveryResponse (a Resource). */
  delta(snapshot: Snapshot, hash: string): Buffer {
    const table = tableOf(this.#delta, snapshot);
    let framed = table.byHash.get(hash);
    if (!framed) {
      const res = resourceOf(snapshot, hash);
      const resource = Buffer.concat([
        stringField(RESOURCE_FIELDS.version, hash),
        lenField(RESOURCE_FIELDS.resource, anyMessage(TYPE_URLS[res.type], res.bytes)),
        stringField(RESOURCE_FIELDS.name, res.name),
      ]);
      framed = table.arena.keep(lenField(DELTA_FIELDS.resources, resource));
      table.byHash.set(hash, framed);
    }
    return framed;
  }
}

function tableOf(tables: WeakMap<Snapshot, FrameTable>, snapshot: Snapshot): FrameTable {
  let table = tables.get(snapshot);
  if (!table) {
    table = { byHash: new Map(), arena: new ByteArena() };
    tables.set(snapshot, table);
  }
  return table;
}

function resourceOf(snapshot: Snapshot, hash: string): EncodedResource {
  const res = snapshot.resources.get(hash);
  // A view naming a hash the snapshot lacks is a broken snapshot: a bug upstream, not input.
  if (!res) throw new Error(`snapshot ${snapshot.contentHash} has no resource ${hash}`);
  return res;
}
