// The intermediate representation: a plain, serializable, readonly tree that says what
// Envoy must do, with no trace of the input format. The Istio front end (src/compile/istio)
// produces it; the xDS translators (src/compile/xds) read only this file's types.
// Every list is sorted or in meaningful order (routes: rule order) so output is deterministic.
// Durations are whole milliseconds; percentages are 0..100 floats.

/** Where an IR element came from. */
export interface IrSource {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  /** Field path inside the document, e.g. `spec.http[2]`. */
  readonly field: string;
}

export interface MeshIR {
  readonly settings: IrSettings;
  /** Every cluster any view uses, sorted by name. */
  readonly clusters: readonly IrCluster[];
  /** Endpoints of EDS clusters, sorted by clusterName (one per EDS cluster, possibly empty). */
  readonly endpoints: readonly IrEndpointSet[];
  /** Sorted by name. */
  readonly views: readonly IrView[];
}

export interface IrSettings {
  readonly clusterDomain: string; // default cluster.local
  readonly trustDomain: string; // default cluster.local
  readonly connectTimeoutMs: number; // Istio default 10s
  /** Address sidecar/gateway listeners bind to (default 0.0.0.0). */
  readonly bindAddress: string;
  /** MeshConfig's defaultNamespace (default `default`); explain simulates its sidecar view by default. */
  readonly defaultNamespace?: string;
}

// ---------------------------------------------------------------- clusters

export interface IrCluster {
  /** `outbound|<port>|<subset>|<fqdn>` (subset empty when none). */
  readonly name: string;
  readonly host: string; // fqdn
  readonly port: number;
  readonly subset: string; // '' when none
  /** eds: endpoints come over EDS; strict_dns / logical_dns: resolved by Envoy from dnsTargets. */
  readonly discovery: 'eds' | 'strict_dns' | 'logical_dns';
  /** DNS clusters: host:port targets Envoy resolves. */
  readonly dnsTargets: readonly IrEndpoint[];
  readonly connectTimeoutMs: number;
  readonly loadBalancer: IrLoadBalancer;
  readonly connectionPool?: IrConnectionPool;
  /**
   * A TCP proxy whose first destination is this cluster closes connections idle this long, or
   * this old: the DestinationRule's top-level `connectionPool.tcp`, as Istio takes it (subset and
   * port settings do not count). Absent: neither is set.
   */
  readonly tcpProxy?: { readonly idleTimeoutMs?: number; readonly maxConnectionDurationMs?: number };
  readonly outlierDetection?: IrOutlierDetection;
  readonly tls?: IrUpstreamTls;
  /** The upstream speaks HTTP/2 (h2/grpc port protocol, or h2UpgradePolicy UPGRADE). */
  readonly http2: boolean;
  readonly source?: IrSource;
}

export type IrLoadBalancer =
  | { readonly kind: 'round_robin' | 'least_request' | 'random' | 'passthrough' }
  | {
      readonly kind: 'ring_hash' | 'maglev';
      /**
       * What the hash is of; absent when the DestinationRule names no key (Istio takes that):
       * routes then carry no hash policy, and Envoy picks a host at random.
       */
      readonly hashOn?: IrHashPolicy;
      /** ring_hash only. */
      readonly minimumRingSize?: number;
      /** maglev only: the lookup table's size (a prime); Envoy's default (65537) without it. */
      readonly tableSize?: number;
    };

export type IrHashPolicy =
  | { readonly kind: 'header'; readonly name: string }
  | {
      readonly kind: 'cookie';
      readonly name: string;
      readonly path?: string;
      readonly ttlMs?: number;
      /** Attributes of the Set-Cookie Envoy sends when it generates the cookie (ttl set). */
      readonly attributes?: readonly { readonly name: string; readonly value?: string }[];
    }
  | { readonly kind: 'source_ip' }
  | { readonly kind: 'query_parameter'; readonly name: string };

export interface IrConnectionPool {
  readonly maxConnections?: number;
  readonly connectTimeoutMs?: number;
  readonly tcpKeepalive?: { readonly probes?: number; readonly timeMs?: number; readonly intervalMs?: number };
  readonly http1MaxPendingRequests?: number;
  readonly http2MaxRequests?: number;
  readonly maxRequestsPerConnection?: number;
  readonly maxRetries?: number;
  readonly idleTimeoutMs?: number;
  readonly maxConcurrentStreams?: number;
  /** `tcp.idleTimeout`: HTTP connections' idle timeout when `http.idleTimeout` is not set (as Istio). */
  readonly tcpIdleTimeoutMs?: number;
  /** `tcp.maxConnectionDuration`: HTTP connections' lifetime. */
  readonly maxConnectionDurationMs?: number;
  /** `http.useClientProtocol`: the upstream connection speaks the protocol the request came in. */
  readonly useClientProtocol?: true;
  /** The DestinationRule's `retryBudget` (a pool may hold nothing else). */
  readonly retryBudget?: { readonly percent: number; readonly minRetryConcurrency: number };
}

export interface IrOutlierDetection {
  readonly consecutive5xxErrors?: number;
  readonly consecutiveGatewayErrors?: number;
  readonly intervalMs?: number;
  readonly baseEjectionTimeMs?: number;
  readonly maxEjectionPercent?: number;
  readonly minHealthPercent?: number;
  readonly splitExternalLocalOriginErrors?: boolean;
  /** Applies only with splitExternalLocalOriginErrors, as Istio; 0 is unset (Envoy's 5). */
  readonly consecutiveLocalOriginFailures?: number;
}

export interface IrUpstreamTls {
  readonly mode: 'simple';
  readonly sni?: string;
  readonly caCertificatesFile?: string;
  readonly subjectAltNames: readonly string[];
  readonly insecureSkipVerify: boolean;
}

export interface IrEndpointSet {
  readonly clusterName: string;
  /** Sorted by address, then port. */
  readonly endpoints: readonly IrEndpoint[];
}

export interface IrEndpoint {
  /** An IP, a host name (DNS clusters), or `unix://<path>`: a Unix domain socket (endpoint-address.ts), with port 0. */
  readonly address: string;
  readonly port: number;
  readonly weight?: number;
  readonly locality?: string;
}

// ---------------------------------------------------------------- views

export interface IrView {
  /** Same naming as SnapshotView.name (`sidecar`, `sidecar~<ns>`, `gateway~<ns>~<name>`, `grpc`, `grpc~<ns>`). */
  readonly name: string;
  /** `grpc`: proxyless gRPC clients; its listeners are API listeners named after the target authority. */
  readonly kind: 'sidecar' | 'gateway' | 'grpc';
  readonly namespaces: readonly string[];
  readonly workloadSelector?: Readonly<Record<string, string>>;
  /** Gateway views: the Gateways (`<ns>/<name>`) whose servers it holds, those with its selector. */
  readonly gateways?: readonly string[];
  /** Sorted by name. */
  readonly listeners: readonly IrListener[];
  /** Sorted by name. */
  readonly routeTables: readonly IrRouteTable[];
  /** Clusters (by name) this view sends: every cluster its routes reference, sorted. */
  readonly clusterNames: readonly string[];
}

export interface IrListener {
  /** `<address>_<port>`, e.g. `0.0.0.0_9080`; in gRPC views the target authority `<host>:<port>`. */
  readonly name: string;
  /** '' in gRPC views: an API listener has no socket. */
  readonly address: string;
  readonly port: number;
  /** Route table served for this listener over RDS; '' for a TCP listener (`tcp`). */
  readonly routeTableName: string;
  /** HTTP connection manager stat prefix (a TCP proxy names its own, after its cluster). */
  readonly statPrefix: string;
  /**
   * Gateway views: the ports of the gateway's Kubernetes Services (servers' `port.number`) whose
   * targetPort this listener binds, where they differ from `port` (Service port 80 → listener
   * 8080), sorted. Clients connect to these; Envoy sees no trace of them. Absent: none.
   */
  readonly servicePorts?: readonly number[];
  /**
   * Gateway HTTPS servers: the listener terminates TLS, with a filter chain per server in
   * Gateway order (two for a server with host `*` and named hosts), picked by the client's SNI;
   * every chain serves `routeTableName`. Absent: plain HTTP.
   */
  readonly tls?: readonly IrTlsChain[];
  /**
   * Ports whose services are not HTTP (TCP, TLS, HTTPS, Mongo, Redis, MySQL) and gateway TCP
   * servers: each connection is proxied whole (Envoy tcp_proxy). One filter chain per service:
   * picked by SNI for TLS and HTTPS services (and for the SNI names their tls rules match), the
   * one chain without names for a TCP service. In order: services by host, each one's tls-rule
   * chains before its own, then the chain without names. With `routeTableName` ''
   * the listener is TCP only; on an HTTP listener these are TLS/HTTPS services sharing the
   * port, picked by SNI before the connection manager takes the rest. Absent: HTTP only.
   */
  readonly tcp?: readonly IrTcpChain[];
}

/** Where a sidecar sends the connections of one non-HTTP service port. */
export interface IrTcpChain {
  /** The service (fqdn) whose port this is. */
  readonly host: string;
  /** SNI names the chain answers (TLS/HTTPS services: the host); empty: any connection (a TCP service). */
  readonly serverNames: readonly string[];
  /** `vs/<ns>/<name>/tcp/<i>` or `vs/<ns>/<name>/tls/<i>` for a VirtualService rule, `default/<host>:<port>` without one. */
  readonly name: string;
  /** Relative weights, ≥ 1 entry, distinct clusters. */
  readonly destinations: readonly { readonly cluster: string; readonly weight: number }[];
  readonly source?: IrSource;
}

/** A filter chain of an HTTPS server's TLS termination (Gateway `tls.mode: SIMPLE` with mounted files). */
export interface IrTlsChain {
  /** SNI names the chain answers, sorted (Envoy `server_names`); empty: any name (the server has host `*`). */
  readonly serverNames: readonly string[];
  /** PEM files on the gateway proxy's file system (`serverCertificate`, `privateKey`). */
  readonly certificateChainFile: string;
  readonly privateKeyFile: string;
  /** Envoy's names (`TLSv1_2`, `TLS_AUTO`); the minimum defaults to TLSv1_2, as Istio's gateways do. */
  readonly minVersion: IrTlsVersion;
  readonly maxVersion: IrTlsVersion;
  /** In preference order; empty: Envoy's defaults. */
  readonly cipherSuites: readonly string[];
  /** `MUTUAL` (required) and `OPTIONAL_MUTUAL` (asked for, checked when sent): how client certificates are verified. */
  readonly clientCertificates?: IrClientCertificates;
  /**
   * The server's own route table, on a port with several HTTPS servers: the chain routes only
   * among its server's hosts. Absent: the listener's table (the port's only server).
   */
  readonly routeTableName?: string;
}

export interface IrClientCertificates {
  /**
   * A client without a certificate is refused: MUTUAL, and OPTIONAL_MUTUAL with names or pins
   * (Envoy checks those only against a certificate). Else (OPTIONAL_MUTUAL) it is let in.
   */
  readonly required: boolean;
  /** PEM file on the gateway proxy (`caCertificates`): the CAs a client certificate must chain to. */
  readonly caCertificatesFile: string;
  /** `subjectAltNames`: one of them must be in the certificate (as a DNS name or URI); empty: any. */
  readonly subjectAltNames: readonly string[];
  /** `verifyCertificateSpki`, `verifyCertificateHash`: pins, as Envoy takes them. */
  readonly spki: readonly string[];
  readonly hashes: readonly string[];
}

export type IrTlsVersion = 'TLS_AUTO' | 'TLSv1_0' | 'TLSv1_1' | 'TLSv1_2' | 'TLSv1_3';

export interface IrRouteTable {
  /** Sidecars: the port number (`9080`); gateways: `http.<port>`, or `https.<port>` for HTTPS servers. */
  readonly name: string;
  /** Sorted by name. */
  readonly virtualHosts: readonly IrVirtualHost[];
  /**
   * Sidecar and gateway tables: the Host's port plays no part in picking a virtual host (Envoy
   * `ignore_port_in_host_matching`, as Istio's). Unset on gRPC views' tables: gRPC's client
   * matches the authority with its port.
   */
  readonly ignorePortInHostMatching?: boolean;
}

export interface IrVirtualHost {
  /** `<fqdn>:<port>` (Istio's naming), or `allow_any` / `blackhole` specials. */
  readonly name: string;
  /**
   * Sidecars: Istio's domain variants without ports (short name in the service's own namespace,
   * name.ns, name.ns.svc, the FQDN and the absolute FQDN `fqdn.`); gRPC views: the same but the
   * absolute FQDN, each also with `:port`; gateways: the host. Sorted.
   */
  readonly domains: readonly string[];
  /** In match order. */
  readonly routes: readonly IrRoute[];
}

export interface IrRoute {
  /** Stable name derived from the source: `vs/<ns>/<name>/http/<rule name, else i>/match/<j>` or `default/<host>`. */
  readonly name: string;
  readonly match: IrMatch;
  readonly action: IrRouteAction;
  readonly headers: IrHeaderOps;
  readonly fault?: IrFault;
  readonly cors?: IrCors;
  readonly source?: IrSource;
}

export interface IrMatch {
  readonly path?: IrStringMatch; // absent: any path (prefix '/')
  readonly ignoreCase: boolean;
  readonly headers: readonly IrHeaderMatch[];
  readonly queryParams: readonly IrQueryMatch[];
}

export type IrStringMatch =
  | { readonly kind: 'exact'; readonly value: string }
  | { readonly kind: 'prefix'; readonly value: string }
  | { readonly kind: 'regex'; readonly value: string };

export interface IrHeaderMatch {
  /** Lower-case header name; `:method` and `:authority` pseudo-headers included. */
  readonly name: string;
  /** Absent: header present with any value. */
  readonly value?: IrStringMatch;
  /** withoutHeaders: matches when the header does NOT match. */
  readonly invert: boolean;
}

export interface IrQueryMatch {
  readonly name: string;
  readonly value?: IrStringMatch; // absent: present
}

export type IrRouteAction = IrForward | IrRedirect | IrDirectResponse;

export interface IrForward {
  readonly kind: 'forward';
  /** Relative weights, ≥ 1 entry; a single entry with weight ignored when alone. */
  readonly destinations: readonly IrDestination[];
  readonly rewrite?: { readonly uri?: string; readonly uriRegex?: { readonly pattern: string; readonly substitution: string }; readonly authority?: string };
  readonly timeoutMs: number; // 0 = none
  readonly retry?: IrRetry;
  readonly mirrors: readonly { readonly cluster: string; readonly percent: number }[];
}

export interface IrDestination {
  readonly cluster: string;
  readonly weight: number;
  /**
   * Header operations of this destination only (Istio `route[].headers` on a weighted
   * split; a lone destination's are merged into the route's `headers` instead).
   */
  readonly headers?: IrHeaderOps;
  /**
   * The Host this destination's requests go out with (Istio: its `headers.request` set/add of
   * `host` or `:authority`, on a weighted split): the weighted cluster's `host_rewrite_literal`.
   * A lone destination's goes to the route's `rewrite.authority` instead.
   */
  readonly authority?: string;
}

export interface IrRedirect {
  readonly kind: 'redirect';
  readonly uri?: string;
  readonly authority?: string;
  readonly scheme?: string;
  readonly port?: number;
  /** 301, 302, 303, 307, 308. */
  readonly code: number;
}

export interface IrDirectResponse {
  readonly kind: 'direct_response';
  readonly status: number;
  readonly body?: string;
}

export interface IrRetry {
  readonly attempts: number;
  readonly perTryTimeoutMs?: number;
  /** Envoy retry_on conditions, comma-joined order as given. */
  readonly retryOn: readonly string[];
  /** Status codes to retry on (from numeric entries of Istio retryOn). */
  readonly retriableStatusCodes: readonly number[];
  readonly retryRemoteLocalities?: boolean;
  /**
   * Retry on another host than the ones tried (Envoy's previous_hosts predicate). Set on every
   * route's policy (istio/route-action.ts settles it): the rule's `retryIgnorePreviousHosts`,
   * else Istio's choice, yes unless the route has a single destination whose cluster hashes
   * consistently (retries then stay on the hashed host). Absent only on a policy not yet
   * attached to a route (MeshConfig's default, a rule's before settling).
   */
  readonly previousHosts?: boolean;
  /** Envoy retry_back_off.base_interval (Istio `retries.backoff`); absent: Envoy's 25ms. */
  readonly backoffMs?: number;
}

export interface IrFault {
  readonly delay?: { readonly fixedDelayMs: number; readonly percent: number };
  /** `percent` absent: Envoy's `percentage` is left unset (no request is aborted), as Istio leaves it. */
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: number; readonly percent?: number };
}

export interface IrCors {
  readonly allowOrigins: readonly IrStringMatch[];
  readonly allowMethods: readonly string[];
  readonly allowHeaders: readonly string[];
  readonly exposeHeaders: readonly string[];
  readonly maxAgeSeconds?: number;
  readonly allowCredentials?: boolean;
}

export interface IrHeaderOps {
  readonly request: IrHeaderOpSet;
  readonly response: IrHeaderOpSet;
}

export interface IrHeaderOpSet {
  /** Overwrite (Istio `set`), in key order. */
  readonly set: readonly { readonly name: string; readonly value: string }[];
  /** Append (Istio `add`), in key order. */
  readonly add: readonly { readonly name: string; readonly value: string }[];
  readonly remove: readonly string[];
}
