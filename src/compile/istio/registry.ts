// The service registry: every host a proxy can reach, with ports, endpoints and who may
// see it. Built from Kubernetes Services (from-kube-service.ts) and ServiceEntries
// (from-service-entry.ts); everything downstream (checks, clusters, views) reads only this.
// A host defined more than once is combined as istiod combines it (same-host.ts): merged
// ServiceEntries become one service, and the definitions left are picked per view.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';
import { isVisible, resolveHost, type Visibility } from './hosts.ts';
import { hasLabels } from './labels.ts';
import type { Loaded, LoadedServiceEntry } from '../parse/types.ts';
import type { KubeServiceSpec } from '../schema/index.ts';
import { pickService } from './pick-service.ts';
import { kubePortProtocol, type Protocol } from './protocols.ts';
import { combineSameHost } from './same-host.ts';
import { reportSameHost } from './same-host-diagnostics.ts';
import { at, cmp, compareResources, type AnyLoaded } from './where.ts';

export interface RegistryPort {
  readonly number: number;
  readonly name: string;
  readonly protocol: Protocol;
  /** Port the workloads listen on, when known (number); else the service port is used. */
  readonly targetPort?: number;
  /**
   * Where this port's endpoints come from when not simply the service's own `endpoints`: istiod
   * gathers a host's endpoints per namespace, from every registry entry of the host there
   * (shared-endpoints.ts). Absent: the service's `endpoints`, through this port.
   */
  readonly endpointSources?: readonly PortEndpoints[];
}

/** Endpoints of one registry entry serving a port, each mapped through that entry's own port (its name, targetPort). */
export interface PortEndpoints {
  readonly endpoints: readonly RegistryEndpoint[];
  readonly port: RegistryPort;
}

export interface RegistryEndpoint {
  /** An IP (STATIC / Kubernetes), a `unix://` socket (STATIC) or a host name (DNS). */
  readonly address: string;
  /** Endpoint port per service port NAME (ServiceEntry `endpoints[].ports`). */
  readonly ports: Readonly<Record<string, number>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly weight?: number;
  readonly locality?: string;
}

/** How Envoy learns the endpoints: EDS from us, or DNS resolution by Envoy itself. */
export type Resolution = 'static' | 'dns' | 'dns_round_robin' | 'none';

export interface RegistryService {
  readonly host: string;
  readonly namespace: string;
  readonly ports: readonly RegistryPort[];
  readonly resolution: Resolution;
  readonly endpoints: readonly RegistryEndpoint[];
  readonly visibility: Visibility;
  /**
   * The service's addresses (VIPs: a Kubernetes cluster IP, ServiceEntry `addresses`), lower
   * case, each once (service-addresses.ts); sidecars answer to them as domains. Usually none:
   * then the shared NO_ADDRESSES.
   */
  readonly addresses: readonly string[];
  readonly origin: AnyLoaded;
  /**
   * 0 for a Kubernetes Service, 1 for a ServiceEntry: a host's Kubernetes Services sort first
   * (lookupAny and forCluster take them). For a sidecar they win over a ServiceEntry only within
   * the namespace pick-service.ts settles on: a ServiceEntry of the view's own namespace beats a
   * Service of another.
   */
  readonly rank: 0 | 1;
  /**
   * ServiceEntries of this host merged into this one, as istiod merges them (same-host.ts), the
   * one it was built from (`origin`) first; each port comes from the first that defines it.
   * Absent: the entry stands alone.
   */
  readonly merged?: readonly RegistryService[];
}

export interface Registry {
  /**
   * Sorted by host, then rank, namespace, name. A host's ServiceEntries istiod merges are one
   * entry (same-host.ts); other definitions of a host are kept (views pick, pick-service.ts).
   */
  readonly services: readonly RegistryService[];
  /** The service for `host` a sidecar of `viewNamespace` (null: default view) uses, as istiod picks it (pick-service.ts). */
  lookup(host: string, viewNamespace: string | null): RegistryService | undefined;
  /** Any service with this host, whoever may see it: the first (a Kubernetes Service when there is one). */
  lookupAny(host: string): RegistryService | undefined;
  /**
   * Every definition of `host` left after merging, in registry order (none: empty). Several only
   * where istiod picks one per sidecar (pick-service.ts); see audience.ts for who uses which.
   */
  definitions(host: string): readonly RegistryService[];
  /**
   * The service cluster (`host`, `port`) is built from: the host's first service with that port,
   * else its first. meshlog's views share clusters, so where views use different definitions of
   * a host (pick-service.ts), the cluster of a port they both define follows the first.
   */
  forCluster(host: string, port: number): RegistryService | undefined;
  has(host: string): boolean;
  /**
   * resolveHost (hosts.ts) against this registry and the mesh's cluster domain, memoised:
   * every check and view resolves the same few hosts per resource again and again. A known
   * host is returned as the registry's own string object.
   */
  resolve(host: string, namespace: string): string;
}

export function buildRegistry(entries: RegistryService[], clusterDomain: string, diagnostics: Diagnostic[]): Registry {
  const order = (a: RegistryService, b: RegistryService) => cmp(a.host, b.host) || a.rank - b.rank || compareResources(a.origin, b.origin);
  // Usually in order already (the loader sorts resources, and names follow hosts): check first.
  const sorted = isSorted(entries, order) ? entries : [...entries].sort(order);
  const byHost = new Map<string, RegistryService[]>();
  let duplicates = false;
  for (const s of sorted) {
    const list = byHost.get(s.host);
    if (list) {
      list.push(s);
      duplicates = true;
    } else byHost.set(s.host, [s]);
  }
  // Only hosts defined more than once have anything to combine: nearly every mesh skips this.
  let services = sorted;
  if (duplicates) {
    for (const [host, list] of byHost) {
      if (list.length < 2) continue;
      const combined = combineSameHost(list);
      reportSameHost(list, combined, diagnostics);
      byHost.set(host, combined);
    }
    services = [...byHost.values()].flat();
  }
  const has = (host: string) => byHost.has(host);
  // A host with a dot resolves the same in every namespace (resolveHost): one map for those,
  // so the common lookup is one probe; short names are per namespace.
  const dotted = new Map<string, string>(); // host as written → resolved
  const short = new Map<string, Map<string, string>>(); // namespace → host as written → resolved
  return {
    services,
    lookup: (host, ns) => {
      const list = byHost.get(host);
      if (!list) return undefined;
      if (list.length === 1) return isVisible(list[0]!.visibility, ns) ? list[0] : undefined;
      return pickService(list, ns);
    },
    lookupAny: (host) => byHost.get(host)?.[0],
    definitions: (host) => byHost.get(host) ?? NO_SERVICES,
    forCluster: (host, port) => {
      const list = byHost.get(host);
      if (!list || list.length === 1) return list?.[0];
      return list.find((s) => s.ports.some((p) => p.number === port)) ?? list[0];
    },
    has,
    resolve: (host, namespace) => {
      let memo = dotted;
      if (!host.includes('.')) {
        let inNs = short.get(namespace);
        if (!inNs) short.set(namespace, (inNs = new Map()));
        memo = inNs;
      }
      let out = memo.get(host);
      if (out === undefined) {
        out = resolveHost(host, namespace, clusterDomain, has);
        // A known host comes back as the registry's own string: Map lookups by it (services,
        // DestinationRules, clusters, all keyed by registry hosts) then match by identity.
        out = byHost.get(out)?.[0]?.host ?? out;
        memo.set(host, out);
      }
      return out;
    },
  };
}

const NO_SERVICES: readonly RegistryService[] = Object.freeze([]);

/** Port a service port maps to on an endpoint: endpoint's own mapping, else targetPort, else the port. */
export function endpointPort(ep: RegistryEndpoint, port: RegistryPort): number {
  // A Unix socket has no port: 0, as Istio (conversion.go convertWorkloadInstanceToServiceInstance).
  if (isUnixAddress(ep.address)) return 0;
  // Own keys only: a port named like an Object.prototype member (`constructor`, a valid port
  // name) must not read the prototype's function as its number.
  const own = Object.hasOwn(ep.ports, port.name) ? ep.ports[port.name] : undefined;
  return own ?? port.targetPort ?? port.number;
}

/** Endpoints carrying every label of `selector` (a subset's labels); all of them, uncopied, without one. */
export function selectEndpoints(
  endpoints: readonly RegistryEndpoint[],
  selector: Readonly<Record<string, string>> | undefined,
): readonly RegistryEndpoint[] {
  if (!selector || isEmpty(selector)) return endpoints;
  const out: RegistryEndpoint[] = [];
  for (const e of endpoints) if (hasLabels(e.labels, selector)) out.push(e);
  return out;
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

function isSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return false;
  return true;
}

/** Where `s`'s host is written: its ServiceEntry's `spec.hosts[i]`, a Service's name. */
export function hostPath(s: RegistryService): (string | number)[] {
  if (s.origin.kind !== 'ServiceEntry') return ['metadata', 'name'];
  const hosts = (s.origin.spec as { hosts?: string[] }).hosts ?? [];
  const i = hosts.findIndex((h) => h.toLowerCase() === s.host);
  return i >= 0 ? ['spec', 'hosts', i] : ['spec', 'hosts'];
}

type KubeServicePort = NonNullable<KubeServiceSpec['ports']>[number];

/**
 * Where port `port` of `svc` is written in the resource defining it (`spec.ports[i]`), for a
 * diagnostic about that port; else the resource's name. Found by number in the resource itself:
 * the registry's ports are sorted, and a Service's UDP and SCTP ports are left out of them.
 */
export function servicePortPath(svc: RegistryService, port: number): (string | number)[] {
  let i = -1;
  if (svc.origin.kind === 'ServiceEntry') i = ((svc.origin as LoadedServiceEntry).spec.ports ?? []).findIndex((p) => p.number === port);
  else if (svc.origin.kind === 'Service') {
    const proxied = (p: KubeServicePort) => p.port === port && kubePortProtocol(p) !== 'UDP' && kubePortProtocol(p) !== 'SCTP';
    i = ((svc.origin as Loaded<'Service', KubeServiceSpec>).spec.ports ?? []).findIndex(proxied);
  }
  return i >= 0 ? ['spec', 'ports', i] : ['metadata', 'name'];
}

/**
 * Where port `port` of `svc` is written, for a diagnostic about it: in a merged service, in the
 * ServiceEntry whose definition of the port it keeps.
 */
export function servicePortAt(svc: RegistryService, port: number): ReturnType<typeof at> {
  const owner = svc.merged?.find((m) => m.ports.some((p) => p.number === port)) ?? svc;
  return at(owner.origin, servicePortPath(owner, port));
}
