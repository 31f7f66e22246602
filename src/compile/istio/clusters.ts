// (host, port, subset) → IrCluster + its endpoints. A cluster's settings come from the
// registry entry for the host (discovery type, endpoints, port protocol) and the
// DestinationRule for it (policy merged per traffic-policy.ts). A host missing from the
// registry (ML4001) still gets an EDS cluster with no endpoints, so every route points at a
// cluster that exists and Envoy accepts the snapshot; requests to it get a 503.
// Clusters carry no `source`: nothing reads it, and locating a YAML node per cluster was a
// measurable share of compiling 10,000 services.
import type { IrCluster, IrEndpoint, IrEndpointSet } from '../ir/types.ts';
import { durationToWholeMs } from '../schema/index.ts';
import type { DrIndex } from './from-destination-rule.ts';
import type { ClusterRef } from './from-virtual-service.ts';
import { clusterName } from './names.ts';
import { isHttp2Protocol } from './protocols.ts';
import { endpointPort, selectEndpoints, type Registry, type RegistryService } from './registry.ts';
import type { FrontSettings } from './settings.ts';
import { mergePolicy, toConnectionPool, toLoadBalancer, toOutlierDetection, toUpstreamTls } from './traffic-policy.ts';

export interface ClusterContext {
  readonly settings: FrontSettings;
  readonly registry: Registry;
  readonly drs: DrIndex;
}

export interface BuiltCluster {
  readonly cluster: IrCluster;
  /** EDS clusters only. */
  readonly endpoints?: IrEndpointSet;
}

export function buildCluster(ref: ClusterRef, ctx: ClusterContext): BuiltCluster {
  const svc = ctx.registry.lookupAny(ref.host);
  const port = svc?.ports.find((p) => p.number === ref.port);
  const dr = ctx.drs.forHost(ref.host);
  const subset = ref.subset === '' ? undefined : dr?.subsets.find((s) => s.name === ref.subset);
  const policy = mergePolicy(dr?.trafficPolicy, subset?.trafficPolicy, ref.port);
  const name = clusterName(ref.host, ref.port, ref.subset);

  const selected = svc ? selectEndpoints(svc.endpoints, subset?.labels) : [];
  const discovery = svc?.resolution === 'dns' ? 'strict_dns' : svc?.resolution === 'dns_round_robin' ? 'logical_dns' : 'eds';
  const targets =
    discovery === 'eds' || !port
      ? []
      : selected.map((e) => ({ address: e.address, port: endpointPort(e, port) })).sort(byAddressPort);
  const tcpTimeout = policy.connectionPool?.tcp?.connectTimeout;
  const connectionPool = toConnectionPool(policy.connectionPool);
  const outlierDetection = toOutlierDetection(policy.outlierDetection);
  const tls = toUpstreamTls(policy.tls);

  const cluster: IrCluster = {
    name,
    host: ref.host,
    port: ref.port,
    subset: ref.subset,
    discovery,
    // Logical DNS resolves exactly one name (validate allows one endpoint at most).
    dnsTargets: discovery === 'logical_dns' ? targets.slice(0, 1) : targets,
    connectTimeoutMs: (tcpTimeout !== undefined ? durationToWholeMs(tcpTimeout) : undefined) ?? ctx.settings.ir.connectTimeoutMs,
    // resolution NONE: pass the connection through to the address the client dialled, as
    // Istio does (ORIGINAL_DST, CLUSTER_PROVIDED), whatever a DestinationRule's loadBalancer says.
    loadBalancer: svc?.resolution === 'none' ? { kind: 'passthrough' } : toLoadBalancer(policy.loadBalancer),
    ...(connectionPool ? { connectionPool } : {}),
    ...(outlierDetection ? { outlierDetection } : {}),
    ...(tls ? { tls } : {}),
    http2: (port ? isHttp2Protocol(port.protocol) : false) || policy.connectionPool?.http?.h2UpgradePolicy === 'UPGRADE',
  };
  if (discovery !== 'eds' || svc?.resolution === 'none') return { cluster }; // no EDS for passthrough
  const endpoints: IrEndpoint[] = port && svc?.resolution === 'static'
    ? selected
        .map((e) => ({
          address: e.address,
          port: endpointPort(e, port),
          ...(e.weight !== undefined ? { weight: e.weight } : {}),
          ...(e.locality !== undefined ? { locality: e.locality } : {}),
        }))
        .sort(byAddressPort)
    : [];
  return { cluster, endpoints: { clusterName: name, endpoints } };
}

export type ServiceClusterRefs = (svc: RegistryService) => readonly [string, ClusterRef][];

/**
 * Every cluster a service defines: one per port, plus one per port and DestinationRule
 * subset, with their names. Memoized per compile: every sidecar view asks again.
 */
export function serviceClusterRefs(drs: DrIndex): ServiceClusterRefs {
  const memo = new Map<RegistryService, [string, ClusterRef][]>();
  return (svc) => {
    const hit = memo.get(svc);
    if (hit) return hit;
    const subsets = drs.forHost(svc.host)?.subsets ?? [];
    const refs: [string, ClusterRef][] = [];
    for (const p of svc.ports) {
      refs.push([clusterName(svc.host, p.number), { host: svc.host, port: p.number, subset: '' }]);
      for (const s of subsets) refs.push([clusterName(svc.host, p.number, s.name), { host: svc.host, port: p.number, subset: s.name }]);
    }
    memo.set(svc, refs);
    return refs;
  };
}

function byAddressPort(a: { address: string; port: number }, b: { address: string; port: number }): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}
