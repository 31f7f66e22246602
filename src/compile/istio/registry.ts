// The service registry: every host a proxy can reach, with ports, endpoints and who may
// see it. Built from Kubernetes Services (from-kube-service.ts) and ServiceEntries
// (from-service-entry.ts); everything downstream (checks, clusters, views) reads only this.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';
import { isVisible, resolveHost, type Visibility } from './hosts.ts';
import type { Loaded, LoadedServiceEntry } from '../parse/types.ts';
import type { KubeServiceSpec } from '../schema/index.ts';
import { kubePortProtocol, type Protocol } from './protocols.ts';
import { at, cmp, compareResources, describe, relatedOf, type AnyLoaded } from './where.ts';

export interface RegistryPort {
  readonly number: number;
  readonly name: string;
  readonly protocol: Protocol;
  /** Port the workloads listen on, when known (number); else the service port is used. */
  readonly targetPort?: number;
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
  /** Kubernetes Services first: they win over a ServiceEntry for the same host. */
  readonly rank: 0 | 1;
}

export interface Registry {
  /** Sorted by host, then rank, namespace, name. Duplicates of a host are kept (views pick by visibility). */
  readonly services: readonly RegistryService[];
  /** The service for `host` a proxy of `viewNamespace` (null: default view) sees. */
  lookup(host: string, viewNamespace: string | null): RegistryService | undefined;
  /** Any service with this host, whoever may see it. */
  lookupAny(host: string): RegistryService | undefined;
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
  const services = isSorted(entries, order) ? entries : [...entries].sort(order);
  const byHost = new Map<string, RegistryService[]>();
  for (const s of services) {
    const list = byHost.get(s.host);
    if (list) list.push(s);
    else byHost.set(s.host, [s]);
  }
  reportDuplicates(byHost, diagnostics);
  const has = (host: string) => byHost.has(host);
  // A host with a dot resolves the same in every namespace (resolveHost): one map for those,
  // so the common lookup is one probe; short names are per namespace.
  const dotted = new Map<string, string>(); // host as written → resolved
  const short = new Map<string, Map<string, string>>(); // namespace → host as written → resolved
  return {
    services,
    lookup: (host, ns) => byHost.get(host)?.find((s) => isVisible(s.visibility, ns)),
    lookupAny: (host) => byHost.get(host)?.[0],
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

/** Port a service port maps to on an endpoint: endpoint's own mapping, else targetPort, else the port. */
export function endpointPort(ep: RegistryEndpoint, port: RegistryPort): number {
  // A Unix socket has no port: 0, as Istio (conversion.go convertWorkloadInstanceToServiceInstance).
  if (isUnixAddress(ep.address)) return 0;
  return ep.ports[port.name] ?? port.targetPort ?? port.number;
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

/** Does `labels` carry every label of `selector`? */
export function hasLabels(labels: Readonly<Record<string, string>>, selector: Readonly<Record<string, string>>): boolean {
  for (const k in selector) if (labels[k] !== selector[k]) return false;
  return true;
}

function isEmpty(record: Readonly<Record<string, string>>): boolean {
  for (const _ in record) return false;
  return true;
}

function reportDuplicates(byHost: Map<string, RegistryService[]>, diagnostics: Diagnostic[]): void {
  for (const [host, list] of byHost) {
    const first = list[0];
    if (!first) continue;
    for (let k = 1; k < list.length; k++) {
      const other = list[k]!;
      // Both visible to someone at once: everyone, or a shared namespace.
      if (!overlap(first.visibility, other.visibility)) continue;
      const msg = (self: RegistryService, peer: RegistryService, used: boolean) =>
        `host ${host} is defined by ${describe(self.origin, hostPath(self))} and by ${describe(peer.origin, hostPath(peer))}; ` +
        (used ? 'this one is used' : 'this one is ignored');
      for (const [self, peer, used] of [
        [first, other, true],
        [other, first, false],
      ] as const) {
        diagnostics.push(
          diagnostic('ML4016', msg(self, peer, used), { ...at(self.origin, hostPath(self)), related: [relatedOf(peer.origin, hostPath(peer))] }),
        );
      }
    }
  }
}

function isSorted<T>(items: readonly T[], compare: (a: T, b: T) => number): boolean {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return false;
  return true;
}

function hostPath(s: RegistryService): (string | number)[] {
  if (s.origin.kind !== 'ServiceEntry') return ['metadata', 'name'];
  const hosts = (s.origin.spec as { hosts?: string[] }).hosts ?? [];
  const i = hosts.findIndex((h) => h.toLowerCase() === s.host);
  return i >= 0 ? ['spec', 'hosts', i] : ['spec', 'hosts'];
}

function overlap(a: Visibility, b: Visibility): boolean {
  if (a.all || b.all) return true;
  for (const ns of a.namespaces) if (b.namespaces.has(ns)) return true;
  return false;
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
