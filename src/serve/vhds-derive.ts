// The VHDS form of a snapshot, derived once per snapshot and shared by every VHDS stream:
// each route table becomes its vhds variant (no virtual hosts) and its virtual hosts
// become separate VirtualHost resources, each framed once as a Delta `Resource`. Streams
// that opted in are served from this derived snapshot exactly as other Delta streams are
// served from the original one, so everything else (shared diffs, frames, versions of the
// other types) works unchanged.
//
// Route tables are split once per content hash and kept while the latest snapshot uses
// them: a one-route change re-splits only the one table that changed.
import { createHash } from 'node:crypto';
import type { EncodedResource, Snapshot, SnapshotView, ViewEntry } from '../snapshot/types.ts';
import type { NameSet } from './name-sets.ts';
import { renameVirtualHost, splitRouteTable } from './vhds-split.ts';
import { anyMessage, DELTA_FIELDS, lenField, RESOURCE_FIELDS, stringField } from './wire.ts';

export const VIRTUAL_HOST_TYPE_URL = 'type.googleapis.com/envoy.config.route.v3.VirtualHost';

export interface VhdsEntry extends ViewEntry {
  readonly domains: readonly string[];
  /** The VirtualHost as one `resources` field of a DeltaDiscoveryResponse. */
  readonly frame: Buffer;
  /** The Resource inside `frame` (a view of it), for answers that add aliases. */
  readonly resource: Buffer;
}

export interface VhdsTable {
  readonly name: string;
  /** Sorted by name. */
  readonly hosts: readonly VhdsEntry[];
}

export interface VhdsSnapshot {
  /** The original snapshot with every route table replaced by its vhds variant. */
  readonly snapshot: Snapshot;
  /** A (derived) view's route tables by name. */
  tables(view: SnapshotView): ReadonlyMap<string, VhdsTable>;
  /** The virtual hosts of the named tables of a view, sorted by name; shared per (view, names). */
  hostsFor(view: SnapshotView, tables: NameSet): readonly VhdsEntry[];
  /** Every virtual host of a view's tables (what a wildcard subscription gets). */
  allHosts(view: SnapshotView): readonly VhdsEntry[];
}

interface SplitCacheEntry {
  readonly variant: EncodedResource;
  readonly table: VhdsTable;
}

const derived = new WeakMap<Snapshot, VhdsSnapshot>();
/** Original route table hash → its split; holds what the latest derived snapshot uses. */
let splitCache = new Map<string, SplitCacheEntry>();
/**
 * Host hash → served host, likewise. A changed table is re-split, but its unchanged hosts
 * (all but one, after a one-route change) are found here instead of being re-encoded.
 */
let hostCache = new Map<string, VhdsEntry>();
let nextHostCache = new Map<string, VhdsEntry>();

export function vhdsSnapshot(snapshot: Snapshot): VhdsSnapshot {
  let hit = derived.get(snapshot);
  if (!hit) {
    hit = derive(snapshot);
    derived.set(snapshot, hit);
  }
  return hit;
}

function derive(original: Snapshot): VhdsSnapshot {
  const nextCache = new Map<string, SplitCacheEntry>();
  nextHostCache = new Map();
  const resources = new Map(original.resources);
  const tablesByView = new WeakMap<SnapshotView, ReadonlyMap<string, VhdsTable>>();
  const views = original.views.map((view) => {
    const tables = new Map<string, VhdsTable>();
    const rds = view.resources.rds.map((entry) => {
      let split = nextCache.get(entry.hash) ?? splitCache.get(entry.hash);
      if (!split) split = splitEntry(original, entry.hash);
      nextCache.set(entry.hash, split);
      resources.set(split.variant.hash, split.variant);
      tables.set(entry.name, split.table);
      return { name: entry.name, hash: split.variant.hash };
    });
    // typeHashes stay the original ones: the rds version a VHDS proxy reports names the
    // same route configuration (tables plus hosts) as the version a classic proxy reports.
    const out: SnapshotView = { ...view, resources: { ...view.resources, rds } };
    tablesByView.set(out, tables);
    return out;
  });
  splitCache = nextCache;
  // Hosts of tables that did not change were not visited: keep them for the next snapshot.
  for (const split of nextCache.values()) for (const h of split.table.hosts) nextHostCache.set(h.hash, h);
  hostCache = nextHostCache;

  const hostLists = new WeakMap<SnapshotView, Map<NameSet, readonly VhdsEntry[]>>();
  const allLists = new WeakMap<SnapshotView, readonly VhdsEntry[]>();
  const snapshot: Snapshot = { ...original, views, resources };
  return {
    snapshot,
    tables: (view) => tablesByView.get(view) ?? EMPTY_TABLES,
    allHosts(view) {
      let list = allLists.get(view);
      if (!list) {
        list = [...(tablesByView.get(view) ?? EMPTY_TABLES).values()].flatMap((t) => t.hosts).sort(byName);
        allLists.set(view, list);
      }
      return list;
    },
    hostsFor(view, names) {
      let byNames = hostLists.get(view);
      if (!byNames) {
        byNames = new Map();
        hostLists.set(view, byNames);
      }
      let list = byNames.get(names);
      if (!list) {
        const tables = tablesByView.get(view) ?? EMPTY_TABLES;
        const parts = names.names.flatMap((n) => tables.get(n)?.hosts ?? []);
        list = names.names.length === 1 ? parts : parts.sort(byName);
        byNames.set(names, list);
      }
      return list;
    },
  };
}

const EMPTY_TABLES: ReadonlyMap<string, VhdsTable> = new Map();
const byName = (a: ViewEntry, b: ViewEntry): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function splitEntry(snapshot: Snapshot, hash: string): SplitCacheEntry {
  const res = snapshot.resources.get(hash);
  // A view naming a hash the snapshot lacks is a broken snapshot: a bug upstream.
  if (!res) throw new Error(`snapshot ${snapshot.contentHash} has no resource ${hash}`);
  const split = splitRouteTable(res.bytes);
  const variant: EncodedResource = { type: 'rds', name: res.name, bytes: split.table, hash: hashOf('rds', res.name, split.table) };
  const hosts = split.hostPayloads.map((payload) => hostEntry(res.name, payload)).sort(byName);
  return { variant, table: { name: res.name, hosts } };
}

/**
 * Marks the versions of hosts served since a new route table's hosts follow it: a server
 * before that sent a table's hosts ahead of the table, which Envoy dropped yet reports as
 * held at their versions. Those versions never match ours, so such a proxy gets every host
 * again once, when it reconnects (after an upgrade); between servers with it, reconnects
 * still send only what changed.
 */
const HOST_VERSION_KIND = 'vhds/2';

/** The version hashes the compiled bytes: same table and bytes, same served host. */
function hostEntry(table: string, payload: Buffer): VhdsEntry {
  const h = hashOf(HOST_VERSION_KIND, table, payload);
  const hit = nextHostCache.get(h) ?? hostCache.get(h);
  if (hit) return hit;
  const vh = renameVirtualHost(table, payload);
  const resource = Buffer.concat([
    stringField(RESOURCE_FIELDS.version, h),
    lenField(RESOURCE_FIELDS.resource, anyMessage(VIRTUAL_HOST_TYPE_URL, vh.bytes)),
    stringField(RESOURCE_FIELDS.name, vh.name),
  ]);
  const frame = lenField(DELTA_FIELDS.resources, resource);
  const entry: VhdsEntry = { name: vh.name, hash: h, domains: vh.domains, frame, resource: frame.subarray(frame.length - resource.length) };
  nextHostCache.set(h, entry);
  return entry;
}

function hashOf(kind: string, name: string, bytes: Uint8Array): string {
  return createHash('sha256').update(kind).update('\u0000').update(name).update('\u0000').update(bytes).digest('hex');
}
