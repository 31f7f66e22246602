// ServiceEntries of one host that istiod merges into one service, and how. A proxy's
// SidecarScope takes each host once (pilot/pkg/model/sidecar.go appendSidecarServices, ~1019):
// the first service of a host stays, and a later one's ports are added to it when
// canMergeServices (~1105) holds: same namespace, same resolution, same registry (two
// ServiceEntries; a Kubernetes Service never merges), equal metadata.labels, equal
// workloadSelector labels and equal exportTo. A port number the first already has keeps the
// first's definition (name, protocol, targetPort). So `istio.io` port 80 from one ServiceEntry
// and port 443 from another become one service with both ports
// (serviceentry_simulation_test.go TestServiceEntryDuplicatedHostname).
import type { LoadedServiceEntry } from '../parse/types.ts';
import type { RegistryPort, RegistryService } from './registry.ts';

/** Why istiod does not merge two entries of one host; undefined when it does. */
export function mergeBlocker(a: RegistryService, b: RegistryService): string | undefined {
  if (a.rank === 0 || b.rank === 0) return 'a Kubernetes Service never merges with another definition of its host';
  if (a.namespace !== b.namespace) return 'they are in different namespaces';
  if (a.resolution !== b.resolution) return `their resolutions differ (${resolutionName(a)}, ${resolutionName(b)})`;
  const sa = (a.origin as LoadedServiceEntry).spec;
  const sb = (b.origin as LoadedServiceEntry).spec;
  // conversion.go convertServices: Labels are the ServiceEntry's metadata.labels,
  // LabelSelectors its workloadSelector.labels, ExportTo the set of its exportTo strings as
  // written (`.` and the namespace's own name are different strings there).
  if (!sameRecord(a.origin.metadata.labels, b.origin.metadata.labels)) return 'their metadata.labels differ';
  if (!sameRecord(sa.workloadSelector?.labels, sb.workloadSelector?.labels)) return 'their workloadSelector labels differ';
  if (!sameSet(sa.exportTo, sb.exportTo)) return 'their exportTo differ';
  return undefined;
}

/**
 * One service from `members` (ServiceEntries of one host istiod merges, oldest first): the
 * first's everything (addresses, visibility, origin) with the union of the ports, each port
 * number defined by the first member that has it. `members[0]` itself when alone.
 */
export function mergeServiceEntries(members: readonly RegistryService[]): RegistryService {
  const first = members[0]!;
  if (members.length === 1) return first;
  const ports: RegistryPort[] = [...first.ports];
  for (let i = 1; i < members.length; i++) for (const p of members[i]!.ports) if (!ports.some((q) => q.number === p.number)) ports.push(p);
  ports.sort((x, y) => x.number - y.number);
  return { ...first, ports, merged: members };
}

/** A merged port number a later member defines otherwise than the member whose definition is kept. */
export interface PortConflict {
  readonly number: number;
  readonly kept: { readonly service: RegistryService; readonly port: RegistryPort };
  readonly lost: { readonly service: RegistryService; readonly port: RegistryPort };
}

/** The port numbers of a merge defined differently by two members (name, protocol or targetPort). */
export function portConflicts(merged: RegistryService): PortConflict[] {
  const members = merged.merged ?? [];
  const out: PortConflict[] = [];
  for (let i = 1; i < members.length; i++) {
    for (const port of members[i]!.ports) {
      const owner = members.slice(0, i).find((m) => m.ports.some((q) => q.number === port.number));
      const kept = owner?.ports.find((q) => q.number === port.number);
      if (!owner || !kept || samePort(kept, port)) continue;
      out.push({ number: port.number, kept: { service: owner, port: kept }, lost: { service: members[i]!, port } });
    }
  }
  return out;
}

function samePort(a: RegistryPort, b: RegistryPort): boolean {
  return a.name === b.name && a.protocol === b.protocol && a.targetPort === b.targetPort;
}

function resolutionName(s: RegistryService): string {
  return s.resolution.toUpperCase();
}

/** maps.Equal: nil and empty are equal. */
function sameRecord(a: Readonly<Record<string, string>> | undefined, b: Readonly<Record<string, string>> | undefined): boolean {
  const ka = a ? Object.keys(a) : [];
  const kb = b ? Object.keys(b) : [];
  return ka.length === kb.length && ka.every((k) => b !== undefined && Object.hasOwn(b, k) && b[k] === a![k]);
}

function sameSet(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  const sa = new Set(a ?? []);
  const sb = new Set(b ?? []);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}
