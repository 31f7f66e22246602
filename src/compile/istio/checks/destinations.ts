// Route and mirror destinations against the registry and DestinationRules:
// host known (ML4001), port needed / valid (ML4002 / ML4003), subset defined (ML4004);
// plus what meshlog cannot compile faithfully in a rule (ML4013 two weighted entries for
// one destination with different header operations, ML4014 sourceLabels and tcp destinationSubnets), hosts a mesh VirtualService or a
// DestinationRule names that no service defines (ML4017 / ML4001), and DestinationRules
// narrowed to some clients, which meshlog applies to all (ML4019).
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Destination, HttpRoute, TcpRoute, TlsRoute } from '../../schema/index.ts';
import { MESH, uncompiledCondition, vsGateways, type LoadedVs, type ScopeConditions } from '../from-virtual-service.ts';
import { destinationHost, destinationPort } from '../route-action.ts';
import { audienceDefinitions, definitionName } from '../audience.ts';
import type { RegistryService } from '../registry.ts';
import { hostCovers, isWildcard } from '../hosts.ts';
import { hostHint, wildcardHint } from './host-hint.ts';
import { isHttpProtocol } from '../protocols.ts';
import { at, ruleRef, type Path } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkDestinations(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) {
    const rules = vs.spec.http ?? [];
    for (let i = 0; i < rules.length; i++) checkRule(vs, rules[i]!, i, ctx);
    const tcp = vs.spec.tcp;
    if (tcp) for (let i = 0; i < tcp.length; i++) checkTcpRule(vs, 'tcp', tcp[i]!, i, ctx);
    const tls = vs.spec.tls;
    if (tls) for (let i = 0; i < tls.length; i++) checkTcpRule(vs, 'tls', tls[i]!, i, ctx);
    if (vsGateways(vs).includes(MESH)) checkMeshHosts(vs, ctx);
  }
  checkDestinationRuleHosts(ctx);
}

/** A tcp or tls rule: its destinations, and the match conditions meshlog leaves out (ML4014). */
function checkTcpRule(vs: LoadedVs, section: 'tcp' | 'tls', rule: TcpRoute | TlsRoute, i: number, ctx: CheckContext): void {
  const routes = rule.route ?? [];
  for (let k = 0; k < routes.length; k++) checkDestination(vs, routes[k]!.destination, { section, i, field: 'route', k }, ctx);
  reportLeftOutEntries(vs, section, i, `spec.${section}[${i}]`, rule.match ?? [], ctx);
}

/**
 * ML4014 for each match entry of rule `i` with a condition meshlog cannot compile (the entry
 * never applies); when every entry has one, the rule is gone, which the message says: it is a
 * much bigger change.
 */
function reportLeftOutEntries(vs: LoadedVs, section: 'http' | 'tcp' | 'tls', i: number, ruleLabel: string, matches: readonly ScopeConditions[], ctx: CheckContext): void {
  const conditionOf = section === 'http' ? httpUncompiledCondition : uncompiledCondition; // module-level: no closure per rule
  // Runs for every rule of every VirtualService, and nearly always finds nothing: look before allocating.
  if (!matches.some((m) => conditionOf(m) !== undefined)) return;
  const leftOut = matches.map(conditionOf);
  const wholeRule = leftOut.every((c) => c !== undefined);
  for (let j = 0; j < matches.length; j++) {
    const condition = leftOut[j];
    if (!condition) continue;
    const what = wholeRule ? `this match entry is left out, and with it the whole rule ${ruleLabel} (every entry of it is left out)` : 'this match entry is left out';
    const why =
      condition === 'sourceLabels'
        ? 'sourceLabels cannot be compiled into per-namespace/per-gateway views'
        : "destinationSubnets cannot be compiled: sidecar listeners are per port, without the services' addresses";
    ctx.diagnostics.push(diagnostic('ML4014', `${why}; ${what}`, at(vs, ['spec', section, i, 'match', j, condition])));
  }
}

/** An http entry with gateways ignores its sourceLabels (httpScope): nothing of it is left out. */
function httpUncompiledCondition(m: ScopeConditions): ReturnType<typeof uncompiledCondition> {
  return m.gateways?.length ? undefined : uncompiledCondition(m);
}

function checkRule(vs: LoadedVs, rule: HttpRoute, i: number, ctx: CheckContext): void {
  const routes = rule.route ?? [];
  let firstTo: { host: string; port: number; subset: string; k: number }[] | undefined; // first route entry per destination (a few: scanned)
  for (let k = 0; k < routes.length; k++) {
    const r = routes[k]!;
    const d = r.destination;
    const host = checkDestination(vs, d, { section: 'http', i, field: 'route', k }, ctx);
    if (routes.length < 2 || (r.weight ?? 0) <= 0) continue;
    const port = destinationPort(vs, d, host, 0, ctx.registry);
    const subset = d.subset ?? '';
    const first = (firstTo ??= []).find((f) => f.host === host && f.port === port && f.subset === subset)?.k;
    if (first === undefined) {
      firstTo.push({ host, port, subset, k });
      continue;
    }
    // Same cluster twice: the weights add up in one weighted cluster, which can carry one set of header operations.
    if (JSON.stringify(r.headers ?? null) !== JSON.stringify(routes[first]?.headers ?? null)) {
      ctx.diagnostics.push(
        diagnostic(
          'ML4013',
          `route ${k} sends to the same destination as route ${first} (line ${vs.locate(['spec', 'http', i, 'route', first]).line}) with other header operations; their weights are added up and only route ${first}'s header operations apply`,
          at(vs, ['spec', 'http', i, 'route', k, r.headers ? 'headers' : 'destination']),
        ),
      );
    }
  }
  if (rule.mirror) checkDestination(vs, rule.mirror, { section: 'http', i, field: 'mirror', k: 0 }, ctx);
  const mirrors = rule.mirrors ?? [];
  for (let k = 0; k < mirrors.length; k++) checkDestination(vs, mirrors[k]!.destination, { section: 'http', i, field: 'mirrors', k }, ctx);
  reportLeftOutEntries(vs, 'http', i, ruleRef(rule, i), rule.match ?? [], ctx);
}

/** Where a destination is written: `spec.http[i].route[k].destination`, `.mirror`, `.mirrors[k].destination`, or `spec.tcp[i].route[k].destination`. */
interface DestinationPlace {
  readonly section: 'http' | 'tcp' | 'tls';
  readonly i: number;
  readonly field: 'route' | 'mirror' | 'mirrors';
  readonly k: number;
}

/** The path is built only for a diagnostic: most destinations are fine, and paths are garbage. */
function pathOf(p: DestinationPlace): Path {
  return p.field === 'mirror' ? ['spec', p.section, p.i, 'mirror'] : ['spec', p.section, p.i, p.field, p.k, 'destination'];
}

/** Reports what is wrong with one destination; returns its host, resolved. */
function checkDestination(vs: LoadedVs, dest: Destination, place: DestinationPlace, ctx: CheckContext): string {
  const host = destinationHost(vs, dest, ctx.settings, ctx.registry);
  const svc = ctx.registry.lookupAny(host);
  if (!svc) {
    const dropped = ctx.dropped?.definingHost(host);
    if (dropped) {
      ctx.dropped!.note(vs, [...pathOf(place), 'host'], `destination host ${host}`, dropped);
      return host;
    }
    ctx.diagnostics.push(
      diagnostic(
        'ML4001',
        `destination host ${host} is not defined by any Service or ServiceEntry in the repository${unknownHostTail(dest.host, vs.metadata.namespace, ctx, host)}`,
        at(vs, [...pathOf(place), 'host']),
        unknownHostSeverity(ctx),
      ),
    );
    // Services may come from discovery at run time, but subsets only from DestinationRules,
    // which are all here: an undefined one fails every request, whatever the host.
    checkSubset(vs, dest, host, pathOf(place), ctx);
    return host;
  }
  // The definitions the sidecars receiving `vs` use (audience.ts): just `svc` unless the host has
  // several unmerged ones. A port is judged against all of them, reported against the first
  // (the one `vs`'s own namespace uses).
  const defs = audienceDefinitions(ctx.registry, host, vs.metadata.namespace, vs.spec.exportTo);
  const own = defs[0] ?? svc;
  if (defs.length > 1 && dest.port?.number === undefined) reportLonePorts(vs, host, defs, pathOf(place), ctx);
  if (isPlain(own.ports, host, dest, ctx)) return host;
  const path = pathOf(place);
  const ports = own.ports.map((p) => p.number);
  if (dest.port?.number !== undefined) {
    const n = dest.port.number;
    if (!defs.some((d) => hasPort(d.ports, n))) {
      ctx.diagnostics.push(diagnostic('ML4003', `port ${n} is not a port of ${host} (${portsOf(defs)})`, at(vs, [...path, 'port', 'number'])));
    }
  } else if (ports.length > 1) {
    const missing = portsNotFound(vs, place.section, ports, ctx);
    if (missing === undefined || missing.length > 0) {
      const why = missing === undefined ? '' : `, and not ${missing.join(', ')}, where this VirtualService takes requests`;
      ctx.diagnostics.push(diagnostic('ML4002', `${host} has several ports (${ports.join(', ')})${why}; say which one with destination.port.number`, at(vs, path)));
    }
  }
  checkSubset(vs, dest, host, path, ctx);
  return host;
}

/** `ports: 80, 443`; with several definitions, each one's ports and name. */
function portsOf(defs: readonly RegistryService[]): string {
  const list = (d: RegistryService) => d.ports.map((p) => p.number).join(', ') || 'none';
  if (defs.length === 1) return `ports: ${list(defs[0]!)}`;
  return `ports of the definitions the sidecars receiving this VirtualService use: ${defs.map((d) => `${list(d)} in ${definitionName(d)}`).join('; ')}`;
}

/**
 * ML4043 when the definitions of a port-less destination's host that receivers of `vs` use
 * disagree on the port it means (its only port, else the request's: route-action.ts
 * destinationPort). istiod resolves it per sidecar; meshlog's routes, shared by views, take the
 * first definition's (the one `vs`'s own namespace uses).
 */
function reportLonePorts(vs: LoadedVs, host: string, defs: readonly RegistryService[], path: Path, ctx: CheckContext): void {
  const meant = (d: RegistryService) => (d.ports.length === 1 ? `port ${d.ports[0]!.number}` : "the request's port");
  const used = meant(defs[0]!);
  const others = defs.slice(1).filter((d) => meant(d) !== used);
  if (others.length === 0) return;
  const theirs = others.map((d) => `sidecars using ${definitionName(d)} to ${meant(d)}`).join(', ');
  ctx.diagnostics.push(
    diagnostic(
      'ML4043',
      `destination ${host} has no port, and the sidecars receiving this VirtualService use definitions of it that disagree on the port: meshlog's routes, shared by those sidecars, go to ${used} (per ${definitionName(defs[0]!)}), where istiod would send ${theirs}; set destination.port.number`,
      at(vs, path),
    ),
  );
}

/** ML4004 when the destination names a subset no DestinationRule for its host defines. */
function checkSubset(vs: LoadedVs, dest: Destination, host: string, path: Path, ctx: CheckContext): void {
  if (dest.subset === undefined) return;
  const entry = ctx.drs.forHost(host);
  const defined = entry?.subsets.some((s) => s.name === dest.subset) ?? false;
  const dropped = defined ? undefined : ctx.dropped?.ruleFor(host);
  if (dropped) {
    ctx.dropped!.note(vs, [...path, 'subset'], `subset "${dest.subset}" of ${host}`, dropped);
  } else if (!defined) {
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

/** Nothing to report: the port is one of the host's (or its only one), the subset (if any) is defined. */
function isPlain(ports: readonly { number: number }[], host: string, dest: Destination, ctx: CheckContext): boolean {
  const n = dest.port?.number;
  if (n !== undefined ? !hasPort(ports, n) : ports.length > 1) return false;
  return dest.subset === undefined || hasSubset(ctx.drs.forHost(host)?.subsets, dest.subset);
}

function hasPort(ports: readonly { number: number }[], n: number): boolean {
  for (const p of ports) if (p.number === n) return true;
  return false;
}

function hasSubset(subsets: readonly { name: string }[] | undefined, name: string): boolean {
  if (subsets) for (const s of subsets) if (s.name === name) return true;
  return false;
}

/**
 * For a destination without a port, as Istio routes it for sidecars: the request's own port is
 * the destination's. So the ports this section of the VirtualService takes requests on (its
 * hosts' HTTP ports for http rules, their other ports for tcp and tls rules) that the
 * destination lacks: [] when it has them all; undefined when they cannot be known (a host
 * outside the registry) or do not apply (a gateway the VirtualService binds: there, Istio too
 * wants the port said).
 */
function portsNotFound(vs: LoadedVs, section: 'http' | 'tcp' | 'tls', destinationPorts: readonly number[], ctx: CheckContext): number[] | undefined {
  if (!vsGateways(vs).every((g) => g === MESH)) return undefined;
  const hosts = vs.spec.hosts ?? [];
  if (hosts.length === 0) return undefined;
  const missing: number[] = [];
  for (const h of hosts) {
    // Ports of the definition the VirtualService's own namespace uses, as for the destination.
    const own = audienceDefinitions(ctx.registry, ctx.registry.resolve(h, vs.metadata.namespace), vs.metadata.namespace, vs.spec.exportTo)[0];
    if (!own) return undefined;
    for (const p of own.ports) {
      if (isHttpProtocol(p.protocol) !== (section === 'http')) continue;
      if (!destinationPorts.includes(p.number) && !missing.includes(p.number)) missing.push(p.number);
    }
  }
  return missing.sort((a, b) => a - b);
}

/**
 * ML4001 and ML4017 are warnings unless MeshConfig sets strictHosts: a host may come from
 * Kubernetes discovery at run time. A repository that lists every host asks for errors, so a
 * misspelt host fails validation instead of silently leaving a VirtualService unused.
 */
function unknownHostSeverity(ctx: CheckContext): 'error' | undefined {
  return ctx.settings.strictHosts ? 'error' : undefined;
}

/**
 * What ML4001 and ML4017 add after "host X is not in the registry": who made it an error
 * (strictHosts), and the known host it was likely meant to be (host-hint.ts). `written` is
 * the host as the resource writes it, `namespace` the resource's; `resolved`, the host resolved
 * (a route's or mirror's destination, or with `use: 'virtual-service'` the VirtualService's own
 * host), is also compared with the registry's wildcard hosts.
 */
function unknownHostTail(written: string, namespace: string, ctx: CheckContext, resolved?: string, use?: 'destination' | 'virtual-service'): string {
  const strict = ctx.settings.strictHosts ? ` (an error because strictHosts is true in ${ctx.resources.meshConfig?.file ?? 'MeshConfig'})` : '';
  const domain = ctx.settings.ir.clusterDomain;
  const wildcard = resolved === undefined ? '' : wildcardHint(resolved, ctx.registry, domain, use);
  return strict + (wildcard || hostHint(written, namespace, ctx.registry, domain));
}

/**
 * ML4017 for each host of a sidecar-only VirtualService that no service defines: sidecars have
 * no virtual host for it, so its rules apply nowhere. A VirtualService that also binds a
 * Gateway is left alone: the host may be one only that gateway serves (`bookinfo.example.com`),
 * which needs no Service (and a gateway-only VirtualService is not checked here at all).
 */
function checkMeshHosts(vs: LoadedVs, ctx: CheckContext): void {
  const hosts = vs.spec.hosts ?? [];
  for (let i = 0; i < hosts.length; i++) {
    const host = ctx.registry.resolve(hosts[i]!, vs.metadata.namespace);
    const known = isWildcard(host) ? ctx.registry.services.some((s) => hostCovers(host, s.host)) : ctx.registry.has(host);
    if (known) continue;
    // A host only a gateway serves (`bookinfo.example.com`) is normal when the VS also binds a gateway.
    if ((vs.spec.gateways ?? []).some((g) => g !== MESH)) continue;
    const dropped = ctx.dropped?.definingHost(host);
    if (dropped) {
      ctx.dropped!.note(vs, ['spec', 'hosts', i], `host ${host}`, dropped);
      continue;
    }
    ctx.diagnostics.push(
      diagnostic(
        'ML4017',
        `host ${host} has no Service or ServiceEntry, so sidecars ignore this VirtualService for it${unknownHostTail(hosts[i]!, vs.metadata.namespace, ctx, host, 'virtual-service')}`,
        at(vs, ['spec', 'hosts', i]),
        unknownHostSeverity(ctx),
      ),
    );
  }
}

function checkDestinationRuleHosts(ctx: CheckContext): void {
  for (const dr of ctx.resources.destinationRules) {
    const selector = dr.spec.workloadSelector?.matchLabels;
    const exportTo = dr.spec.exportTo;
    const narrowed = selector && Object.keys(selector).length > 0 ? 'workloadSelector' : exportTo && exportTo.length > 0 && !exportTo.includes('*') ? 'exportTo' : undefined;
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
    const dropped = ctx.dropped?.definingHost(entry.host);
    for (const dr of entry.rules) {
      if (dropped) {
        ctx.dropped!.note(dr, ['spec', 'host'], `host ${entry.host}`, dropped);
        continue;
      }
      ctx.diagnostics.push(
        diagnostic(
          'ML4001',
          `DestinationRule host ${entry.host} is not defined by any Service or ServiceEntry in the repository${unknownHostTail(dr.spec.host, dr.metadata.namespace, ctx)}`,
          at(dr, ['spec', 'host']),
          unknownHostSeverity(ctx),
        ),
      );
    }
  }
}
