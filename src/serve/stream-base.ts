// What SotW and Delta streams share: the proxy's identity and view, its status entry,
// holding back while this replica is behind the proxy, and writing with backpressure. Streams never queue responses: they keep "what the proxy should have"
// and compute the next response when they can write, so a slow proxy costs a few flags,
// not a backlog of buffers.
import type { ProxyNode, Snapshot, SnapshotView, XdsType } from '../snapshot/types.ts';
import { selectView } from '../snapshot/select-view.ts';
import { proxyNodeOf, type NodeMessage } from './codec.ts';
import type { Logger } from './logger.ts';
import type { XdsMetrics } from './metrics.ts';
import { noteNack, type MutableProxyStatus, type NackInfo, type ProxyStatusRegistry } from './proxy-status.ts';
import type { ResponseCache } from './response-cache.ts';
import type { ActiveSnapshot, SnapshotSource } from './snapshot-source.ts';

export interface ServeContext {
  readonly source: SnapshotSource;
  readonly cache: ResponseCache;
  readonly status: ProxyStatusRegistry;
  readonly metrics: XdsMetrics;
  readonly log: Logger;
}

/** The writable half of a gRPC bidi call, as far as streams need it. */
export interface ResponseSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

export abstract class AdsStreamBase {
  protected readonly ctx: ServeContext;
  readonly #sink: ResponseSink;
  readonly #id: number;
  #blocked = false;
  #closed = false;
  #viewSnapshot: Snapshot | undefined;
  #viewNode: ProxyNode | undefined;
  #view: SnapshotView | undefined;
  /** Highest generation the proxy has reported; with ordered generations we send nothing older. */
  protected heldUntil = 0;
  protected node: ProxyNode | undefined;
  protected statusEntry: MutableProxyStatus | undefined;

  constructor(ctx: ServeContext, sink: ResponseSink, id: number) {
    this.ctx = ctx;
    this.#sink = sink;
    this.#id = id;
  }

  /** Recomputes and writes whatever the proxy is missing. */
  abstract flush(): void;

  onSnapshot(): void {
    this.flush();
  }

  close(): void {
    this.#closed = true;
    this.ctx.status.close(this.#id);
  }

  protected identify(node: NodeMessage | null | undefined): void {
    if (this.node || !node) return;
    this.node = proxyNodeOf(node);
    this.statusEntry = this.ctx.status.open(this.#id, this.node.id, new Date());
  }

  /** The snapshot to answer from, or undefined while not ready / behind the proxy. */
  protected servable(): ActiveSnapshot | undefined {
    const active = this.ctx.source.current();
    if (!active || this.#closed || this.#blocked) return undefined;
    if (this.ctx.source.orderedGenerations && active.generation < this.heldUntil) return undefined;
    return active;
  }

  protected viewFor(active: ActiveSnapshot): SnapshotView | undefined {
    // Once per snapshot, not per flush: a stream is flushed on every request and change.
    // The node is fixed once identified, so the answer only changes with the snapshot.
    if (this.#viewSnapshot === active.snapshot && this.#viewNode === this.node) return this.#view;
    const view = selectView(active.snapshot, this.node ?? { id: '', cluster: '' });
    this.#viewSnapshot = active.snapshot;
    this.#viewNode = this.node;
    this.#view = view;
    if (this.statusEntry) this.statusEntry.view = view?.name ?? null;
    return view;
  }

  /** A proxy rejected `version` of `type`: counted, shown in status and logged (it keeps its previous config). */
  protected recordNack(type: XdsType, version: string | null, message: string): NackInfo | null {
    this.ctx.metrics.nacks[type]++;
    const info = noteNack(this.statusEntry?.types[type], version, message);
    this.ctx.log.warn('proxy rejected config (NACK); it keeps its previous config', { node: this.node?.id ?? '', type, version: version ?? '', error: message });
    return info;
  }

  /** Writes a complete (shared) response; on backpressure, waits for drain and flushes again. */
  protected send(type: XdsType, message: Buffer): void {
    this.ctx.metrics.pushes[type]++;
    const ok = this.#sink.write(message);
    if (!ok && !this.#blocked) {
      this.#blocked = true;
      this.#sink.once('drain', () => {
        this.#blocked = false;
        this.flush();
      });
    }
  }
}
