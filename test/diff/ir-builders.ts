// Small builders for hand-made IR fixtures (diff and explain unit tests): defaults for every
// field, so a test states only what it is about.
import type {
  IrCluster,
  IrEndpointSet,
  IrMatch,
  IrRoute,
  IrRouteAction,
  IrRouteTable,
  IrView,
  IrVirtualHost,
  MeshIR,
} from '../../src/compile/ir/types.ts';

export const NO_HEADER_OPS = { request: { set: [], add: [], remove: [] }, response: { set: [], add: [], remove: [] } } as const;

export function cname(host: string, subset = '', port = 9080): string {
  return `outbound|${port}|${subset}|${host}.default.svc.cluster.local`;
}

export function forward(...dests: [cluster: string, weight: number][]): IrRouteAction {
  return { kind: 'forward', destinations: dests.map(([cluster, weight]) => ({ cluster, weight })), timeoutMs: 0, mirrors: [] };
}

export function match(m: Partial<IrMatch> = {}): IrMatch {
  return { ignoreCase: false, headers: [], queryParams: [], ...m };
}

export function route(name: string, r: Partial<Omit<IrRoute, 'name'>> = {}): IrRoute {
  return {
    name,
    match: match(),
    action: forward([cname('reviews', 'v1'), 100]),
    headers: NO_HEADER_OPS,
    source: { file: 'reviews.yaml', line: 10, column: 5, kind: 'VirtualService', namespace: 'default', name: 'reviews', field: 'spec.http[0]' },
    ...r,
  };
}

export function vhost(host: string, routes: IrRoute[], port = 9080, domains?: string[]): IrVirtualHost {
  const fqdn = `${host}.default.svc.cluster.local`;
  return {
    name: `${fqdn}:${port}`,
    domains: domains ?? [host, `${host}:${port}`, `${host}.default`, `${host}.default:${port}`, fqdn, `${fqdn}:${port}`].sort(),
    routes,
  };
}

export function table(name: string, virtualHosts: IrVirtualHost[]): IrRouteTable {
  return { name, virtualHosts };
}

export function view(name: string, routeTables: IrRouteTable[], kind: 'sidecar' | 'gateway' = 'sidecar'): IrView {
  const ports = routeTables.map((t) => Number(t.name.replace(/^http\./, '')));
  return {
    name,
    kind,
    namespaces: [],
    listeners: ports.map((port) => ({ name: `0.0.0.0_${port}`, address: '0.0.0.0', port, routeTableName: String(port === 0 ? '' : kind === 'gateway' ? `http.${port}` : port), statPrefix: `outbound_${port}` })),
    routeTables,
    clusterNames: [...new Set(routeTables.flatMap((t) => t.virtualHosts.flatMap((v) => v.routes.flatMap((r) => (r.action.kind === 'forward' ? r.action.destinations.map((d) => d.cluster) : [])))))].sort(),
  };
}

export function cluster(name: string, c: Partial<IrCluster> = {}): IrCluster {
  const [, port, subset, host] = name.split('|');
  return {
    name,
    host: host ?? name,
    port: Number(port ?? 80),
    subset: subset ?? '',
    discovery: 'eds',
    dnsTargets: [],
    connectTimeoutMs: 10000,
    loadBalancer: { kind: 'round_robin' },
    http2: false,
    ...c,
  };
}

export function endpoints(clusterName: string, addrs: string[]): IrEndpointSet {
  return {
    clusterName,
    endpoints: addrs.map((a) => {
      const [address, port] = a.split(':');
      return { address: address ?? '', port: Number(port) };
    }),
  };
}

export function mesh(views: IrView[], clusters: IrCluster[] = [], eps: IrEndpointSet[] = []): MeshIR {
  return {
    settings: { clusterDomain: 'cluster.local', trustDomain: 'cluster.local', connectTimeoutMs: 10000, bindAddress: '0.0.0.0' },
    clusters: [...clusters].sort((a, b) => a.name.localeCompare(b.name)),
    endpoints: eps,
    views: [...views].sort((a, b) => a.name.localeCompare(b.name)),
  };
}
