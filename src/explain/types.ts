// What explain reports: the request as understood, each routing decision Envoy makes in
// order (view → listener → virtual host → route), the routes tried before the match and
// why each failed, and the outcome. Plain data, so -o json/yaml is the object itself.
import type { IrHeaderOpSet, IrRoute, IrSource } from '../compile/ir/types.ts';

export interface ExplainRequest {
  readonly method: string;
  readonly scheme: 'http' | 'https';
  /** Lower-case host without port. */
  readonly host: string;
  readonly port: number;
  /** The Host / :authority header Envoy sees (port kept only when explicit and not the default). */
  readonly authority: string;
  /** Path with query string, as sent on the request line (Envoy normalizes the path: before-routing.ts). */
  readonly path: string;
  /** Extra headers in the order given; names lower-case. */
  readonly headers: readonly { readonly name: string; readonly value: string }[];
}

/**
 * The request as routes match it: after Envoy's connection manager changed it (its path
 * normalized, its scheme and headers set as before-routing.ts describes); `scheme` is then the
 * `:scheme` Envoy routes by.
 */
export interface RoutedRequest extends ExplainRequest {
  /**
   * Headers whose value Envoy fills in at run time (name → what it holds, e.g. the client's
   * address): explain can say they are present, not what a value condition makes of them.
   */
  readonly runtimeValues?: ReadonlyMap<string, string>;
}

/** One change Envoy's connection manager makes to the request before any route sees it. */
export interface RequestEdit {
  /** The header; `:path` and `:scheme` for the request line's path and scheme. */
  readonly name: string;
  readonly change: 'added' | 'replaced' | 'appended' | 'removed' | 'normalized';
  /** The value routes match; a part in `<…>` is filled in at run time. Absent when removed. */
  readonly value?: string;
  /** What the client sent, when Envoy changed or removed it. */
  readonly was?: string;
  /** Why Envoy does it. */
  readonly why: string;
}

export interface ExplainOptions {
  /** View name (`sidecar`, `sidecar~ns`, `gateway~ns~name`) or a gateway as `ns/name`. */
  readonly view?: string;
  /**
   * Where a route's match entry (`spec.http[i].match[j]`) is written, when it can be found
   * (see entry-source.ts); without it, routes cite their rule. The IR records the rule only:
   * locating every entry at compile time would cost every compile for the one route explain
   * cites.
   */
  readonly entrySource?: (route: IrRoute) => IrSource | undefined;
}

export interface TriedRoute {
  /**
   * 1-based position among the virtual host's routes, in Envoy's order (as diff's
   * positions). Not an Istio rule index: that is source.field (`spec.http[0].match[1]`),
   * counted from zero as in the diagnostics.
   */
  readonly position: number;
  readonly name: string;
  readonly match: string;
  /** Every condition that failed, e.g. `header end-user is absent`. */
  readonly reasons: readonly string[];
  readonly source?: IrSource;
}

export interface ExplainedDestination {
  readonly cluster: string;
  readonly host: string;
  readonly port: number | null;
  readonly subset: string;
  readonly weight: number;
  /** Share of requests, 0..100. */
  readonly percent: number;
  /** Endpoints known at compile time (EDS clusters); null when Envoy resolves them (DNS) or the cluster is unknown. 0 means Envoy answers 503 (no healthy upstream). */
  readonly endpoints: number | null;
  /** Header changes for this destination only (Istio `route[].headers` of a weighted split). */
  readonly headers?: HeaderChanges;
  /** The Host this destination's requests go out with, when it rewrites it (weighted cluster host_rewrite_literal); else the forward's upstream authority. */
  readonly authority?: string;
}

/** Header operations by side; a side is present only when it changes something. */
export interface HeaderChanges {
  /** Applied to the request sent upstream (forwards only). */
  readonly request?: IrHeaderOpSet;
  /** Applied to the response the client receives. */
  readonly response?: IrHeaderOpSet;
}

export type Outcome =
  | {
      readonly kind: 'forward';
      readonly destinations: readonly ExplainedDestination[];
      readonly timeoutMs: number;
      readonly retry?: string;
      /** The request line and Host the upstream receives, after any rewrite. */
      readonly upstream: { readonly path: string; readonly authority: string };
      readonly mirrors: readonly { readonly cluster: string; readonly percent: number }[];
    }
  | { readonly kind: 'redirect'; readonly status: number; readonly location: string }
  | { readonly kind: 'direct_response'; readonly status: number; readonly body?: string }
  /** Envoy answers 404 with response flag NR (no route configured). */
  | { readonly kind: 'not_found'; readonly status: 404; readonly responseFlag: 'NR'; readonly detail: string }
  /**
   * A sidecar port that is not HTTP: the connection is proxied whole to these clusters (Envoy
   * tcp_proxy), whatever the request line and headers say; `chain` names the rule (or default).
   */
  | { readonly kind: 'tcp_proxy'; readonly chain: string; readonly service: string; readonly destinations: readonly ExplainedDestination[] }
  /** Envoy refuses the request before routing it (a path it cannot parse or normalize). */
  | { readonly kind: 'bad_request'; readonly status: 400; readonly detail: string }
  /** Nothing listens on that port in this view: the connection is refused. */
  | { readonly kind: 'no_listener'; readonly detail: string }
  /** A gateway listener that does not take the request's connection: TLS expected, not offered, or no certificate for its SNI name. */
  | { readonly kind: 'connection_closed'; readonly detail: string }
  | { readonly kind: 'unknown_view'; readonly detail: string; readonly available: readonly string[] };

export interface ExplainedFault {
  readonly abort?: { readonly httpStatus?: number; readonly grpcStatus?: number; readonly percent: number };
  readonly delay?: { readonly fixedDelayMs: number; readonly percent: number };
}

export interface Explanation {
  readonly request: ExplainRequest;
  readonly view?: string;
  readonly listener?: {
    readonly name: string;
    readonly port: number;
    /**
     * A gateway's: the port of its Kubernetes Service the request was sent to, which the Service
     * sends to `port`, the targetPort the listener binds (as Istio's gateways). Absent: the
     * request's port is the listener's.
     */
    readonly servicePort?: number;
    readonly routeTable: string;
    /** HTTPS listeners: the filter chain (server) that takes the connection; serverNames [] answers any name. */
    readonly tls?: {
      readonly serverNames: readonly string[];
      readonly certificateChainFile: string;
      /** MUTUAL: a client without a valid certificate is refused; OPTIONAL_MUTUAL: one it sends must be valid. Absent: none asked for. */
      readonly clientCertificate?: 'required' | 'optional';
    };
    /** TCP listeners (routeTable ''): the service whose chain takes the connection, and the SNI names that chain answers ([]: any connection). */
    readonly tcp?: { readonly service: string; readonly serverNames: readonly string[] };
  };
  /** What Envoy changed in the request before routing it (HTTP listeners); absent when nothing. */
  readonly beforeRouting?: readonly RequestEdit[];
  readonly virtualHost?: { readonly name: string; readonly domain: string; readonly rule: 'exact' | 'suffix' | 'prefix' | 'any' };
  /** The matched route; its fields mean what TriedRoute's do. */
  readonly route?: { readonly position: number; readonly name: string; readonly match: string; readonly source?: IrSource };
  readonly tried: readonly TriedRoute[];
  readonly outcome: Outcome;
  /** A suggestion when the request found nothing here but would elsewhere (another view). */
  readonly hint?: string;
  /** A fault on the matched route that may replace the outcome for a share of requests. */
  readonly fault?: ExplainedFault;
  /** The matched route's header changes (all destinations); absent when it has none. */
  readonly headers?: HeaderChanges;
  /**
   * Match conditions explain could not decide, each with what it took: a value condition on a
   * header whose value Envoy fills in at run time (the client's address, a generated request id).
   */
  readonly assumptions?: readonly string[];
}
