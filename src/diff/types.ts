// The shape of a semantic diff between two compiled meshes. It describes what Envoy will
// do differently, not how the YAML changed: renaming a file or reordering keys is no change.
// Plain JSON-able data so `-o json` is just the object and the API can return it as is.
import type { IrSource } from '../compile/ir/types.ts';

export type ChangeKind = 'added' | 'removed' | 'changed';

/** One leaf value that differs; `field` is a dotted path inside the element. */
export interface FieldChange {
  readonly field: string;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface RouteChange {
  readonly change: ChangeKind;
  /** Route name after the change (before, for a removed route). */
  readonly name: string;
  /** Set when the paired route had another name before (e.g. a rule was inserted above it). */
  readonly previousName?: string;
  /** Human description of the match, e.g. `prefix /reviews, header end-user=jason`. */
  readonly match: string;
  /** 1-based positions in the virtual host's route list. */
  readonly position: { readonly before?: number; readonly after?: number };
  /** The route changed its place relative to the other routes it was paired with. */
  readonly reordered: boolean;
  /**
   * An added route in a virtual host that kept other routes: the kept route it now comes just
   * before (the first match wins, so it may take that route's requests), or, added after all
   * of them, the last one it comes after. Its summary starts with `added at position 2 of 3,
   * before …`.
   */
  readonly insertedBefore?: string;
  readonly insertedAfter?: string;
  /** Human lines, e.g. `reviews: v1 90→50, v2 10→50`. */
  readonly summary: readonly string[];
  readonly fields: readonly FieldChange[];
  readonly source?: IrSource;
}

export interface HostDiff {
  readonly change: ChangeKind;
  /** Virtual host name, `<fqdn>:<port>`. */
  readonly name: string;
  /** A renamed host: its name before (same route table, same routes). */
  readonly previousName?: string;
  readonly routeTable: string;
  readonly domainsAdded: readonly string[];
  readonly domainsRemoved: readonly string[];
  readonly routes: readonly RouteChange[];
}

export interface ListenerRef {
  readonly name: string;
  readonly port: number;
  /** Gateway listeners: the Service ports whose targetPort the listener binds (IrListener.servicePorts). */
  readonly servicePorts?: readonly number[];
  /** Gateway HTTPS listeners: one line per TLS server (listener-diff.ts describeTls). */
  readonly tls?: readonly string[];
  /** Sidecar TCP listeners: one line per service (listener-diff.ts describeTcp). */
  readonly tcp?: readonly string[];
}

/** A listener on both sides whose settings changed (gateway HTTPS: certificates, SNI names, versions). */
export interface ListenerChange {
  readonly name: string;
  readonly port: number;
  /** Per TLS server (`SNI a.example.com: certificate /old.crt → /new.crt`), or for the whole listener. */
  readonly changes: readonly { readonly change: ChangeKind; readonly text: string }[];
}

export interface ViewDiff {
  readonly change: ChangeKind;
  readonly name: string;
  /** A gateway view renamed (its Gateways' first one changed): the name proxies had it under. */
  readonly previousName?: string;
  /** A gateway view whose selector changed (`k=v,...`): which proxies get it. */
  readonly selector?: { readonly before: string; readonly after: string };
  /** The class of proxy the view is for; listeners are counted once per class (gateways: per view). */
  readonly kind: 'sidecar' | 'gateway' | 'grpc';
  readonly listenersAdded: readonly ListenerRef[];
  readonly listenersRemoved: readonly ListenerRef[];
  readonly listenersChanged: readonly ListenerChange[];
  readonly hosts: readonly HostDiff[];
}

export interface ClusterChange {
  readonly change: ChangeKind;
  readonly name: string;
  /** A renamed subset: the cluster's name before (same host, port, settings and endpoints). */
  readonly previousName?: string;
  readonly summary: readonly string[];
  readonly fields: readonly FieldChange[];
}

export interface EndpointChange {
  readonly cluster: string;
  readonly before: number;
  readonly after: number;
  /** `address:port` */
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Endpoints present on both sides whose weight or locality changed. */
  readonly changed: readonly string[];
}

/** Distinct changes: a host or route that changed identically in several views counts once. */
export interface DiffCounts {
  readonly viewsAdded: number;
  readonly viewsRemoved: number;
  readonly viewsRenamed: number;
  readonly selectorsChanged: number;
  readonly listenersAdded: number;
  readonly listenersRemoved: number;
  readonly listenersChanged: number;
  readonly hostsAdded: number;
  readonly hostsRemoved: number;
  readonly hostsChanged: number;
  /** Hosts that only changed their name (same route table and routes), among hostsChanged. */
  readonly hostsRenamed: number;
  readonly routesAdded: number;
  readonly routesRemoved: number;
  readonly routesChanged: number;
  readonly routesReordered: number;
  readonly clustersAdded: number;
  readonly clustersRemoved: number;
  readonly clustersChanged: number;
  readonly endpointSetsChanged: number;
}

export interface IrDiff {
  /** True when Envoy would behave identically. */
  readonly empty: boolean;
  readonly counts: DiffCounts;
  /** Only views with a change, sorted by name. */
  readonly views: readonly ViewDiff[];
  /** Sorted by name. */
  readonly clusters: readonly ClusterChange[];
  /** Clusters present on both sides whose endpoints differ, sorted by cluster. */
  readonly endpoints: readonly EndpointChange[];
}
