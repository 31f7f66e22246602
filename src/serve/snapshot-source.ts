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
  /** When it was activated (ISO 8601): what `meshlog status` reports as "serving since". */
  readonly activatedAt: string;
}

export type SnapshotListener = (active: ActiveSnapshot) => void;

/** Config the source read and refused to serve (invalid, or rejected by the pre-serve check). */
export interface Rejections {
  /** The latest read's refusal, while nothing newer was served or found unchanged. */
  readonly current?: Rejection;
  /** Refusals since start. */
  readonly total: number;
}

export interface Rejection {
  readonly at: string;
  /** One line: `2 validation error(s)`, `config folder unreadable: …`. */
  readonly reason: string;
  /**
   * When the refusal came from diagnostics (validation, or the pre-serve check): how many
   * errors, and the first of them as `file:line:col: error CODE: message`, as the log has them.
   */
  readonly errors?: number;
  readonly diagnostics?: readonly string[];
}

export interface SnapshotSource {
  /**
   * True when generations are one order for every replica and restart (offsets of a shared
   * log): a proxy reporting a higher generation has seen a newer snapshot, and a replica that
   * has not read it yet holds its answers rather than move the proxy back. False (or unset)
   * when each replica numbers on its own, as `serve --config` does: a higher number from a
   * proxy then says nothing about which config is newer, and holding would starve a proxy
   * that moved from a replica started later.
   */
  readonly orderedGenerations?: boolean;
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
