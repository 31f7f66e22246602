// Route and mirror destinations against the registry and DestinationRules:
// host known (ML4001), port needed / valid (ML4002 / ML4003), subset defined (ML4004);
// plus what meshlog cannot compile faithfully in a rule (ML4013 two weighted entries for
// one destination with different header operations, ML4014 sourceLabels), hosts a mesh VirtualService or a
// DestinationRule names that no service defines (ML4017 / ML4001), and DestinationRules
// narrowed to some clients, which meshlog applies to all (ML4019).
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Destination } from '../../schema/index.ts';
import { destinationHost, destinationPort, MESH, vsGateways, type LoadedVs } from '../from-virtual-service.ts';
import { hostCovers, isWildcard } from '../hosts.ts';
import { at, type Path } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkDestinations(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) {
    (vs.spec.http ?? []).forEach((rule, i) => {
      const base: Path = ['spec', 'http', i];
      const firstTo = new Map<string, number>(); // destination → first route entry sending there
      (rule.route ?? []).forEach((r, k) => {
        checkDestination(vs, r.destination, () => [...base, 'route', k, 'destination'], ctx);
        if ((rule.route?.length ?? 0) < 2 || (r.weight ?? 0) <= 0) return;
        const d = r.destination;
        const host = destinationHost(vs, d, ctx.settings, ctx.registry);
        const key = `${host}|${destinationPort(d, host, 0, ctx.registry)}|${d.subset ?? ''}`;
        const first = firstTo.get(key);
        if (first === undefined) {
          firstTo.set(key, k);
          return;
        }
        // Same cluster twice: the weights add up in one weighted cluster, which can carry one set of header operations.
        if (JSON.stringify(r.headers ?? null) !== JSON.stringify(rule.route?.[first]?.headers ?? null)) {
          ctx.diagnostics.push(
            diagnostic(
              'ML4013',
              `route ${k} sends to the same destination as route ${first} (line ${vs.locate([...base, 'route', first]).line}) with other header operations; their weights are added up and only route ${first}'s header operations apply`,
              at(vs, [...base, 'route', k, r.headers ? 'headers' : 'destination']),
            ),
          );
        }
      });
      if (rule.mirror) checkDestination(vs, rule.mirror, () => [...base, 'mirror'], ctx);
      (rule.mirrors ?? []).forEach((m, k) => checkDestination(vs, m.destination, () => [...base, 'mirrors', k, 'destination'], ctx));
      (rule.match ?? []).forEach((m, j) => {
        if (m.sourceLabels && Object.keys(m.sourceLabels).length > 0) {
          ctx.diagnostics.push(
            diagnostic('ML4014', 'sourceLabels cannot be compiled into per-namespace/per-gateway views; this match entry is left out', at(vs, [...base, 'match', j, 'sourceLabels'])),
          );
        }
      });
    });
    if (vsGateways(vs).includes(MESH)) checkMeshHosts(vs, ctx);
  }
  checkDestinationRuleHosts(ctx);
}

/** `pathOf` is called only for a diagnostic: most destinations are fine, and paths are garbage. */
function checkDestination(vs: LoadedVs, dest: Destination, pathOf: () => Path, ctx: CheckContext): void {
  const host = destinationHost(vs, dest, ctx.settings, ctx.registry);
  const svc = ctx.registry.lookupAny(host);
  if (!svc) {
    ctx.diagnostics.push(
      diagnostic(
        'ML4001',
        `destination host ${host} is not defined by any Service or ServiceEntry in the repository`,
        at(vs, [...pathOf(), 'host']),
        ctx.settings.strictHosts ? 'error' : undefined,
      ),
    );
    return;
  }
  if (isPlain(svc.ports, host, dest, ctx)) return;
  const path = pathOf();
  const ports = svc.ports.map((p) => p.number);
  if (dest.port?.number !== undefined) {
    if (!ports.includes(dest.port.number)) {
      ctx.diagnostics.push(
        diagnostic('ML4003', `port ${dest.port.number} is not a port of ${host} (ports: ${ports.join(', ') || 'none'})`, at(vs, [...path, 'port', 'number'])),
      );
    }
  } else if (ports.length > 1 && !samePortImplied(vs, host, ctx)) {
    ctx.diagnostics.push(
      diagnostic('ML4002', `${host} has several ports (${ports.join(', ')}); say which one with destination.port.number`, at(vs, path)),
    );
  }
  if (dest.subset !== undefined) {
    const entry = ctx.drs.forHost(host);
    if (!entry?.subsets.some((s) => s.name === dest.subset)) {
      const known = entry?.subsets.map((s) => s.name).join(', ');
      ctx.diagnostics.push(
        diagnostic(
          'ML4004',
          entry
            ? `subset "${dest.subset}" is not defined for ${host} (defined: ${known || 'none'})`
            : `subset "${dest.subset}" of ${host}: no DestinationRule defines subsets for this host`,
          at(vs, [...path, 'subset']),
        ),
      );
    }
  }
}

/** Nothing to report: the port is one of the host's (or its only one), the subset (if any) is defined. */
function isPlain(ports: readonly { number: number }[], host: string, dest: Destination, ctx: CheckContext): boolean {
  const n = dest.port?.number;
  if (n !== undefined ? !ports.some((p) => p.number === n) : ports.length > 1) return false;
  return dest.subset === undefined || (ctx.drs.forHost(host)?.subsets.some((s) => s.name === dest.subset) ?? false);
}

/**
 * On sidecars Istio takes the port the request came in on when a destination names none.
 * For a sidecar-only VirtualService routing to one of its own hosts that is always a port of
 * the destination, so there is nothing to choose; elsewhere (gateways, other hosts) the
 * port must be said.
 */
function samePortImplied(vs: LoadedVs, host: string, ctx: CheckContext): boolean {
  const sidecarOnly = vsGateways(vs).every((g) => g === MESH);
  return sidecarOnly && (vs.spec.hosts ?? []).some((h) => ctx.registry.resolve(h, vs.metadata.namespace) === host);
}

function checkMeshHosts(vs: LoadedVs, ctx: CheckContext): void {
  (vs.spec.hosts ?? []).forEach((raw, i) => {
    const host = ctx.registry.resolve(raw, vs.metadata.namespace);
    const known = isWildcard(host) ? ctx.registry.services.some((s) => hostCovers(host, s.host)) : ctx.registry.has(host);
    if (known) return;
    // A host only a gateway serves (`bookinfo.example.com`) is normal when the VS also binds a gateway.
    if ((vs.spec.gateways ?? []).some((g) => g !== MESH)) return;
    ctx.diagnostics.push(
      diagnostic('ML4017', `host ${host} has no Service or ServiceEntry, so sidecars ignore this VirtualService for it`, at(vs, ['spec', 'hosts', i])),
    );
  });
}

function checkDestinationRuleHosts(ctx: CheckContext): void {
  for (const dr of ctx.resources.destinationRules) {
    const selector = dr.spec.workloadSelector?.matchLabels;
    const narrowed = selector && Object.keys(selector).length > 0 ? 'workloadSelector' : (dr.spec.exportTo ?? []).length > 0 && !(dr.spec.exportTo ?? []).includes('*') ? 'exportTo' : undefined;
    if (!narrowed) continue;
    ctx.diagnostics.push(
      diagnostic('ML4019', `${narrowed} of a DestinationRule is not supported: its traffic policy applies to every client of ${dr.spec.host}`, at(dr, ['spec', narrowed])),
    );
  }
  for (const entry of ctx.drs.entries) {
    const known = isWildcard(entry.host)
      ? ctx.registry.services.some((s) => hostCovers(entry.host, s.host))
      : ctx.registry.has(entry.host);
    if (known) continue;
    for (const dr of entry.rules) {
      ctx.diagnostics.push(
        diagnostic(
          'ML4001',
          `DestinationRule host ${entry.host} is not defined by any Service or ServiceEntry in the repository`,
          at(dr, ['spec', 'host']),
          ctx.settings.strictHosts ? 'error' : undefined,
        ),
      );
    }
  }
}
