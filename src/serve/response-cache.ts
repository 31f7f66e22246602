// Responses are built from pre-encoded bytes and shared: a SotW body is built once per
// (generation, view, type, name set) and a Delta diff once per (from, to, name set); every
// stream that needs it writes the same Buffer plus its own nonce field. Resource wrappers
// (Any for SotW, Resource for Delta) are built once per resource hash per snapshot.
import { TYPE_URLS, type Snapshot, type SnapshotView, type ViewEntry, type XdsType } from '../snapshot/types.ts';
import type { ActiveSnapshot } from './snapshot-source.ts';
import type { NameSet } from './name-sets.ts';
import { sotwVersion, typeHashOf } from './versions.ts';
import { anyMessage, DELTA_FIELDS, lenField, RESOURCE_FIELDS, SOTW_FIELDS, stringField } from './wire.ts';

export interface SotwBody {
  readonly version: string;
  /** Everything but the nonce. */
  readonly body: Buffer;
  /** Identity of the content sent (type hash + name set), used to park a NACKed response. */
  readonly contentKey: string;
  readonly resourceCount: number;
}

export interface DeltaDiff {
  /** Framed `resources` fields, concatenated. */
  readonly resources: Buffer;
  /** Framed `removed_resources` fields, concatenated. */
  readonly removed: Buffer;
  readonly updatedNames: readonly string[];
  readonly removedNames: readonly string[];
}

export const EMPTY_ENTRIES: readonly ViewEntry[] = Object.freeze([]);

/** Bound on cached bodies; past it the cache restarts (a cheap, safe LRU substitute). */
const MAX_SOTW_BODIES = 4096;

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

export class ResponseCache {
  #generation = -1;
  readonly #sotw = new Map<string, SotwBody>();
  readonly #sotwAny = new WeakMap<Snapshot, Map<string, Buffer>>();
  readonly #deltaResource = new WeakMap<Snapshot, Map<string, Buffer>>();
  readonly #deltaDiffs = new WeakMap<readonly ViewEntry[], WeakMap<readonly ViewEntry[], Map<string, DeltaDiff>>>();

  /** SotW body for a view and type; `names` null means the full set (LDS, CDS). */
  sotw(active: ActiveSnapshot, view: SnapshotView | undefined, type: XdsType, names: NameSet | null): SotwBody {
    if (active.generation !== this.#generation) {
      this.#sotw.clear();
      this.#generation = active.generation;
    }
    const namesKey = names === null ? '*' : names.key;
    const key = `${view?.name ?? ''}\u0000${type}\u0000${namesKey}`;
    const hit = this.#sotw.get(key);
    if (hit) return hit;

    const version = sotwVersion(active.generation, view, type);
    const parts: Buffer[] = [stringField(SOTW_FIELDS.versionInfo, version)];
    let count = 0;
    for (const entry of viewEntries(view, type)) {
      if (names !== null && !names.set.has(entry.name)) continue;
      parts.push(this.#sotwResource(active.snapshot, entry.hash));
      count++;
    }
    parts.push(stringField(SOTW_FIELDS.typeUrl, TYPE_URLS[type]));
    const built: SotwBody = {
      version,
      body: Buffer.concat(parts),
      contentKey: `${typeHashOf(view, type)}\u0000${namesKey}`,
      resourceCount: count,
    };
    if (this.#sotw.size >= MAX_SOTW_BODIES) this.#sotw.clear();
    this.#sotw.set(key, built);
    return built;
  }

  /**
   * The Delta changes that take a client holding `from` (restricted to `names`, or all when
   * null) to `to`. Only valid for clients with no per-stream deviations; those use `deltaFor`.
   */
  sharedDelta(
    snapshot: Snapshot,
    from: readonly ViewEntry[],
    to: readonly ViewEntry[],
    names: NameSet | null,
    forced: NameSet | null,
  ): DeltaDiff {
    let byTo = this.#deltaDiffs.get(from);
    if (!byTo) {
      byTo = new WeakMap();
      this.#deltaDiffs.set(from, byTo);
    }
    let byNames = byTo.get(to);
    if (!byNames) {
      byNames = new Map();
      byTo.set(to, byNames);
    }
    const key = `${names === null ? '*' : names.key}\u0000${forced?.key ?? ''}`;
    const hit = byNames.get(key);
    if (hit) return hit;
    const fromMap = entryMap(from);
    const built = this.deltaFor(snapshot, to, names, (name) => fromMap.get(name), () => {}, [], forced?.set);
    byNames.set(key, built);
    return built;
  }

  /**
   * The general Delta diff. `clientHas(name)` is the version the client holds (undefined:
   * none). Subscribed names that exist nowhere are passed to `onUnknown`, which decides
   * (by returning true) whether to report them as removed — each is reported once.
   */
  deltaFor(
    snapshot: Snapshot,
    to: readonly ViewEntry[],
    names: NameSet | null,
    clientHas: (name: string) => string | undefined,
    onUnknown: (name: string) => boolean | void,
    extraCandidates: Iterable<string> = [],
    forced: ReadonlySet<string> = new Set(),
  ): DeltaDiff {
    const target = entryMap(to);
    const candidates = new Set<string>();
    if (names === null) {
      for (const e of to) candidates.add(e.name);
    } else {
      for (const n of names.names) candidates.add(n);
    }
    for (const n of extraCandidates) if (names === null || names.set.has(n)) candidates.add(n);

    const updated: string[] = [];
    const removed: string[] = [];
    for (const name of [...candidates].sort()) {
      const want = target.get(name);
      const have = clientHas(name);
      if (want !== undefined) {
        if (want !== have || forced.has(name)) updated.push(name);
      } else if (have !== undefined) {
        removed.push(name);
      } else if (names !== null && onUnknown(name) === true) {
        removed.push(name);
      }
    }
    const resources = Buffer.concat(updated.map((n) => this.#deltaResource_(snapshot, target.get(n)!)));
    const removedBuf = Buffer.concat(removed.map((n) => stringField(DELTA_FIELDS.removedResources, n)));
    return { resources, removed: removedBuf, updatedNames: updated, removedNames: removed };
  }

  #sotwResource(snapshot: Snapshot, hash: string): Buffer {
    let perSnapshot = this.#sotwAny.get(snapshot);
    if (!perSnapshot) {
      perSnapshot = new Map();
      this.#sotwAny.set(snapshot, perSnapshot);
    }
    let framed = perSnapshot.get(hash);
    if (!framed) {
      const res = resourceOf(snapshot, hash);
      framed = lenField(SOTW_FIELDS.resources, anyMessage(TYPE_URLS[res.type], res.bytes));
      perSnapshot.set(hash, framed);
    }
    return framed;
  }

  #deltaResource_(snapshot: Snapshot, hash: string): Buffer {
    let perSnapshot = this.#deltaResource.get(snapshot);
    if (!perSnapshot) {
      perSnapshot = new Map();
      this.#deltaResource.set(snapshot, perSnapshot);
    }
    let framed = perSnapshot.get(hash);
    if (!framed) {
      const res = resourceOf(snapshot, hash);
      const resource = Buffer.concat([
        stringField(RESOURCE_FIELDS.version, hash),
        lenField(RESOURCE_FIELDS.resource, anyMessage(TYPE_URLS[res.type], res.bytes)),
        stringField(RESOURCE_FIELDS.name, res.name),
      ]);
      framed = lenField(DELTA_FIELDS.resources, resource);
      perSnapshot.set(hash, framed);
    }
    return framed;
  }
}

function resourceOf(snapshot: Snapshot, hash: string) {
  const res = snapshot.resources.get(hash);
  // A view naming a hash the snapshot lacks is a broken snapshot: a bug upstream, not input.
  if (!res) throw new Error(`snapshot ${snapshot.contentHash} has no resource ${hash}`);
  return res;
}
