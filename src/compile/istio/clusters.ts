// (host, port, subset) → IrCluster + its endpoints. A cluster's settings come from the
// registry entry for the host (discovery type, endpoints, port protocol) and the
// DestinationRule for it (policy merged per traffic-policy.ts). A host missing from the
// registry (ML4001) still gets an EDS cluster with no endpoints, so every route points at a
// cluster that exists and Envoy accepts the snapshot; requests to it get a 503.
// Clusters carry no `source`: nothing reads it, and locating a YAML node per cluster was a
// measurable share of compiling 10,000 services.
import type { IrCluster, IrEndpoint, IrEndpointSet } from '../ir/types.ts';
import { durationToWholeMs } from '../schema/index.ts';
import type { ClusterCatalog } from './cluster-catalog.ts';
import { clusterPolicies, type ClusterPolicies, type ClusterPolicy } from './cluster-policy.ts';
import { exact } from './exact.ts';
import type { DrEntry, DrIndex, DrSubset } from './from-destination-rule.ts';
import type { ClusterRef } from './from-virtual-service.ts';
import { clusterName } from './names.ts';
import { isHttp2Protocol } from './protocols.ts';
import { hasLabels } from './labels.ts';
import { endpointPort, selectEndpoints, type PortEndpoints, type Registry, type RegistryEndpoint, type RegistryPort, type RegistryService } from './registry.ts';
import type { FrontSettings } from './settings.ts';

export interface ClusterContext {
  readonly settings: FrontSettings;
  readonly registry: Registry;
  readonly drs: DrIndex;
  /** Policy conversions for one compile (clusterContext); without it each cluster converts its own. */
  readonly policies?: ClusterPolicies;
  /**
   * A service port's IR endpoints, one per registry endpoint (same order), for one compile: a
   * port's clusters (the whole set, and one per subset) then share the endpoint objects.
   */
  readonly endpointsOf?: Map<RegistryPort, readonly IrEndpoint[]>;
}

/** A cluster context for one compile: its policy conversions and endpoints are shared by all clusters. */
export function clusterContext(settings: FrontSettings, registry: Registry, drs: DrIndex): ClusterContext {
  return { settings, registry, drs, policies: clusterPolicies(settings.defaultCaFile), endpointsOf: new Map() };
}

export interface BuiltCluster {
  readonly cluster: IrCluster;
  /** EDS clusters only. */
  readonly endpoints?: IrEndpointSet;
}

/** The DestinationRule policy a cluster gets (its rule's, merged with its subset's and port's). */
export function clusterPolicyOf(ref: ClusterRef, ctx: ClusterContext): ClusterPolicy {
  const dr = ctx.drs.forHost(ref.host);
  return policyFor(dr, ref.subset === '' ? undefined : dr?.subsets.find((s) => s.name === ref.subset), ref.port, ctx);
}

function policyFor(dr: DrEntry | undefined, subset: DrSubset | undefined, port: number, ctx: ClusterContext): ClusterPolicy {
  return (ctx.policies ?? clusterPolicies(ctx.settings.defaultCaFile))(dr, subset, port);
}

/** `name` is the ref's cluster name, when the caller has it already. */
export function buildCluster(ref: ClusterRef, ctx: ClusterContext, name = clusterName(ref.host, ref.port, ref.subset)): BuiltCluster {
  const svc = ctx.registry.forCluster(ref.host, ref.port);
  const port = svc?.ports.find((p) => p.number === ref.port);
  const dr = ctx.drs.forHost(ref.host);
  const subset = ref.subset === '' ? undefined : dr?.subsets.find((s) => s.name === ref.subset);
  const policy = policyFor(dr, subset, ref.port, ctx);

  const discovery = svc?.resolution === 'dns' ? 'strict_dns' : svc?.resolution === 'dns_round_robin' ? 'logical_dns' : 'eds';
  const targets =
    discovery === 'eds' || !port || !svc
      ? NO_TARGETS
      : port.endpointSources
        ? sharedEndpoints(port.endpointSources, subset?.labels).sort(byAddressPort)
        : selectEndpoints(svc.endpoints, subset?.labels).map((e) => dnsTarget(e, port)).sort(byAddressPort);
  const { connectionPool, outlierDetection, tls } = policy;

  // Built field by field, not with conditional spreads: 40,000 clusters in a large mesh, and
  // each spread is a throw-away object. Same field order as the IR type (JSON output order).
  const draft: Mutable<Omit<IrCluster, 'http2'>> & { http2?: boolean } = {
    name,
    host: ref.host,
    port: ref.port,
    subset: ref.subset,
    discovery,
    // Logical DNS resolves exactly one name (validate allows one endpoint at most).
    dnsTargets: discovery === 'logical_dns' ? targets.slice(0, 1) : targets,
    connectTimeoutMs: policy.connectTimeoutMs ?? ctx.settings.ir.connectTimeoutMs,
    // resolution NONE: pass the connection through to the address the client dialled, as
    // Istio does (ORIGINAL_DST, CLUSTER_PROVIDED), whatever a DestinationRule's loadBalancer says.
    loadBalancer: svc?.resolution === 'none' ? PASSTHROUGH : policy.loadBalancer,
  };
  if (connectionPool) draft.connectionPool = connectionPool;
  const tcpProxy = tcpProxyTimeouts(dr);
  if (tcpProxy) draft.tcpProxy = tcpProxy;
  if (outlierDetection) draft.outlierDetection = outlierDetection;
  if (tls) draft.tls = tls;
  // useClientProtocol wins over the port's protocol and the upgrade policy, as in Istio
  // (shouldH2Upgrade; setUseDownstreamProtocol replaces the explicit HTTP/2 config).
  const http = policy.groups.connectionPool?.http;
  draft.http2 = http?.useClientProtocol !== true && ((port ? isHttp2Protocol(port.protocol) : false) || http?.h2UpgradePolicy === 'UPGRADE');
  const cluster = draft as IrCluster; // every field is set now
  if (discovery !== 'eds' || svc?.resolution === 'none') return { cluster }; // no EDS for passthrough
  const endpoints: IrEndpoint[] = [];
  if (port?.endpointSources && svc?.resolution === 'static') {
    endpoints.push(...sharedEndpoints(port.endpointSources, subset?.labels));
    endpoints.sort(byAddressPort);
  } else if (port && svc?.resolution === 'static') {
    const all = portEndpoints(svc, port, ctx);
    const labels = subset?.labels;
    for (let i = 0; i < all.length; i++) if (!labels || hasLabels(svc.endpoints[i]!.labels, labels)) endpoints.push(all[i]!);
    if (!isSorted(endpoints)) endpoints.sort(byAddressPort); // usually written in order already
  }
  return { cluster, endpoints: { clusterName: name, endpoints: exact(endpoints) } };
}

/**
 * `svc`'s endpoints on `port` in IR form, in registry order (memoised per compile when ctx allows).
 * Keyed by the port object: a ServiceEntry's hosts share their ports and their endpoints.
 */
function portEndpoints(svc: RegistryService, port: RegistryPort, ctx: ClusterContext): readonly IrEndpoint[] {
  const hit = ctx.endpointsOf?.get(port);
  if (hit) return hit;
  const out = svc.endpoints.map((e) => {
    const ep: Mutable<IrEndpoint> = { address: e.address, port: endpointPort(e, port) };
    if (e.weight !== undefined) ep.weight = e.weight;
    if (e.locality !== undefined) ep.locality = e.locality;
    return ep;
  });
  ctx.endpointsOf?.set(port, out);
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A DNS cluster's name to resolve (or an EDS endpoint), with its weight and locality, as Istio keeps them. */
function dnsTarget(e: RegistryEndpoint, port: RegistryPort): IrEndpoint {
  const target: Mutable<IrEndpoint> = { address: e.address, port: endpointPort(e, port) };
  if (e.weight !== undefined) target.weight = e.weight;
  if (e.locality !== undefined) target.locality = e.locality;
  return target;
}

/**
 * A port's endpoints gathered from several registry entries of its host (RegistryPort
 * endpointSources, shared-endpoints.ts), each through its own entry's port; those of a subset
 * only with `labels`. Rare (a host defined more than once in a namespace): not memoised.
 */
function sharedEndpoints(sources: readonly PortEndpoints[], labels: Readonly<Record<string, string>> | undefined): IrEndpoint[] {
  const out: IrEndpoint[] = [];
  for (const source of sources) for (const e of selectEndpoints(source.endpoints, labels)) out.push(dnsTarget(e, source.port));
  return out;
}

const NO_TARGETS: readonly IrEndpoint[] = Object.freeze([]);
const PASSTHROUGH: IrCluster['loadBalancer'] = Object.freeze({ kind: 'passthrough' });

/**
 * Every cluster a service defines, by id: one per port, plus one per port and DestinationRule
 * subset. Sidecar views ask once per service (sidecar-plan.ts serviceIdsOf memoises it).
 */
export function serviceClusterIds(svc: RegistryService, drs: DrIndex, catalog: ClusterCatalog): number[] {
  const subsets = drs.forHost(svc.host)?.subsets ?? [];
  const ids: number[] = [];
  for (const p of svc.ports) {
    ids.push(catalog.id(svc.host, p.number, ''));
    for (const s of subsets) ids.push(catalog.id(svc.host, p.number, s.name));
  }
  return exact(ids); // kept for the whole compile
}

function isSorted(list: readonly { address: string; port: number }[]): boolean {
  for (let i = 1; i < list.length; i++) if (byAddressPort(list[i - 1]!, list[i]!) > 0) return false;
  return true;
}

function byAddressPort(a: { address: string; port: number }, b: { address: string; port: number }): number {
  return a.address < b.address ? -1 : a.address > b.address ? 1 : a.port - b.port;
}

/** The rule's top-level TCP idle timeout and connection lifetime, for TCP proxies (see IrCluster.tcpProxy). */
function tcpProxyTimeouts(dr: DrEntry | undefined): IrCluster['tcpProxy'] {
  const tcp = dr?.trafficPolicy?.connectionPool?.tcp;
  if (tcp?.idleTimeout === undefined && tcp?.maxConnectionDuration === undefined) return undefined;
  return {
    ...(tcp.idleTimeout !== undefined ? { idleTimeoutMs: durationToWholeMs(tcp.idleTimeout) } : {}),
    ...(tcp.maxConnectionDuration !== undefined ? { maxConnectionDurationMs: durationToWholeMs(tcp.maxConnectionDuration) } : {}),
  };
}
