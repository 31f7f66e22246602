// The endpoints of a host are gathered per namespace, whoever defines them. istiod keeps one
// endpoint index entry per (host, namespace) (model.EndpointIndex ShardsForService): the
// ServiceEntry controller sends it the endpoints of every ServiceEntry of that host in that
// namespace, merged (serviceentry/conversion.go mergeServicesInstancesByNamespaceHost), and
// the Kubernetes controller its Service's, in a shard of their own. A cluster of the service a
// proxy uses then reads that whole entry:
//  - EDS (STATIC entries, Kubernetes Services): every endpoint whose service port NAME is the
//    cluster port's name, addresses that are not IPs left out
//    (xds/endpoints/endpoint_builder.go BuildClusterLoadAssignment, ~440);
//  - DNS clusters: every ServiceEntry endpoint whose service port NUMBER is the cluster's
//    (ServiceEntry endpoints carry LegacyClusterPortKey; push_context.go initServiceRegistry and
//    endpointshards.go CopyEndpoints), except that a DNS_ROUND_ROBIN entry adds nothing to a
//    port an older entry already serves (mergeServicesInstancesByNamespaceHost).
// So a second ServiceEntry that lists more endpoints for a host adds them, merged or not, and a
// ServiceEntry next to a Kubernetes Service of the same name adds its IP endpoints to the
// Service's ports of the same names. Each endpoint keeps the port mapping of the entry that
// lists it (istiod computes EndpointPort per ServiceEntry port).
import { isUnixAddress } from '../ir/endpoint-address.ts';
import { isIpOrCidr } from '../validate/checks-values.ts';
import type { PortEndpoints, RegistryEndpoint, RegistryPort, RegistryService } from './registry.ts';

/**
 * `svc` with each port's endpoints drawn from `peers` (every registry entry of its host in its
 * namespace, oldest first, `svc`'s own included), as istiod draws them; `svc` itself when that
 * changes nothing.
 */
export function withSharedEndpoints(svc: RegistryService, peers: readonly RegistryService[]): RegistryService {
  // Passthrough has no endpoints; an ExternalName Service resolves its one name.
  if (svc.resolution === 'none' || (svc.rank === 0 && svc.resolution !== 'static')) return svc;
  const sourcesOf = svc.resolution === 'static' ? edsSources : dnsSources;
  let changed = svc.merged !== undefined;
  const ports = svc.ports.map((port) => {
    const sources = sourcesOf(port, peers);
    if (sources.length === 1 && sources[0]!.port === port && sources[0]!.endpoints === svc.endpoints) return port;
    changed = true;
    return { ...port, endpointSources: sources };
  });
  if (!changed) return svc;
  // Every port says where its endpoints come from: `endpoints` becomes the union, for checks.
  const explicit = ports.map((p) => (p.endpointSources ? p : { ...p, endpointSources: [{ endpoints: svc.endpoints, port: p }] }));
  return { ...svc, ports: explicit, endpoints: everyEndpoint(explicit) };
}

/** EDS: the endpoints of every peer port with the cluster port's name; only IPs and sockets. */
function edsSources(port: RegistryPort, peers: readonly RegistryService[]): PortEndpoints[] {
  const out: PortEndpoints[] = [];
  for (const peer of peers) {
    for (const q of peer.ports) if (q.name === port.name) out.push({ endpoints: addressable(peer.endpoints), port: q });
  }
  return out;
}

/** DNS: the endpoints of every peer ServiceEntry port with the cluster port's number. */
function dnsSources(port: RegistryPort, peers: readonly RegistryService[]): PortEndpoints[] {
  const out: PortEndpoints[] = [];
  for (const peer of peers) {
    if (peer.rank === 0 || peer.endpoints.length === 0) continue;
    if (peer.resolution === 'dns_round_robin' && out.length > 0) continue; // an older entry serves the port
    for (const q of peer.ports) if (q.number === port.number) out.push({ endpoints: peer.endpoints, port: q });
  }
  return out;
}

/**
 * An EDS cluster drops what is not an IP (a DNS entry's host names; endpoint_builder.go keeps a
 * Unix socket, whose endpoint port is 0). The same array when all are.
 */
function addressable(endpoints: readonly RegistryEndpoint[]): readonly RegistryEndpoint[] {
  const ok = (e: RegistryEndpoint) => isUnixAddress(e.address) || isIpOrCidr(e.address, false);
  return endpoints.every(ok) ? endpoints : endpoints.filter(ok);
}

/** Every endpoint some port of the service uses, each once (what checks of the service's endpoints read). */
function everyEndpoint(ports: readonly RegistryPort[]): readonly RegistryEndpoint[] {
  const out = new Set<RegistryEndpoint>();
  for (const p of ports) for (const s of p.endpointSources ?? []) for (const e of s.endpoints) out.add(e);
  return [...out];
}
