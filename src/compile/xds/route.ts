// IrRouteTable → envoy.config.route.v3.RouteConfiguration: virtual hosts with their
// domains, routes in rule order, per-route fault/CORS and header operations.
import type { IrRoute, IrRouteTable, IrVirtualHost } from '../ir/types.ts';
import { CORS_FILTER_NAME, routeCors } from './filters/cors.ts';
import { FAULT_FILTER_NAME, routeFault } from './filters/fault.ts';
import { buildDirectResponse, buildForward, buildRedirect, headerOps, type ClusterLookup } from './route-action.ts';
import { buildRouteMatch } from './route-match.ts';
import type { ProtoObject } from './proto-values.ts';
import type { XdsReader } from './reader.ts';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from '../envoy-limits.ts';

/** The route table as `reader` gets it: gRPC views' tables (`grpc.<port>`) are read by gRPC's own client. */
export function buildRouteConfiguration(table: IrRouteTable, clusters: ClusterLookup, reader: XdsReader = 'envoy'): ProtoObject {
  return {
    name: table.name,
    virtual_hosts: table.virtualHosts.map((vh) => virtualHost(vh, clusters, reader)),
    // Clusters arrive over CDS independently of RDS; validating them here would make a
    // route table depend on CDS timing (Istio makes the same choice).
    validate_clusters: { value: false },
    // Istio's: direct response bodies up to 1 MiB (Envoy's own limit is 4 KiB).
    max_direct_response_body_size_bytes: { value: MAX_DIRECT_RESPONSE_BODY_BYTES },
    ...(table.ignorePortInHostMatching ? { ignore_port_in_host_matching: true } : {}),
  };
}

function virtualHost(vh: IrVirtualHost, clusters: ClusterLookup, reader: XdsReader): ProtoObject {
  return { name: vh.name, domains: [...vh.domains], routes: vh.routes.map((r) => buildRoute(r, clusters, reader)) };
}

export function buildRoute(route: IrRoute, clusters: ClusterLookup, reader: XdsReader = 'envoy'): ProtoObject {
  const out: ProtoObject = { name: route.name, match: buildRouteMatch(route.match) };
  const action = route.action;
  if (action.kind === 'forward') out.route = buildForward(action, clusters, reader);
  else if (action.kind === 'redirect') out.redirect = buildRedirect(action);
  else out.direct_response = buildDirectResponse(action);

  // Map keys are inserted sorted: protobufjs encodes map entries in insertion order.
  const perFilter: ProtoObject = {};
  if (route.cors) perFilter[CORS_FILTER_NAME] = routeCors(route.cors);
  if (route.fault) perFilter[FAULT_FILTER_NAME] = routeFault(route.fault, reader);
  if (Object.keys(perFilter).length > 0) out.typed_per_filter_config = perFilter;

  Object.assign(out, headerOps('request', route.headers.request), headerOps('response', route.headers.response));
  return out;
}
