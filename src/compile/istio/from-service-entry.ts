// ServiceEntry → registry entries, one per host (all sharing ports and endpoints).
// resolution: STATIC → EDS with the endpoint IPs; DNS / DNS_ROUND_ROBIN → Envoy resolves the
// endpoint addresses (or, without endpoints, the host itself); NONE (the default) → the
// connection passes through to the address the client dialled (clusters.ts: ORIGINAL_DST).
import type { Loaded } from '../parse/load-resources.ts';
import type { ServiceEntrySpec } from '../schema/index.ts';
import { visibilityOf } from './hosts.ts';
import { exact } from './exact.ts';
import { normalizeProtocol } from './protocols.ts';
import type { RegistryEndpoint, RegistryPort, RegistryService, Resolution } from './registry.ts';
import { serviceEntryAddresses } from './service-addresses.ts';

const RESOLUTION: Record<string, Resolution> = {
  STATIC: 'static',
  DNS: 'dns',
  DNS_ROUND_ROBIN: 'dns_round_robin',
  NONE: 'none',
};

export function fromServiceEntry(se: Loaded<'ServiceEntry', ServiceEntrySpec>): RegistryService[] {
  const ports: RegistryPort[] = (se.spec.ports ?? [])
    .map((p) => ({
      number: p.number,
      name: p.name,
      protocol: normalizeProtocol(p.protocol),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    }))
    .sort((a, b) => a.number - b.number);
  const resolution = RESOLUTION[se.spec.resolution ?? 'NONE'] ?? 'none';
  const written: RegistryEndpoint[] = [];
  for (const e of se.spec.endpoints ?? []) {
    if (e.address === undefined || e.address === '') continue;
    const ep: Mutable<RegistryEndpoint> = { address: e.address, ports: e.ports ?? NONE, labels: e.labels ?? NONE };
    if (e.weight !== undefined) ep.weight = e.weight;
    if (e.locality !== undefined) ep.locality = e.locality;
    written.push(ep);
  }
  const endpoints = exact(written); // kept for the whole compile
  const visibility = visibilityOf(se.spec.exportTo, se.metadata.namespace);
  const addresses = serviceEntryAddresses(se.spec); // every host answers to all of them
  const hosts = se.spec.hosts.length === 1 ? [se.spec.hosts[0]!.toLowerCase()] : [...new Set(se.spec.hosts.map((h) => h.toLowerCase()))];
  return hosts.map((host) => ({
    host,
    namespace: se.metadata.namespace,
    ports,
    resolution,
    // A DNS entry without endpoints resolves its own host name.
    endpoints: written.length === 0 && isDns(resolution) ? [{ address: host, ports: NONE, labels: NONE }] : endpoints,
    visibility,
    addresses,
    origin: se,
    rank: 1,
  }));
}

/** No port mapping, no labels: one shared empty record (the registry is read-only). */
const NONE: Readonly<Record<string, never>> = Object.freeze({});

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function isDns(r: Resolution): boolean {
  return r === 'dns' || r === 'dns_round_robin';
}
