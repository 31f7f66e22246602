// Plain Envoy v3 resource objects (snake_case, for protobufjs) that end-to-end tests and the
// fan-out benchmark assemble into hand-built snapshots. Only the shapes those need.
import { anyOf, type ProtoObject } from './hand-snapshot.ts';

const ADS = { ads: {}, resource_api_version: 'V3' };

export function socketAddress(address: string, port: number): ProtoObject {
  return { socket_address: { address, port_value: port } };
}

/** A cluster whose endpoints come over ADS (EDS). */
export function edsCluster(name: string, opts: { connectTimeoutMs?: number; leastRequest?: boolean; http2?: boolean } = {}): ProtoObject {
  const ms = opts.connectTimeoutMs ?? 1000;
  const cluster: ProtoObject = {
    name,
    type: 'EDS',
    eds_cluster_config: { eds_config: ADS, service_name: name },
    connect_timeout: { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 },
    lb_policy: opts.leastRequest ? 'LEAST_REQUEST' : 'ROUND_ROBIN',
  };
  if (opts.http2) {
    cluster.typed_extension_protocol_options = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': anyOf('envoy.extensions.upstreams.http.v3.HttpProtocolOptions', {
        explicit_http_config: { http2_protocol_options: {} },
      }),
    };
  }
  return cluster;
}

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  readonly weight?: number;
}

export function loadAssignment(clusterName: string, endpoints: readonly Endpoint[]): ProtoObject {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: socketAddress(e.address, e.port) },
          ...(e.weight !== undefined ? { load_balancing_weight: { value: e.weight } } : {}),
        })),
      },
    ],
  };
}

/** An HTTP listener whose route table comes over ADS (RDS), with the router filter. */
export function httpListener(name: string, address: string, port: number, routeName: string, idleTimeoutS = 300): ProtoObject {
  const manager = {
    stat_prefix: name,
    rds: { config_source: ADS, route_config_name: routeName },
    http_filters: [{ name: 'envoy.filters.http.router', typed_config: anyOf('envoy.extensions.filters.http.router.v3.Router', {}) }],
    stream_idle_timeout: { seconds: idleTimeoutS },
  };
  return {
    name,
    address: socketAddress(address, port),
    filter_chains: [
      {
        filters: [
          {
            name: 'envoy.filters.network.http_connection_manager',
            typed_config: anyOf('envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager', manager),
          },
        ],
      },
    ],
  };
}

export type RouteAction = { readonly cluster: string } | { readonly weighted: readonly { readonly cluster: string; readonly weight: number }[] };

export interface SimpleRoute {
  readonly name: string;
  readonly prefix: string;
  readonly header?: { readonly name: string; readonly exact: string };
  readonly action: RouteAction;
}

export function route(r: SimpleRoute): ProtoObject {
  const match: ProtoObject = { prefix: r.prefix };
  if (r.header) match.headers = [{ name: r.header.name, string_match: { exact: r.header.exact } }];
  const action =
    'cluster' in r.action
      ? { cluster: r.action.cluster }
      : { weighted_clusters: { clusters: r.action.weighted.map((w) => ({ name: w.cluster, weight: { value: w.weight } })) } };
  return { name: r.name, match, route: action };
}

export function routeConfig(name: string, virtualHosts: readonly { name: string; domains: readonly string[]; routes: readonly SimpleRoute[] }[]): ProtoObject {
  return {
    name,
    virtual_hosts: virtualHosts.map((vh) => ({ name: vh.name, domains: [...vh.domains], routes: vh.routes.map(route) })),
  };
}
