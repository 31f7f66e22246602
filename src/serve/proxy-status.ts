// What each connected proxy has been sent, has ACKed and has NACKed, per type. This is how
// people see whether a change reached the proxies (and Envoy's own error when it did not).
import { XDS_TYPES, type XdsType } from '../snapshot/types.ts';

export interface NackInfo {
  readonly version: string;
  readonly message: string;
}

export interface TypeStatus {
  sent: string | null;
  acked: string | null;
  nack: NackInfo | null;
}

/**
 * An ACK of `version`. `supersedes`: the version is the type's whole state (SotW), so an
 * earlier rejection no longer describes the proxy. Delta and VHDS responses carry only what
 * changed, and rejected resources are not sent again: their NACK stands.
 */
export function noteAck(status: TypeStatus | undefined, version: string | null, supersedes = false): void {
  if (!status) return;
  status.acked = version;
  if (supersedes) status.nack = null;
}

/** A NACK: shown in status until a later version is ACKed (the proxy keeps its previous config). */
export function noteNack(status: TypeStatus | undefined, version: string | null, message: string): void {
  if (status) status.nack = { version: version ?? '', message };
}

/** The `/api/proxies` and `meshlog status -o json` shape. */
export interface ProxyStatus {
  readonly node: string;
  readonly view: string | null;
  readonly replica: string;
  readonly connectedAt: string;
  readonly types: Readonly<Record<XdsType, Readonly<TypeStatus>>>;
}

export interface MutableProxyStatus {
  node: string;
  view: string | null;
  readonly replica: string;
  readonly connectedAt: string;
  readonly types: Record<XdsType, TypeStatus>;
}

export class ProxyStatusRegistry {
  readonly #replica: string;
  readonly #byStream = new Map<number, MutableProxyStatus>();

  constructor(replica: string) {
    this.#replica = replica;
  }

  get replica(): string {
    return this.#replica;
  }

  open(streamId: number, node: string, connectedAt: Date): MutableProxyStatus {
    const types = {} as Record<XdsType, TypeStatus>;
    for (const t of XDS_TYPES) types[t] = { sent: null, acked: null, nack: null };
    const entry: MutableProxyStatus = {
      node,
      view: null,
      replica: this.#replica,
      connectedAt: connectedAt.toISOString(),
      types,
    };
    this.#byStream.set(streamId, entry);
    return entry;
  }

  close(streamId: number): void {
    this.#byStream.delete(streamId);
  }

  get size(): number {
    return this.#byStream.size;
  }

  /** A copy, sorted by node id then connection time, safe to serialize. */
  list(): ProxyStatus[] {
    return [...this.#byStream.values()]
      .map((p) => ({
        node: p.node,
        view: p.view,
        replica: p.replica,
        connectedAt: p.connectedAt,
        types: Object.fromEntries(
          XDS_TYPES.map((t) => [t, { sent: p.types[t].sent, acked: p.types[t].acked, nack: p.types[t].nack }]),
        ) as Record<XdsType, TypeStatus>,
      }))
      .sort((a, b) => a.node.localeCompare(b.node) || a.connectedAt.localeCompare(b.connectedAt));
  }
}
