// A snapshot source that tests (and benchmarks) drive by hand: set a snapshot, optionally
// with an explicit generation, including snapshots whose resources Envoy will reject —
// the compiler would never produce those, which is exactly why tests need this path.
import type { Snapshot } from '../snapshot/types.ts';
import { ListenerSet, type ActiveSnapshot, type SnapshotListener, type SnapshotSource } from './snapshot-source.ts';

export class MemorySnapshotSource implements SnapshotSource {
  /** Stands in for a log-backed source in tests: its generations are given, one order. */
  readonly orderedGenerations: boolean;
  readonly #listeners = new ListenerSet();
  #active: ActiveSnapshot | undefined;

  constructor(initial?: Snapshot, generation = 1, opts: { orderedGenerations?: boolean } = {}) {
    this.orderedGenerations = opts.orderedGenerations ?? true;
    if (initial) this.#active = { snapshot: initial, generation, activatedAt: new Date().toISOString() };
  }

  current(): ActiveSnapshot | undefined {
    return this.#active;
  }

  subscribe(listener: SnapshotListener): () => void {
    return this.#listeners.add(listener);
  }

  /** Activates `snapshot` under the next generation (or `generation`, which must grow). */
  set(snapshot: Snapshot, generation?: number): ActiveSnapshot {
    const next = generation ?? (this.#active?.generation ?? 0) + 1;
    if (this.#active && next <= this.#active.generation) {
      throw new Error(`generation must grow: ${next} <= ${this.#active.generation}`);
    }
    this.#active = { snapshot, generation: next, activatedAt: new Date().toISOString() };
    this.#listeners.emit(this.#active);
    return this.#active;
  }

  async close(): Promise<void> {
    this.#listeners.clear();
  }
}
