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
 * changed: their NACKs are settled resource by resource (Rejections).
 */
export function noteAck(status: TypeStatus | undefined, version: string | null, supersedes = false): void {
  if (!status) return;
  status.acked = version;
  if (supersedes) status.nack = null;
}

/**
 * A NACK: shown in status while it stands (the proxy keeps its previous config). SotW: until a
 * later version is ACKed; Delta: until the rejected resources are settled (Rejections).
 */
export function noteNack(status: TypeStatus | undefined, version: string | null, message: string): NackInfo | null {
  if (!status) return null;
  status.nack = { version: version ?? '', message };
  return status.nack;
}

/**
 * Delta and VHDS: the resources a standing NACK rejected, per stream and type. A later ACK
 * says nothing about them (it carried other resources), and the rejected versions are not
 * sent again; the NACK stands until each rejected resource is settled: sent again (a newer
 * version, or its removal) in a response the proxy ACKed, or no longer asked for. Then status
 * shows the NACK that still stands, if any, else none. Exists only after a NACK.
 */
export class Rejections {
  /** `<scope><name>` → the NACK that rejected it (scopes keep VHDS hosts apart from tables). */
  readonly #byName = new Map<string, NackInfo>();

  /** `info` (already in status) rejected `names` and `removed` (see `rejectedNames`). */
  reject(info: NackInfo, names: readonly string[], removed: readonly string[], scope = ''): void {
    // A response that carried nothing is settled by the next ACK in its scope. Keys are
    // re-inserted, so iteration order stays the order of the NACKs.
    if (names.length === 0 && removed.length === 0) this.#set(scope, info);
    for (const n of names) this.#set(scope + n, info);
    for (const n of removed) this.#set(scope + n, info);
  }

  #set(key: string, info: NackInfo): void {
    this.#byName.delete(key);
    this.#byName.set(key, info);
  }

  /** `names` and `removed` were ACKed in a later response, or the proxy no longer asks for `names`. */
  settle(status: TypeStatus, names: readonly string[], removed: readonly string[] = [], scope = ''): void {
    if (this.#byName.size === 0) return;
    this.#byName.delete(scope);
    for (const name of names) this.#byName.delete(scope + name);
    for (const name of removed) this.#byName.delete(scope + name);
    this.#restate(status);
  }

  /**
   * Every rejected resource named `<table>/...` in `scope`, for each of `tables`: VHDS hosts of
   * route tables the proxy no longer asks for (it drops their hosts; none is removed or resent).
   */
  settleUnder(status: TypeStatus, tables: readonly string[], scope: string): void {
    if (this.#byName.size === 0 || tables.length === 0) return;
    const prefixes = tables.map((t) => `${scope}${t}/`);
    for (const key of this.#byName.keys()) if (prefixes.some((p) => key.startsWith(p))) this.#byName.delete(key);
    this.#restate(status);
  }

  #restate(status: TypeStatus): void {
    let standing: NackInfo | null = null;
    for (const info of this.#byName.values()) {
      if (info === status.nack) return;
      standing = info; // the last one: the most recent NACK that still stands
    }
    status.nack = standing;
  }
}

/**
 * Types whose NACK names what it rejected, the rest of the response being applied. Envoy's
 * Delta CDS and LDS take each resource of a response on its own and NACK with "Error
 * adding/updating cluster(s) a: <error>, b: <error>" (listeners: "listener(s) a: <error>\nb:
 * <error>"). EDS, RDS and VirtualHosts are handed out one resource watch at a time and Envoy
 * stops at the first that fails: the message names at most that one (EDS: none), and which
 * others of the response took effect is unknown, so their NACK rejects all of it.
 */
const NAMES_REJECTED: ReadonlySet<XdsType> = new Set(['cds', 'lds']);

/**
 * What a Delta NACK of a response carrying `names` (updated) and `removed` rejected: for CDS
 * and LDS, those named in Envoy's `message` (a name followed by ':', at the start of the
 * message or after a space, comma or newline); else, or when it names none, all of them.
 */
export function rejectedNames(
  type: XdsType,
  message: string,
  names: readonly string[],
  removed: readonly string[],
): { names: readonly string[]; removed: readonly string[] } {
  if (!NAMES_REJECTED.has(type)) return { names, removed };
  const named = (n: string): boolean => {
    for (let at = message.indexOf(n); at >= 0; at = message.indexOf(n, at + 1)) {
      const before = at === 0 ? ' ' : message[at - 1]!;
      if (message[at + n.length] === ':' && (before === ' ' || before === ',' || before === '\n')) return true;
    }
    return false;
  };
  const picked = { names: names.filter(named), removed: removed.filter(named) };
  return picked.names.length + picked.removed.length > 0 ? picked : { names, removed };
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
