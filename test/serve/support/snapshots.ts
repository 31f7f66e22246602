// Builds real (protobuf-encoded Envoy) snapshots for serve tests, without the compiler:
// the server only knows the Snapshot contract, and tests need to inject things the
// compiler would never produce (resources Envoy rejects).
import { createHash } from 'node:crypto';
import { messageType } from '../../../src/envoy/proto-root.ts';
import {
  MESSAGE_NAMES,
  XDS_TYPES,
  type EncodedResource,
  type Snapshot,
  type SnapshotView,
  type ViewEntry,
  type XdsType,
} from '../../../src/snapshot/types.ts';

export type ResourceSpec = { readonly type: XdsType; readonly name: string; readonly message: Record<string, unknown> };

export function encodeResource(spec: ResourceSpec): EncodedResource {
  const t = messageType(MESSAGE_NAMES[spec.type]);
  const bytes = t.encode(t.fromObject(spec.message)).finish();
  const hash = createHash('sha256').update(spec.type).update('\0').update(spec.name).update('\0').update(bytes).digest('hex');
  return { type: spec.type, name: spec.name, bytes, hash };
}

export function cluster(name: string, extra: Record<string, unknown> = {}): ResourceSpec {
  return {
    type: 'cds',
    name,
    message: { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } }, connect_timeout: { seconds: 1 }, ...extra },
  };
}

export function endpoints(name: string, port: number): ResourceSpec {
  return {
    type: 'eds',
    name,
    message: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: port } } } }] }],
    },
  };
}

export function routeConfig(name: string, clusterName: string, prefix = '/'): ResourceSpec {
  return {
    type: 'rds',
    name,
    message: {
      name,
      virtual_hosts: [{ name: 'all', domains: ['*'], routes: [{ match: { prefix }, route: { cluster: clusterName } }] }],
    },
  };
}

export function listener(name: string, port: number, routeName: string): ResourceSpec {
  const hcmType = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
  const routerType = 'envoy.extensions.filters.http.router.v3.Router';
  const hcm = messageType(hcmType);
  const router = messageType(routerType);
  const hcmBytes = hcm
    .encode(
      hcm.fromObject({
        stat_prefix: name,
        rds: { route_config_name: routeName, config_source: { ads: {}, resource_api_version: 'V3' } },
        http_filters: [
          { name: 'envoy.filters.http.router', typed_config: { type_url: `type.googleapis.com/${routerType}`, value: router.encode(router.create({})).finish() } },
        ],
      }),
    )
    .finish();
  return {
    type: 'lds',
    name,
    message: {
      name,
      address: { socket_address: { address: '127.0.0.1', port_value: port } },
      filter_chains: [
        { filters: [{ name: 'envoy.filters.network.http_connection_manager', typed_config: { type_url: `type.googleapis.com/${hcmType}`, value: hcmBytes } }] },
      ],
    },
  };
}

export interface ViewSpec {
  readonly name: string;
  readonly kind?: 'sidecar' | 'gateway';
  readonly namespaces?: readonly string[];
  readonly workloadSelector?: Record<string, string>;
  readonly resources: readonly ResourceSpec[];
}

/** A snapshot from view specs; resources shared between views are stored once (by hash). */
export function makeSnapshot(views: readonly ViewSpec[], commit: string | null = null): Snapshot {
  const all = new Map<string, EncodedResource>();
  const builtViews: SnapshotView[] = [];
  for (const v of [...views].sort((a, b) => a.name.localeCompare(b.name))) {
    const per: Record<XdsType, ViewEntry[]> = { cds: [], eds: [], lds: [], rds: [] };
    for (const spec of v.resources) {
      const r = encodeResource(spec);
      all.set(r.hash, r);
      per[spec.type].push({ name: r.name, hash: r.hash });
    }
    const typeHashes = {} as Record<XdsType, string>;
    for (const t of XDS_TYPES) {
      per[t].sort((a, b) => a.name.localeCompare(b.name));
      const h = createHash('sha256');
      for (const e of per[t]) h.update(e.name).update('\0').update(e.hash).update('\n');
      typeHashes[t] = h.digest('hex');
    }
    builtViews.push({
      name: v.name,
      kind: v.kind ?? 'sidecar',
      namespaces: v.namespaces ?? [],
      ...(v.workloadSelector ? { workloadSelector: v.workloadSelector } : {}),
      resources: per,
      typeHashes,
    });
  }
  const contentHash = createHash('sha256')
    .update(builtViews.map((v) => `${v.name}:${XDS_TYPES.map((t) => v.typeHashes[t]).join(',')}`).join(';'))
    .digest('hex');
  return { commit, contentHash, views: builtViews, resources: all, sourceMap: {} };
}

/** The usual small mesh: two clusters, their endpoints, one listener and route. */
export function basicResources(opts: { port?: number; weightTag?: string } = {}): ResourceSpec[] {
  return [
    cluster('outbound|9080||reviews'),
    cluster('outbound|9080||ratings'),
    endpoints('outbound|9080||reviews', 9001),
    endpoints('outbound|9080||ratings', 9002),
    listener('http_10000', opts.port ?? 10000, 'routes_10000'),
    routeConfig('routes_10000', 'outbound|9080||reviews', opts.weightTag ? `/${opts.weightTag}` : '/'),
  ];
}
