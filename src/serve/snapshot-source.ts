// The one thing the xDS server knows about where snapshots come from. A folder watcher,
// the event log and tests all implement it; the server never cares which.
import type { Snapshot } from '../snapshot/types.ts';

/** A snapshot as served: the snapshot plus the activation number it was served under. */
export interface ActiveSnapshot {
  readonly snapshot: Snapshot;
  /**
   * Grows with every activation (a rollback is a new activation, so a new, higher number).
   * Proxies never move to a lower generation than one they have seen.
   */
  readonly generation: number;
}

export type SnapshotListener = (active: ActiveSnapshot) => void;

/** Config the source read and refused to serve (invalid, or rejected by the pre-serve check). */
export interface Rejections {
  /** The latest read's refusal, while nothing newer was served or found unchanged. */
  readonly current?: { readonly at: string; readonly reason: string };
  /** Refusals since start. */
  readonly total: number;
}

export interface SnapshotSource {
  /** The active snapshot, or undefined before the first one is available (not ready). */
  current(): ActiveSnapshot | undefined;
  /** What was refused, for /readyz and /metrics (sources that never refuse need not say). */
  rejections?(): Rejections;
  /** Called on every activation after subscribing. Returns the unsubscribe function. */
  subscribe(listener: SnapshotListener): () => void;
  /** Stops watching / reading; idempotent. */
  close(): Promise<void>;
}

/** Listener bookkeeping shared by the sources. */
export class ListenerSet {
  readonly #listeners = new Set<SnapshotListener>();

  add(listener: SnapshotListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(active: ActiveSnapshot): void {
    for (const l of [...this.#listeners]) l(active);
  }

  clear(): void {
    this.#listeners.clear();
  }
}
