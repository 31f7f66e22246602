// Sidecar listeners for service ports that are not HTTP (TCP, TLS, HTTPS, Mongo, Redis, MySQL):
// a connection there carries no Host header to route by, so it is proxied whole (Envoy
// tcp_proxy) to where the service's VirtualService tcp rules send it, else to the service.
//
// meshlog's sidecar listeners are one per port (`<bind>_<port>`), not one per service address
// as Istio's are, so services sharing a port are told apart only by what the connection
// carries: TLS and HTTPS services by the SNI name the client sends (a filter chain each, which
// can sit beside an HTTP port's connection manager; a VirtualService's tls rules add chains for
// the SNI names they match), a TCP service not at all. A port two TCP
// services share in a view, or one that view serves as HTTP, gets no chain for them: guessing
// would send one team's connections to another's service. Those conflicts are reported once
// each, naming the views (ML4030). So are chains that could only pass connections through to
// the address the client dialled (resolution NONE), which a listener bound to the port does
// not know (ML4032): they are left out too, and such connections are closed.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrListener, IrTcpChain, IrVirtualHost } from '../ir/types.ts';
import type { ClusterCollector } from './cluster-catalog.ts';
import { exact } from './exact.ts';
import { matchApplies, type LoadedVs, type RouteContext, type Scope } from './from-virtual-service.ts';
import { sidecarDomains } from './hosts.ts';
import { defaultRouteName, listenerName } from './names.ts';
import { isSniProtocol, isTcpProxied } from './protocols.ts';
import { servicePortAt, type RegistryService } from './registry.ts';
import { weightedClusters } from './route-action.ts';
import type { SidecarShared, VsIndex } from './sidecar-plan.ts';
import { at, cmp, sourceOf } from './where.ts';

/** A TCP service's port that some views could not give it: another TCP service has it there, or HTTP. */
export interface TcpConflict {
  readonly service: RegistryService;
  readonly port: number;
  /** Other TCP services on the port, in any of the views. */
  readonly others: Set<string>;
  /** Hosts the port is HTTP for, in any of the views (empty: only TCP services clash). */
  readonly httpHosts: Set<string>;
  readonly views: string[];
}

export interface SidecarTcp {
  /** Listeners of ports that are not HTTP in the view. */
  readonly listeners: IrListener[];
  /** By HTTP port: the chains of TLS and HTTPS services that share it, picked by SNI before HTTP. */
  readonly sniOnHttp: ReadonlyMap<number, IrTcpChain[]>;
  /** Whether any of the view's services has a port proxied as TCP (listener, chain or conflict). */
  readonly anyTcpPort: boolean;
}

/**
 * The TCP side of one sidecar view: `services` are the view's (one per host, by host),
 * `httpPorts` its HTTP ports with their virtual hosts. Clusters the chains send to join `clusters`.
 */
export function sidecarTcp(
  services: readonly RegistryService[],
  httpPorts: ReadonlyMap<number, readonly IrVirtualHost[]>,
  index: VsIndex,
  scope: Scope & { readonly kind: 'mesh' },
  viewName: string,
  shared: SidecarShared,
  clusters: ClusterCollector,
): SidecarTcp {
  const byPort = new Map<number, { sni: RegistryService[]; plain: RegistryService[] }>();
  for (const svc of services) {
    for (const p of svc.ports) {
      if (!isTcpProxied(p.protocol)) continue;
      let slot = byPort.get(p.number);
      if (!slot) byPort.set(p.number, (slot = { sni: [], plain: [] }));
      (isSniProtocol(p.protocol) ? slot.sni : slot.plain).push(svc);
    }
  }
  const address = shared.ctx.settings.ir.bindAddress;
  const listeners: IrListener[] = [];
  const sniOnHttp = new Map<number, IrTcpChain[]>();
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const { sni, plain } = byPort.get(port)!;
    const http = httpPorts.get(port);
    const chains = sniChains(sni, port, index, scope, shared, clusters);
    if (plain.length > 0 && (http || plain.length > 1)) {
      noteConflict(shared, port, plain, http, viewName);
    } else if (plain.length === 1) {
      const chain = chainFor(plain[0]!, port, [], index, scope, shared, clusters);
      if (chain) chains.push(chain);
    }
    if (chains.length === 0) continue;
    if (http) sniOnHttp.set(port, chains);
    else listeners.push({ name: listenerName(address, port), address, port, routeTableName: '', statPrefix: `outbound_${port}`, tcp: chains });
  }
  return { listeners, sniOnHttp, anyTcpPort: byPort.size > 0 };
}

/** ML4030 for every TCP service port some views could not give it, once, naming the views and what it clashed with there. */
export function reportTcpConflicts(shared: SidecarShared): void {
  for (const c of shared.tcpConflicts.values()) {
    const views = `sidecar view${c.views.length > 1 ? 's' : ''} ${c.views.join(', ')}`;
    const clashes = [
      ...(c.others.size > 0 ? [`TCP service${c.others.size > 1 ? 's' : ''} ${listHosts([...c.others])}`] : []),
      ...(c.httpHosts.size > 0 ? [`HTTP service${c.httpHosts.size > 1 ? 's' : ''} ${listHosts([...c.httpHosts])}`] : []),
    ].join(' and ');
    const outcome =
      c.httpHosts.size === 0 ? 'closed' : c.others.size === 0 ? 'read as HTTP requests' : 'read as HTTP requests where the port is HTTP, and closed elsewhere';
    const message =
      `${c.service.host} port ${c.port} (${protocolOf(c.service, c.port)}) shares the port with ${clashes} in ${views}; sidecar listeners are per port, ` +
      `not per service address, so it gets no chain there and its connections are ${outcome}. Give it a port of its own, or narrow who sees it with exportTo`;
    shared.diagnostics.push(diagnostic('ML4030', message, servicePortAt(c.service, c.port)));
  }
}

/** Records that `services` get no chain for `port` in `viewName`, for sharing it with each other or with `httpHosts`. */
function noteConflict(shared: SidecarShared, port: number, services: readonly RegistryService[], httpHosts: readonly IrVirtualHost[] | undefined, viewName: string): void {
  for (const service of services) {
    const key = `${service.host}|${port}`;
    let c = shared.tcpConflicts.get(key);
    if (!c) shared.tcpConflicts.set(key, (c = { service, port, others: new Set(), httpHosts: new Set(), views: [] }));
    for (const o of services) if (o !== service) c.others.add(o.host);
    for (const vh of httpHosts ?? []) c.httpHosts.add(vh.name.slice(0, vh.name.lastIndexOf(':'))); // `<host>:<port>`
    if (!c.views.includes(viewName)) c.views.push(viewName);
  }
}

/**
 * A chain per TLS or HTTPS service, answering the names a client may connect to it by (as an
 * HTTP virtual host's domains, without the absolute FQDN). A name an earlier service (by host) already
 * answers stays with that one: Envoy refuses a listener whose chains share a name.
 */
function sniChains(sni: readonly RegistryService[], port: number, index: VsIndex, scope: Scope & { readonly kind: 'mesh' }, shared: SidecarShared, clusters: ClusterCollector): IrTcpChain[] {
  const taken = new Set<string>();
  const chains: IrTcpChain[] = [];
  // tls rules first, of every VirtualService covering a host: each applying entry takes its SNI
  // names. The exact hosts' VirtualServices, for every service, before any wildcard's, so that
  // which rule gets a name does not depend on how the services happen to sort. As in Istio, a
  // service whose port any tls rule applies to gets no chain of its own: names no rule takes
  // are closed, rather than sent around the rules.
  const ruled = new Set<RegistryService>();
  for (const wildcard of [false, true]) {
    for (const svc of sni) {
      const exactVs = index.exactFor(svc.host);
      for (const vs of wildcard ? index.wildcardsFor(svc.host) : exactVs ? [exactVs] : []) {
        if (!vs.spec.tls) continue;
        const found = tlsRuleChains(vs, svc, port, scope, taken, shared, clusters);
        if (found.applied) ruled.add(svc);
        chains.push(...found.chains);
      }
    }
  }
  for (const svc of sni) {
    if (ruled.has(svc)) continue;
    // SNI names carry no trailing dot (RFC 6066): the absolute-FQDN domain is for Host headers only.
    const names = sidecarDomains(svc.host, shared.ctx.settings.ir.clusterDomain, scope.viewNamespace).filter((d) => !d.endsWith('.') && !taken.has(d));
    if (names.length === 0) continue;
    const chain = chainFor(svc, port, names, index, scope, shared, clusters);
    if (!chain) continue;
    for (const n of names) taken.add(n);
    chains.push(chain);
  }
  return chains;
}

/**
 * A chain per applying match entry of `vs`'s tls rules, in rule order, for the SNI names no
 * earlier chain of the port answers (Envoy refuses a listener whose chains share a name);
 * `applied`: some entry applies. A rule sending to a resolution NONE host gets no chain, and
 * its names stay closed (ML4032, on the rule).
 */
function tlsRuleChains(vs: LoadedVs, svc: RegistryService, port: number, scope: Scope, taken: Set<string>, shared: SidecarShared, clusters: ClusterCollector): { chains: IrTcpChain[]; applied: boolean } {
  const chains: IrTcpChain[] = [];
  let applied = false;
  const rules = vs.spec.tls ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    for (const m of rule.match) {
      if (!matchApplies(vs, m, scope, port)) continue;
      applied = true;
      const names = [...new Set(m.sniHosts.map((h) => h.toLowerCase()))].filter((n) => !taken.has(n)).sort(cmp);
      if (names.length === 0) continue;
      const ids: number[] = [];
      const destinations = weightedClusters(vs, rule.route ?? [], port, shared.ctx, ids, (_, cluster, weight) => ({ cluster, weight }));
      if (destinations.length === 0) continue; // invalid (ML3002/ML3004): not compiled anyway
      for (const n of names) taken.add(n);
      const passthrough = passthroughHost(ids, shared.ctx);
      if (passthrough !== undefined) {
        const key = `ML4032|${vs.metadata.namespace}/${vs.metadata.name}|tls|${i}`;
        if (!shared.reported.has(key)) {
          shared.reported.add(key);
          shared.diagnostics.push(
            diagnostic('ML4032', `spec.tls[${i}] gets no filter chain on sidecars: it sends connections to ${passthrough}, which has resolution NONE, and a listener bound to the port does not know the address the client dialled, so the connections it matches are closed. Use resolution DNS, or STATIC with endpoints`, at(vs, ['spec', 'tls', i])),
          );
        }
        continue;
      }
      clusters.addAll(ids);
      const { namespace, name } = vs.metadata;
      chains.push({ host: svc.host, serverNames: names, name: ['vs', namespace, name, 'tls', i].join('/'), destinations: exact(destinations), source: sourceOf(vs, ['spec', 'tls', i]) });
    }
  }
  return { chains, applied };
}

/** The chain for `svc`'s port, or none when it could only pass connections through (ML4032). */
function chainFor(
  svc: RegistryService,
  port: number,
  serverNames: string[],
  index: VsIndex,
  scope: Scope,
  shared: SidecarShared,
  clusters: ClusterCollector,
): IrTcpChain | undefined {
  const ids: number[] = [];
  const vs = index.vsFor(svc.host);
  const routed = vs ? tcpRule(vs, port, scope, shared.ctx, ids) : undefined;
  if (!routed) ids.push(shared.catalog.id(svc.host, port, ''));
  const passthrough = passthroughHost(ids, shared.ctx);
  if (passthrough !== undefined) {
    notePassthrough(shared, svc, port, passthrough);
    return undefined;
  }
  clusters.addAll(ids);
  if (routed) return { host: svc.host, serverNames: exact(serverNames), ...routed };
  return { host: svc.host, serverNames: exact(serverNames), name: defaultRouteName(svc.host, port), destinations: [{ cluster: shared.catalog.name(ids[0]!), weight: 100 }] };
}

function notePassthrough(shared: SidecarShared, svc: RegistryService, port: number, target: string): void {
  const key = `ML4032|${svc.host}|${port}`;
  if (shared.reported.has(key)) return;
  shared.reported.add(key);
  const via = target === svc.host ? `${svc.host} has resolution NONE` : `its connections go to ${target}, which has resolution NONE`;
  shared.diagnostics.push(
    diagnostic(
      'ML4032',
      `${svc.host} port ${port} gets no TCP proxy on sidecars: ${via}, which passes each connection on to the address the client dialled, and a sidecar listener bound to the port does not know that address, so its connections are closed. Use resolution DNS, or STATIC with endpoints`,
      servicePortAt(svc, port),
    ),
  );
}

/** A host among clusters `ids` with resolution NONE (an ORIGINAL_DST cluster), which a listener bound to its port cannot feed. */
export function passthroughHost(ids: readonly number[], ctx: RouteContext): string | undefined {
  return ids.map((id) => ctx.catalog.ref(id).host).find((h) => ctx.registry.lookupAny(h)?.resolution === 'none');
}

/** The first tcp rule of `vs` that takes connections on `port` in `scope`: its name, weighted clusters and source. */
export function tcpRule(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext, ids: number[]): Pick<IrTcpChain, 'name' | 'destinations' | 'source'> | undefined {
  const rules = vs.spec.tcp ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const matches = rule.match ?? [];
    const applies = matches.length === 0 ? matchApplies(vs, undefined, scope, port) : matches.some((m) => matchApplies(vs, m, scope, port));
    if (!applies) continue;
    const destinations = weightedClusters(vs, rule.route ?? [], port, ctx, ids, (_, cluster, weight) => ({ cluster, weight }));
    if (destinations.length === 0) continue; // invalid (ML3002/ML3004): not compiled anyway
    const { namespace, name } = vs.metadata;
    return { name: ['vs', namespace, name, 'tcp', i].join('/'), destinations: exact(destinations), source: sourceOf(vs, ['spec', 'tcp', i]) };
  }
  return undefined;
}

function protocolOf(svc: RegistryService, port: number): string {
  return svc.ports.find((p) => p.number === port)?.protocol ?? 'TCP';
}

function listHosts(hosts: readonly string[]): string {
  const sorted = [...hosts].sort(cmp);
  return sorted.length > 3 ? `${sorted.slice(0, 3).join(', ')} and ${sorted.length - 3} more` : sorted.join(', ');
}
