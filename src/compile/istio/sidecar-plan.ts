// What the sidecar views of one compile share, worked out once per service instead of once
// per view. Views differ only in which services and VirtualServices they see and in the bare
// short name a namespace's own services answer to; everything else about a service's HTTP
// port (its VirtualService, routes, clusters, virtual hosts) is the same in every view that
// sees it. So each (service, port) gets a plan on first use, and every view reuses it, and
// the IR objects in it: identical content in two views is the same object (the xDS side
// encodes each object once).
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrMatch, IrRoute, IrVirtualHost } from '../ir/types.ts';
import type { ClusterCatalog } from './cluster-catalog.ts';
import { serviceClusterIds } from './clusters.ts';
import type { DrIndex } from './from-destination-rule.ts';
import { routesBySource, vsRoutesEntry, type LoadedVs, type RouteContext, type Scope } from './from-virtual-service.ts';
import { hostCovers, isWildcard, shortNameNamespace, sidecarDomains, withAddresses, withShortName } from './hosts.ts';
import { defaultRouteName, virtualHostName } from './names.ts';
import { isHttpProtocol } from './protocols.ts';
import type { Registry, RegistryService } from './registry.ts';
import { exact } from './exact.ts';
import { mayShareDomains } from './may-share-domains.ts';
import { NO_HEADER_OPS } from './route-parts.ts';
import { cmp } from './where.ts';
import type { TcpConflict } from './tcp-listeners.ts';
import type { MeshVs } from './views.ts';

/** Per compile: what every sidecar view reads and shares. */
export interface SidecarShared {
  readonly ctx: RouteContext;
  readonly registry: Registry;
  readonly drs: DrIndex;
  readonly meshVss: readonly MeshVs[];
  readonly catalog: ClusterCatalog;
  /** ML4020 warnings go here, each once. */
  readonly diagnostics: Diagnostic[];
  readonly reported: Set<string>;
  /** Every service visible everywhere, one per host: then every view sees `registry.services`. */
  readonly allServicesEverywhere: boolean;
  /** False when no two virtual hosts of a route table can share a domain (see mayShareDomains). */
  readonly mayClash: boolean;
  /** The VirtualService index when a view sees every mesh VirtualService (the common case). */
  readonly everyVs: VsIndex;
  /** Every mesh VirtualService is exported to everyone: every view uses everyVs. */
  readonly everyVsEverywhere: boolean;
  readonly serviceIds: Map<RegistryService, readonly number[]>;
  /** Ports sidecar views could not give a TCP service, by conflict, with the views (tcp-listeners.ts). */
  readonly tcpConflicts: Map<string, TcpConflict>;
  /** By host: each host's ports (a short list). */
  readonly hostPorts: Map<string, HostPort[]>;
  /** Each service's plans, by the VirtualService routing it (planOf). */
  readonly plans: Map<RegistryService, PlanSlot>;
}

/** A service's plans under one VirtualService (or none), and under others when views differ in it. */
interface PlanSlot {
  readonly vs: LoadedVs | undefined;
  readonly plans: readonly PortPlan[];
  more?: Map<LoadedVs | undefined, readonly PortPlan[]>;
}

/** Which VirtualService routes a host, for one set of visible VirtualServices. */
export interface VsIndex {
  vsFor(host: string): LoadedVs | undefined;
  /** The VirtualService for exactly `host`, if any. */
  exactFor(host: string): LoadedVs | undefined;
  /** The wildcard VirtualServices covering `host`, the most specific first (tls rules read them all, as Istio). */
  wildcardsFor(host: string): LoadedVs[];
}

/** One HTTP port of a service, as seen through one VsIndex. */
export interface PortPlan {
  readonly port: number;
  readonly hostPort: HostPort;
  readonly vs?: LoadedVs;
  /** The VirtualService routes per namespace (sourceNamespace): routes and ids are per view. */
  readonly bySource: boolean;
  /** Routes (null: the default route) and the cluster ids they need; unset when bySource. */
  readonly routes?: readonly IrRoute[] | null;
  readonly ids?: readonly number[];
}

/**
 * A (host, port) pair's virtual hosts, cached by routes and by whether the short name applies.
 * One per addresses too: two services of one host (in different namespaces, or a Kubernetes
 * Service and a ServiceEntry) may list different addresses, and a view sees only one of them.
 */
export interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly ownNamespace: string | undefined;
  readonly defaultClusterId: number;
  defaultRoutes?: readonly IrRoute[];
  /** The host's domains, one object for all its ports (of one addresses list): they do not depend on the port. */
  readonly domains: HostDomains;
  own?: VhostSlot;
  other?: VhostSlot;
}

/**
 * A host's sidecar domains, built on first use: as seen from any view but its own
 * namespace's, and from that one (with the bare short name); both with the service's
 * `addresses`. Sidecar route tables ignore the Host's port (ignore_port_in_host_matching), so
 * every port of the host shares these arrays.
 */
interface HostDomains {
  /** The service's addresses, by identity: NO_ADDRESSES for every service without any. */
  readonly addresses: readonly string[];
  other?: readonly string[];
  own?: readonly string[];
}

interface VhostSlot {
  readonly routes: readonly IrRoute[] | null;
  readonly vhost: IrVirtualHost;
  more?: Map<readonly IrRoute[] | null, IrVirtualHost>;
}

export function sidecarShared(
  ctx: RouteContext,
  drs: DrIndex,
  meshVss: readonly MeshVs[],
  catalog: ClusterCatalog,
  diagnostics: Diagnostic[],
): SidecarShared {
  const registry = ctx.registry;
  let allServicesEverywhere = true;
  for (let i = 0; i < registry.services.length; i++) {
    const s = registry.services[i]!;
    if (!s.visibility.all || (i > 0 && registry.services[i - 1]!.host === s.host)) {
      allServicesEverywhere = false;
      break;
    }
  }
  return {
    ctx,
    registry,
    drs,
    meshVss,
    catalog,
    diagnostics,
    reported: new Set(),
    allServicesEverywhere,
    mayClash: mayShareDomains(registry, ctx.settings.ir.clusterDomain),
    everyVs: vsIndex(meshVss),
    everyVsEverywhere: meshVss.every((m) => m.visibility.all),
    serviceIds: new Map(),
    hostPorts: new Map(),
    tcpConflicts: new Map(),
    plans: new Map(),
  };
}

/** The index for the VirtualServices one view sees (`visible` is a filter of `meshVss`). */
export function vsIndexFor(shared: SidecarShared, visible: readonly MeshVs[]): VsIndex {
  return visible.length === shared.meshVss.length ? shared.everyVs : vsIndex(visible);
}

function vsIndex(vss: readonly MeshVs[]): VsIndex {
  const exact = new Map<string, LoadedVs>();
  const wildcards: { host: string; vs: LoadedVs }[] = [];
  for (const m of vss) {
    for (const h of m.hosts) {
      if (isWildcard(h)) wildcards.push({ host: h, vs: m.vs });
      else if (!exact.has(h)) exact.set(h, m.vs); // a second one is ML4006
    }
  }
  wildcards.sort((a, b) => b.host.length - a.host.length || cmp(a.host, b.host));
  return {
    vsFor: (host) => exact.get(host) ?? wildcards.find((w) => hostCovers(w.host, host))?.vs,
    exactFor: (host) => exact.get(host),
    wildcardsFor: (host) => {
      const out: LoadedVs[] = [];
      for (const w of wildcards) if (hostCovers(w.host, host) && !out.includes(w.vs) && w.vs !== exact.get(host)) out.push(w.vs);
      return out;
    },
  };
}

const MESH_SCOPE: Scope = { kind: 'mesh', viewNamespace: null };

/**
 * The HTTP ports of `svc` under `index`, planned on first use. A plan depends on the index
 * only through the VirtualService it picks for the host, so plans are kept per (service,
 * VirtualService): views whose indexes differ (VirtualServices exported to some namespaces
 * only) still share every plan they can, instead of one set per view.
 */
export function planOf(shared: SidecarShared, index: VsIndex, svc: RegistryService): readonly PortPlan[] {
  const vs = index.vsFor(svc.host);
  const slot = shared.plans.get(svc);
  if (slot && slot.vs === vs) return slot.plans;
  const more = slot?.more?.get(vs);
  if (more) return more;
  const plans = planWith(shared, svc, vs);
  if (!slot) shared.plans.set(svc, { vs, plans });
  else (slot.more ??= new Map()).set(vs, plans);
  return plans;
}

function planWith(shared: SidecarShared, svc: RegistryService, vs: LoadedVs | undefined): readonly PortPlan[] {
  const plans: PortPlan[] = [];
  for (const p of svc.ports) {
    if (!isHttpProtocol(p.protocol)) continue;
    const hostPort = hostPortOf(shared, svc, p.number);
    if (vs && routesBySource(vs, shared.ctx)) {
      plans.push({ port: p.number, hostPort, vs, bySource: true });
      continue;
    }
    // Without sourceNamespace matches every mesh scope shares one result (vsRoutesEntry).
    const entry = vs ? vsRoutesEntry(vs, p.number, MESH_SCOPE, shared.ctx) : undefined;
    const routed = entry && entry.routes.length > 0;
    plans.push({
      port: p.number,
      hostPort,
      ...(vs ? { vs } : {}),
      bySource: false,
      routes: routed ? entry.routes : null,
      ids: routed ? entry.ids : [hostPort.defaultClusterId],
    });
  }
  return exact(plans); // kept for the whole compile
}

/** Every cluster `svc` defines (sidecars can reach every visible service, routed or not). */
export function serviceIdsOf(shared: SidecarShared, svc: RegistryService): readonly number[] {
  let ids = shared.serviceIds.get(svc);
  if (!ids) shared.serviceIds.set(svc, (ids = serviceClusterIds(svc, shared.drs, shared.catalog)));
  return ids;
}

/**
 * By host, then addresses and port: the host string is the registry's own (its hash is
 * cached), a name would be a new string. The addresses compare by identity: one array per
 * resource, and the one shared empty array for every service without addresses.
 */
function hostPortOf(shared: SidecarShared, svc: RegistryService, port: number): HostPort {
  const { host, addresses } = svc;
  const list = shared.hostPorts.get(host);
  let domains: HostDomains | undefined; // another port's, with the same addresses
  if (list) {
    for (const hp of list) {
      if (hp.domains.addresses !== addresses) continue;
      if (hp.port === port) return hp;
      domains = hp.domains;
    }
  }
  const hp: HostPort = {
    host,
    port,
    name: virtualHostName(host, port),
    ownNamespace: shortNameNamespace(host, shared.ctx.settings.ir.clusterDomain),
    defaultClusterId: shared.catalog.id(host, port, ''),
    domains: domains ?? { addresses },
  };
  if (list) list.push(hp);
  else shared.hostPorts.set(host, [hp]); // a literal: exact size (exact.ts)
  return hp;
}

/**
 * The virtual host for `hp` with `routes` (null: the default route) in a view of namespace
 * `viewNamespace`: one object per (host, port, routes, short name applies), whatever the view.
 */
export function virtualHostFor(shared: SidecarShared, hp: HostPort, routes: readonly IrRoute[] | null, viewNamespace: string | null): IrVirtualHost {
  const own = viewNamespace !== null && hp.ownNamespace === viewNamespace;
  const slot = own ? hp.own : hp.other;
  if (slot) {
    if (slot.routes === routes) return slot.vhost;
    const more = slot.more?.get(routes);
    if (more) return more;
  }
  const vhost: IrVirtualHost = {
    name: hp.name,
    domains: domainsOf(shared, hp, own),
    routes: routes ?? (hp.defaultRoutes ??= [defaultRoute(hp, shared.ctx)]),
  };
  if (!slot) {
    if (own) hp.own = { routes, vhost };
    else hp.other = { routes, vhost };
  } else (slot.more ??= new Map()).set(routes, vhost);
  return vhost;
}

/**
 * The domains of `hp`'s virtual hosts: one list for every view but its own namespace's, and
 * one with the bare short name added for that one, which shares the first list's strings.
 * Both are the host's, whatever the port, with its service's addresses (HostDomains).
 */
function domainsOf(shared: SidecarShared, hp: HostPort, own: boolean): readonly string[] {
  const d = hp.domains;
  // Seen from no namespace of its own, the short name is left out (sidecarDomains).
  const other = (d.other ??= withAddresses(sidecarDomains(hp.host, shared.ctx.settings.ir.clusterDomain, null), d.addresses));
  return own ? (d.own ??= withShortName(other, hp.host)) : other;
}

const DEFAULT_MATCH: IrMatch = Object.freeze({ ignoreCase: false, headers: [], queryParams: [] });

function defaultRoute(hp: HostPort, ctx: RouteContext): IrRoute {
  return {
    name: defaultRouteName(hp.host, hp.port),
    match: DEFAULT_MATCH,
    action: {
      kind: 'forward',
      destinations: [{ cluster: ctx.catalog.name(hp.defaultClusterId), weight: 100 }],
      timeoutMs: ctx.settings.defaultTimeoutMs,
      ...(ctx.settings.defaultRouteRetry ? { retry: ctx.settings.defaultRouteRetry } : {}),
      mirrors: [],
    },
    headers: NO_HEADER_OPS,
  };
}
