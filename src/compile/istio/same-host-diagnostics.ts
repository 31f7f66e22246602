// What meshlog says about a host several registry entries define (same-host.ts made the
// services): ML4042 where ServiceEntries istiod merges define one port number differently (the
// later definition is not used), and ML4016 for each two definitions istiod does not merge that
// some proxy sees both of: why they are not merged, which one sidecars use where
// (pick-service.ts), and whether the other still lends its endpoints.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import { isVisible, type Visibility } from './hosts.ts';
import { mergeBlocker, portConflicts, type PortConflict } from './merge-service-entries.ts';
import { pickService } from './pick-service.ts';
import { hostPath, servicePortPath, type RegistryPort, type RegistryService } from './registry.ts';
import { at, cmp, describe, relatedOf } from './where.ts';

/** `entries`: the host's registry entries as written; `services`: what combineSameHost made of them. */
export function reportSameHost(entries: readonly RegistryService[], services: readonly RegistryService[], diagnostics: Diagnostic[]): void {
  for (const svc of services) for (const c of portConflicts(svc)) diagnostics.push(conflictDiagnostic(svc, c));
  if (services.length < 2) return;
  const views = viewsOf(entries);
  const winners = new Map(views.map((v) => [v, pickService(services, v)]));
  for (let i = 0; i < services.length; i++) {
    for (let k = i + 1; k < services.length; k++) {
      const a = services[i]!;
      const b = services[k]!;
      if (!overlap(a.visibility, b.visibility)) continue; // no proxy sees both
      const both = views.filter((v) => isVisible(a.visibility, v) && isVisible(b.visibility, v));
      for (const [self, peer] of [
        [a, b],
        [b, a],
      ] as const) {
        const wins = both.filter((v) => winners.get(v) === self);
        const losses = both.filter((v) => winners.get(v) === peer);
        if (wins.length === 0 && losses.length === 0) continue; // a third definition wins wherever both are seen
        diagnostics.push(duplicateDiagnostic(self, peer, { both, wins, losses }, services, entries));
      }
    }
  }
}

/** The views that see both definitions, and of those the ones that use `self` and the ones that use the other. */
interface Usage {
  readonly both: readonly (string | null)[];
  readonly wins: readonly (string | null)[];
  readonly losses: readonly (string | null)[];
}

function duplicateDiagnostic(self: RegistryService, peer: RegistryService, usage: Usage, services: readonly RegistryService[], entries: readonly RegistryService[]): Diagnostic {
  const { both, wins, losses } = usage;
  const reason = mergeBlocker(self, peer) ?? 'istiod does not merge them';
  let message = `host ${self.host} is defined by ${name(self)} and by ${name(peer)}, which Istio does not merge, as ${reason}: ${whoUses(both, wins, losses)}`;
  if (losses.length > 0) message += endpointNote(self, peer, entries);
  if (wins.length > 0 && losses.length > 0) message += clusterNote(self, peer, services);
  return diagnostic('ML4016', message, { ...at(self.origin, hostPath(self)), related: [relatedOf(peer.origin, hostPath(peer))] });
}

/**
 * Which sidecars use `self` (in `wins`) and which the other definition (in `losses`), of those
 * that see both (`both`); null: the default view, every other namespace.
 */
function whoUses(both: readonly (string | null)[], wins: readonly (string | null)[], losses: readonly (string | null)[]): string {
  const named = (views: readonly (string | null)[]) => namespaces(views.filter((v): v is string => v !== null));
  const who = both.includes(null) ? 'sidecars' : `sidecars in ${named(both)}, which see both,`;
  if (losses.length === 0) return `${who} use this one`;
  if (wins.length === 0) return `${who} use the other one, and this one is ignored${both.includes(null) ? '' : ' there'}`;
  if (wins.includes(null)) return `sidecars in ${named(losses)} use the other one, other sidecars this one`;
  if (losses.includes(null)) return `sidecars in ${named(wins)} use this one, other sidecars the other one`;
  return `sidecars in ${named(wins)} use this one, sidecars in ${named(losses)} the other one`;
}

/**
 * Where `self` loses to `peer` in its own namespace, its endpoints may still serve `peer`'s
 * ports (shared-endpoints.ts): said, with the ports, when they do.
 */
function endpointNote(self: RegistryService, peer: RegistryService, entries: readonly RegistryService[]): string {
  if (self.namespace !== peer.namespace) return '';
  const own = new Set<RegistryPort>();
  for (const e of originals(self, entries)) for (const p of e.ports) own.add(p);
  const served = peer.ports.filter((p) => p.endpointSources?.some((s) => own.has(s.port) && s.endpoints.length > 0)).map((p) => p.number);
  if (served.length === 0) return '';
  return `; its endpoints still serve the other one's port${served.length > 1 ? 's' : ''} ${served.join(', ')}, as istiod gathers a host's endpoints from every definition in the namespace`;
}

/**
 * meshlog's views share one cluster per host and port (registry forCluster): where sidecars of
 * different namespaces use different definitions, a port both define is built from the first.
 */
function clusterNote(self: RegistryService, peer: RegistryService, services: readonly RegistryService[]): string {
  const shared = self.ports.filter((p) => peer.ports.some((q) => q.number === p.number)).map((p) => p.number);
  if (shared.length === 0) return '';
  const builder = services.indexOf(self) < services.indexOf(peer) ? 'this one' : 'the other one';
  return `; meshlog's views share one cluster per host and port, so the cluster${shared.length > 1 ? 's' : ''} of port${shared.length > 1 ? 's' : ''} ${shared.join(', ')} follow${shared.length > 1 ? '' : 's'} ${builder} in every view`;
}

function conflictDiagnostic(svc: RegistryService, c: PortConflict): Diagnostic {
  const { kept, lost } = c;
  let message =
    `port ${c.number} of host ${svc.host} is defined here as ${portText(lost.port)} and by ${describe(kept.service.origin, servicePortPath(kept.service, c.number))} as ${portText(kept.port)}; ` +
    'Istio merges the two ServiceEntries and keeps the port of the older one (for meshlog, which has no creation times, the first by namespace and name), so this definition is not used';
  // Its endpoints still follow their own entry's port (shared-endpoints.ts): by name for EDS, by number for DNS.
  if (svc.resolution === 'static' && lost.port.name !== kept.port.name) {
    message += `, and its endpoints do not serve port ${c.number}: an EDS cluster takes the endpoints whose port name is the kept one's ("${kept.port.name}")`;
  } else if (svc.resolution !== 'none' && lost.service.endpoints.length > 0) {
    message += `; its endpoints still serve port ${c.number}, through this definition's port mapping`;
  }
  return diagnostic('ML4042', message, {
    ...at(lost.service.origin, servicePortPath(lost.service, c.number)),
    related: [relatedOf(kept.service.origin, servicePortPath(kept.service, c.number))],
  });
}

function portText(p: RegistryPort): string {
  return `${p.name === '' ? '(no name)' : `"${p.name}"`} ${p.protocol}${p.targetPort !== undefined ? ` targetPort ${p.targetPort}` : ''}`;
}

/** `Kind ns/name (file:line)`, as describe() writes it, naming the ServiceEntries merged into it: `(file:line; merged with ns/b)`. */
function name(s: RegistryService): string {
  const others = (s.merged ?? []).slice(1).map((m) => `${m.namespace}/${m.origin.metadata.name}`);
  const text = describe(s.origin, hostPath(s));
  return others.length === 0 ? text : `${text.slice(0, -1)}; merged with ${others.join(', ')})`;
}

/** The registry entries a combined service was made of. */
function originals(s: RegistryService, entries: readonly RegistryService[]): readonly RegistryService[] {
  return s.merged ?? entries.filter((e) => e.origin === s.origin);
}

/** The views whose choice can differ: every namespace the entries live in or are exported to, and the default view (null). */
function viewsOf(entries: readonly RegistryService[]): (string | null)[] {
  const out = new Set<string>();
  for (const e of entries) {
    out.add(e.namespace);
    if (!e.visibility.all) for (const ns of e.visibility.namespaces) out.add(ns);
  }
  return [null, ...[...out].sort(cmp)];
}

function namespaces(list: readonly string[]): string {
  return list.length === 1 ? `namespace ${list[0]}` : `namespaces ${list.join(', ')}`;
}

function overlap(a: Visibility, b: Visibility): boolean {
  if (a.all || b.all) return true;
  for (const ns of a.namespaces) if (b.namespaces.has(ns)) return true;
  return false;
}
