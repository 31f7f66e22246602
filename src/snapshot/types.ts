// The Snapshot is the one thing compile produces and serve consumes. serve knows nothing
// else of the compiler: it maps a proxy to a view, and sends that view's pre-encoded
// resources. Resources are stored once, by content hash, however many views use them.

/** xDS resource types meshlog serves, in ADS make-before-break order (CDS, EDS, LDS, RDS). */
export const XDS_TYPES = ['cds', 'eds', 'lds', 'rds'] as const;
export type XdsType = (typeof XDS_TYPES)[number];

export const TYPE_URLS = {
  cds: 'type.googleapis.com/envoy.config.cluster.v3.Cluster',
  eds: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
  lds: 'type.googleapis.com/envoy.config.listener.v3.Listener',
  rds: 'type.googleapis.com/envoy.config.route.v3.RouteConfiguration',
} as const satisfies Record<XdsType, string>;

export type TypeUrl = (typeof TYPE_URLS)[XdsType];

/** Protobuf message full names, for encoding/decoding with the shared proto root. */
export const MESSAGE_NAMES = {
  cds: 'envoy.config.cluster.v3.Cluster',
  eds: 'envoy.config.endpoint.v3.ClusterLoadAssignment',
  lds: 'envoy.config.listener.v3.Listener',
  rds: 'envoy.config.route.v3.RouteConfiguration',
} as const satisfies Record<XdsType, string>;

export function xdsTypeOfUrl(typeUrl: string): XdsType | undefined {
  for (const t of XDS_TYPES) if (TYPE_URLS[t] === typeUrl) return t;
  return undefined;
}

/** One Envoy resource, protobuf-encoded once at compile time. */
export interface EncodedResource {
  readonly type: XdsType;
  readonly name: string;
  /**
   * The serialized Envoy message (Cluster, ClusterLoadAssignment, Listener, RouteConfiguration).
   * A route table is stored as parts (composed.ts): reading this joins them into a new buffer,
   * so read it once per use (byteLengthOf and partsOf read it without joining).
   */
  readonly bytes: Uint8Array;
  /** The resource hash (hash.ts: over `type`, `name` and `bytes`); also the Delta xDS resource version. */
  readonly hash: string;
}

/** A resource as a view lists it: its name and the hash of the bytes it gets. */
export interface ViewEntry {
  readonly name: string;
  readonly hash: string;
}

/**
 * The set of resources one class of proxy receives. Sidecar views are selected by the
 * proxy's namespace, gateway views by its labels (the Gateway's selector).
 */
export interface SnapshotView {
  /**
   * Stable id: `sidecar` (default), `sidecar~<namespace>`, `gateway~<namespace>~<gateway-name>`,
   * and for proxyless gRPC clients `grpc` (default) / `grpc~<namespace>`.
   */
  readonly name: string;
  /** `grpc` views are for gRPC's own xDS client (API listeners); never served to an Envoy by default. */
  readonly kind: 'sidecar' | 'gateway' | 'grpc';
  /** Sidecar views: namespaces this view serves; empty for the default sidecar view. */
  readonly namespaces: readonly string[];
  /** Gateway views: the workload labels the gateway selects. */
  readonly workloadSelector?: Readonly<Record<string, string>>;
  /**
   * A gateway view that merges several Gateways (the same selector): their `<ns>/<name>`s,
   * sorted. A proxy whose node.cluster names any of them (`gateway~<ns>~<name>`) gets this view.
   */
  readonly mergedGateways?: readonly string[];
  /** Per type, the view's resources sorted by name (names are unique within a view and type). */
  readonly resources: Readonly<Record<XdsType, readonly ViewEntry[]>>;
  /** Per type, sha256 hex over the type's entries; `<generation>-<first 8>` is the SotW version. */
  readonly typeHashes: Readonly<Record<XdsType, string>>;
}

/** Where a compiled route came from, so explain/diff/status can point at file:line. */
export interface RouteSource {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Field path of the rule, e.g. `spec.http[1]`. */
  readonly field: string;
}

export interface Snapshot {
  /** Git commit the snapshot was compiled from; null for a plain folder. */
  readonly commit: string | null;
  /** sha256 hex over the canonical encoding of views and resources (not of sourceMap). */
  readonly contentHash: string;
  /** Sorted by name. */
  readonly views: readonly SnapshotView[];
  /** Every distinct resource, keyed by hash. */
  readonly resources: ReadonlyMap<string, EncodedResource>;
  /** Envoy route name → where it was written. Not part of contentHash: moving a comment must not push config. */
  readonly sourceMap: Readonly<Record<string, RouteSource>>;
}

/** What a proxy tells us about itself (from the xDS `node` field). */
export interface ProxyNode {
  readonly id: string;
  readonly cluster: string;
  /** NAMESPACE from node metadata, if given. */
  readonly namespace?: string;
  /** LABELS from node metadata, if given. */
  readonly labels?: Readonly<Record<string, string>>;
  /** GENERATOR from node metadata (Istio's convention: `grpc` for proxyless gRPC clients). */
  readonly generator?: string;
}
