// Small builders for IR fixtures, so each test states only what it is about.
import type {
  IrCluster,
  IrEndpointSet,
  IrForward,
  IrHeaderOps,
  IrListener,
  IrMatch,
  IrRoute,
  IrRouteAction,
  IrRouteTable,
  IrSettings,
  IrView,
  MeshIR,
} from '../../../src/compile/ir/types.ts';

export const SETTINGS: IrSettings = {
  clusterDomain: 'cluster.local',
  trustDomain: 'cluster.local',
  connectTimeoutMs: 10_000,
  bindAddress: '0.0.0.0',
};

export const NO_HEADERS: IrHeaderOps = {
  request: { set: [], add: [], remove: [] },
  response: { set: [], add: [], remove: [] },
};

export const ANY_PATH: IrMatch = { ignoreCase: false, headers: [], queryParams: [] };

export function clusterName(host: string, port: number, subset = ''): string {
  return `outbound|${port}|${subset}|${host}`;
}

export function edsCluster(host: string, port: number, subset = '', extra: Partial<IrCluster> = {}): IrCluster {
  return {
    name: clusterName(host, port, subset),
    host,
    port,
    subset,
    discovery: 'eds',
    dnsTargets: [],
    connectTimeoutMs: 10_000,
    loadBalancer: { kind: 'round_robin' },
    http2: false,
    ...extra,
  };
}

export function endpoints(cluster: string, ...addrs: [string, number][]): IrEndpointSet {
  return { clusterName: cluster, endpoints: addrs.map(([address, port]) => ({ address, port })) };
}

export function forward(destinations: [string, number][], extra: Partial<IrForward> = {}): IrForward {
  return {
    kind: 'forward',
    destinations: destinations.map(([cluster, weight]) => ({ cluster, weight })),
    timeoutMs: 0,
    mirrors: [],
    ...extra,
  };
}

export function route(name: string, action: IrRouteAction, extra: Partial<IrRoute> = {}): IrRoute {
  return { name, match: ANY_PATH, action, headers: NO_HEADERS, ...extra };
}

export function listener(port: number, address = '0.0.0.0'): IrListener {
  return { name: `${address}_${port}`, address, port, routeTableName: String(port), statPrefix: `outbound_${port}` };
}

export function sidecarView(
  listeners: IrListener[],
  routeTables: IrRouteTable[],
  clusterNames: string[],
  name = 'sidecar',
): IrView {
  return {
    name,
    kind: 'sidecar',
    namespaces: [],
    listeners,
    routeTables,
    clusterNames: [...clusterNames].sort(),
  };
}

export function mesh(clusters: IrCluster[], endpointSets: IrEndpointSet[], views: IrView[]): MeshIR {
  return {
    settings: SETTINGS,
    clusters: [...clusters].sort((a, b) => (a.name < b.name ? -1 : 1)),
    endpoints: [...endpointSets].sort((a, b) => (a.clusterName < b.clusterName ? -1 : 1)),
    views,
  };
}
