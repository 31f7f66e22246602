// Responses are built from pre-encoded bytes and shared: a SotW response is built once per
// (generation, view, type, name set) and a Delta diff once per (from, to, name set), and
// every stream that needs it writes the very same Buffer. Resource wrappers (Any for SotW,
// Resource for Delta) are built once per resource hash per snapshot (resource-frames.ts).
//
// Nonces of shared responses are derived from their content (a hash of the bytes), so the
// nonce is inside the shared buffer and nothing is copied per stream. A stream can still
// tell its responses apart: two responses with the same nonce to one stream have the
// same bytes, so an ACK or NACK of either means the same thing. Being derived from
// content, nonces are also identical across replicas, like everything else we send.
import { TYPE_URLS, type Snapshot, type SnapshotView, type ViewEntry, type XdsType } from '../snapshot/types.ts';
import { frameMessage } from './framed-messages.ts';
import type { ActiveSnapshot } from './snapshot-source.ts';
import type { NameSet } from './name-sets.ts';
import { sotwVersion, typeHashOf } from './versions.ts';
import { contentNonce, EMPTY_ENTRIES, entryMap, ResourceFrames, viewEntries } from './resource-frames.ts';
import { DELTA_FIELDS, SOTW_FIELDS, stringField } from './wire.ts';

export { EMPTY_ENTRIES, entryMap, viewEntries };

export interface SotwBody {
  readonly version: string;
  /** The complete DiscoveryResponse, nonce included, pre-framed for gRPC (framed-messages.ts). */
  readonly message: Buffer;
  readonly nonce: string;
  /** Identity of the content sent (type hash + name set), used to park a NACKed response. */
  readonly contentKey: string;
  readonly resourceCount: number;
}

export interface DeltaDiff {
  /**
   * Framed `resources` fields (the per-snapshot shared frames, not a copy: a diff is kept
   * for as long as its snapshot, and a second copy of every resource would double that).
   */
  readonly resources: readonly Buffer[];
  /** Framed `removed_resources` fields, concatenated. */
  readonly removed: Buffer;
  readonly updatedNames: readonly string[];
  readonly removedNames: readonly string[];
}

const FULL = Symbol('full set');

/** Bound on cached bodies; past it the cache restarts (a cheap, safe LRU substitute). */
const MAX_SOTW_BODIES = 4096;

export class ResponseCache {
  #generation = -1;
  /** `view\0type` → name set (or FULL) → body. Name sets are interned, so identity is the key. */
  readonly #sotw = new Map<string, Map<NameSet | typeof FULL, SotwBody>>();
  #sotwCount = 0;
  readonly #frames = new ResourceFrames();
  readonly #deltaMessages = new WeakMap<DeltaDiff, { version: string; message: Buffer; nonce: string }>();
  /**
   * from-entries → to-entries → subscribed names → forced names → diff. Every level is keyed
   * by object identity (entry arrays come from the snapshot, name sets are interned), so a
   * lookup per stream costs a few hash probes, never a string as long as the name list.
   */
  readonly #deltaDiffs = new WeakMap<
    readonly ViewEntry[],
    WeakMap<readonly ViewEntry[], Map<NameSet | typeof FULL, Map<NameSet | typeof FULL, DeltaDiff>>>
  >();

  /** SotW body for a view and type; `names` null means the full set (LDS, CDS). */
  sotw(active: ActiveSnapshot, view: SnapshotView | undefined, type: XdsType, names: NameSet | null): SotwBody {
    if (active.generation !== this.#generation || this.#sotwCount >= MAX_SOTW_BODIES) {
      this.#sotw.clear();
      this.#sotwCount = 0;
      this.#generation = active.generation;
    }
    const key = `${view?.name ?? ''}\u0000${type}`;
    let byNames = this.#sotw.get(key);
    if (!byNames) {
      byNames = new Map();
      this.#sotw.set(key, byNames);
    }
    const hit = byNames.get(names ?? FULL);
    if (hit) return hit;
    const namesKey = names === null ? '*' : names.key;

    const version = sotwVersion(active.generation, view, type);
    const parts: Buffer[] = [stringField(SOTW_FIELDS.versionInfo, version)];
    let count = 0;
    for (const entry of viewEntries(view, type)) {
      if (names !== null && !names.set.has(entry.name)) continue;
      parts.push(this.#frames.sotw(active.snapshot, entry.hash));
      count++;
    }
    parts.push(stringField(SOTW_FIELDS.typeUrl, TYPE_URLS[type]));
    const body = Buffer.concat(parts);
    const nonce = contentNonce(body);
    const built: SotwBody = {
      version,
      message: frameMessage(Buffer.concat([body, stringField(SOTW_FIELDS.nonce, nonce)])),
      nonce,
      contentKey: `${typeHashOf(view, type)}\u0000${namesKey}`,
      resourceCount: count,
    };
    byNames.set(names ?? FULL, built);
    this.#sotwCount++;
    return built;
  }

  /**
   * The Delta changes that take a client holding `from` (restricted to `names`, or all when
   * null) to `to`, plus `forced` names sent even if unchanged. Shared by every stream in
   * that position. Subscribed names that exist nowhere are reported as removed only when
   * starting from nothing (a first subscription); later they were reported already.
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
    let byForced = byNames.get(names ?? FULL);
    if (!byForced) {
      byForced = new Map();
      byNames.set(names ?? FULL, byForced);
    }
    const hit = byForced.get(forced ?? FULL);
    if (hit) return hit;

    const fromMap = entryMap(from);
    const target = entryMap(to);
    const candidates = names === null ? new Set([...target.keys(), ...fromMap.keys()]) : names.names;
    const reportUnknown = from === EMPTY_ENTRIES;
    const updated: string[] = [];
    const removed: string[] = [];
    for (const name of candidates) {
      const want = target.get(name);
      const have = fromMap.get(name);
      if (want !== undefined) {
        if (want !== have || forced?.set.has(name)) updated.push(name);
      } else if (have !== undefined || (names !== null && reportUnknown)) {
        removed.push(name);
      }
    }
    const built = this.#deltaDiff(snapshot, target, updated, removed);
    byForced.set(forced ?? FULL, built);
    return built;
  }

  /**
   * A shared diff adjusted for one stream's deviations: `overrides` maps names to the
   * version the proxy holds (null: none, e.g. a fresh subscription). Only those names are
   * re-examined, so the cost is the size of the deviation, not of the view.
   */
  withOverrides(
    snapshot: Snapshot,
    shared: DeltaDiff,
    to: readonly ViewEntry[],
    names: NameSet | null,
    overrides: ReadonlyMap<string, string | null>,
    onUnknown: (name: string) => boolean,
    forced: NameSet | null,
  ): DeltaDiff {
    const target = entryMap(to);
    const updated = new Set(shared.updatedNames);
    const removed = new Set(shared.removedNames);
    for (const [name, have] of overrides) {
      if (names !== null && !names.set.has(name)) continue;
      updated.delete(name);
      removed.delete(name);
      const want = target.get(name);
      if (want !== undefined) {
        if (want !== have || forced?.set.has(name)) updated.add(name);
      } else if (have !== null || (names !== null && onUnknown(name))) {
        removed.add(name);
      }
    }
    return this.#deltaDiff(snapshot, target, [...updated].sort(), [...removed].sort());
  }

  /** The complete DeltaDiscoveryResponse for a diff, built once per (diff, version). */
  deltaMessage(diff: DeltaDiff, version: string, type: XdsType): { readonly message: Buffer; readonly nonce: string; readonly version: string } {
    const hit = this.#deltaMessages.get(diff);
    if (hit && hit.version === version) return hit;
    const body = Buffer.concat([
      stringField(DELTA_FIELDS.systemVersionInfo, version),
      ...diff.resources,
      stringField(DELTA_FIELDS.typeUrl, TYPE_URLS[type]),
      diff.removed,
    ]);
    const nonce = contentNonce(body);
    const built = { version, message: frameMessage(Buffer.concat([body, stringField(DELTA_FIELDS.nonce, nonce)])), nonce };
    this.#deltaMessages.set(diff, built);
    return built;
  }

  #deltaDiff(snapshot: Snapshot, target: ReadonlyMap<string, string>, updated: string[], removed: string[]): DeltaDiff {
    updated.sort();
    removed.sort();
    return {
      resources: updated.map((n) => this.#frames.delta(snapshot, target.get(n)!)),
      removed: Buffer.concat(removed.map((n) => stringField(DELTA_FIELDS.removedResources, n))),
      updatedNames: updated,
      removedNames: removed,
    };
  }
}
