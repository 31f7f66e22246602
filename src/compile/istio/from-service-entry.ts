// ServiceEntry → registry entries, one per host (all sharing ports and endpoints).
// resolution: STATIC → EDS with the endpoint IPs; DNS / DNS_ROUND_ROBIN → Envoy resolves the
// endpoint addresses (or, without endpoints, the host itself); NONE (the default) → the
// connection passes through to the address the client dialled (clusters.ts: ORIGINAL_DST).
import type { Loaded } from '../parse/load-resources.ts';
import type { ServiceEntrySpec } from '../schema/index.ts';
import { visibilityOf } from './hosts.ts';
import { normalizeProtocol } from './protocols.ts';
import type { RegistryEndpoint, RegistryPort, RegistryService, Resolution } from './registry.ts';

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
      name: p.name ?? '',
      protocol: normalizeProtocol(p.protocol),
      ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}),
    }))
    .sort((a, b) => a.number - b.number);
  const resolution = RESOLUTION[se.spec.resolution ?? 'NONE'] ?? 'none';
  const written: RegistryEndpoint[] = (se.spec.endpoints ?? [])
    .filter((e) => e.address !== undefined && e.address !== '')
    .map((e) => ({
      address: e.address ?? '',
      ports: e.ports ?? {},
      labels: e.labels ?? {},
      ...(e.weight !== undefined ? { weight: e.weight } : {}),
      ...(e.locality !== undefined ? { locality: e.locality } : {}),
    }));
  const visibility = visibilityOf(se.spec.exportTo, se.metadata.namespace);
  return [...new Set(se.spec.hosts.map((h) => h.toLowerCase()))].map((host) => ({
    host,
    namespace: se.metadata.namespace,
    ports,
    resolution,
    // A DNS entry without endpoints resolves its own host name.
    endpoints: written.length === 0 && isDns(resolution) ? [{ address: host, ports: {}, labels: {} }] : written,
    visibility,
    origin: se,
    rank: 1,
  }));
}

export function isDns(r: Resolution): boolean {
  return r === 'dns' || r === 'dns_round_robin';
}
