// A route's timeout as RouteAction fields, in the form its reader acts on.
//
// Envoy (sidecar and gateway route tables): `timeout`, always explicit (absent would mean
// Envoy's 15 s default; 0s disables it), and, as Istio (route.go setTimeout), the same value in
// `max_grpc_timeout`: a gRPC client's grpc-timeout header is honoured, capped by the route's
// timeout; without one (0s) uncapped. Unset, Envoy would ignore the header.
//
// Envoy reports max_grpc_timeout as deprecated, yet it is kept, as istiod keeps it ("the
// replacement MaxStreamDuration has some regressions"). The successor is not the same
// behaviour: any RouteAction.max_stream_duration puts the route on Envoy's stream-duration
// timeouts, and the router then ignores `timeout` (router.cc finalTimeout, usingNewTimeouts;
// envoyproxy/envoy#15530): with grpc_timeout_header_max alone an HTTP request to a route
// with a 1 s timeout waited 3 s for its answer (checked with Envoy 1.40). Carrying the
// timeout in max_stream_duration too restores the deadline, but as the connection manager's,
// counted from the request's start: a timed-out request gets "downstream duration timeout"
// (gRPC status 4) instead of "upstream request timeout" (504, gRPC status 14, the cluster's
// upstream_rq_timeout stat), the upstream no longer sees the shortened grpc-timeout, and
// x-envoy-upstream-rq-timeout-ms can no longer lengthen it (istio/istio#30885).
//
// gRPC's own xDS client (gRPC views' tables, `grpc.<port>`) reads neither field. By gRFC A31
// it takes a route's limit from max_stream_duration.grpc_timeout_header_max, else from
// max_stream_duration.max_stream_duration (else from the connection manager's
// common_http_protocol_options, which meshlog leaves unset), and ends each call at the earlier
// of that and the application's own deadline; 0 leaves the application's deadline as it is.
// `timeout` it ignores on purpose (A31: it starts counting where gRPC's model has no place).
// So a gRPC table's routes carry the timeout in max_stream_duration.max_stream_duration, as
// istiod writes it for proxyless clients (route.go setTimeout, the IsProxylessGrpc branch):
// `timeout` kept, the same value (0s included) in max_stream_duration, no max_grpc_timeout.
// istiod builds its default routes (a host without VirtualService) without the proxy
// (BuildDefaultHTTPOutboundRoute), so they keep the sidecar form, which gRPC reads as no limit,
// as it reads their 0s. meshlog's default routes may carry MeshConfig `defaults.timeout` (a
// meshlog setting istiod lacks), so they get the gRPC form too: gRPC then applies it.
import type { ProtoObject } from './proto-values.ts';
import { duration } from './proto-values.ts';
import type { XdsReader } from './reader.ts';

/** The RouteAction fields that carry `timeoutMs` (0: none) to `reader`. */
export function timeoutFields(timeoutMs: number, reader: XdsReader): ProtoObject {
  const timeout = duration(timeoutMs);
  if (reader === 'grpc') return { timeout, max_stream_duration: { max_stream_duration: timeout } };
  return { timeout, max_grpc_timeout: timeout };
}
