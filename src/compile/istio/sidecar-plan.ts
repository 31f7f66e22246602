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
import type { ServiceClusterRefs } from './clusters.ts';
import { routesBySource, vsRoutesEntry, type LoadedVs, type RouteContext, type Scope } from './from-virtual-service.ts';
import { hostCovers, isWildcard, shortNameNamespace, sidecarDomains } from './hosts.ts';
import { clusterName, defaultRouteName, virtualHostName } from './names.ts';
import { isHttpProtocol } from './protocols.ts';
import type { Registry, RegistryService } from './registry.ts';
import { NO_HEADER_OPS } from './route-parts.ts';
import { cmp } from './where.ts';
import type { MeshVs } from './views.ts';

/** Per compile: what every sidecar view reads and shares. */
export interface SidecarShared {
  readonly ctx: RouteContext;
  readonly registry: Registry;
  readonly refsOf: ServiceClusterRefs;
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
  readonly hostPorts: Map<string, HostPort>;
}

/** Which VirtualService routes a host, for one set of visible VirtualServices; plans are per index. */
export interface VsIndex {
  vsFor(host: string): LoadedVs | undefined;
  readonly plans: Map<RegistryService, readonly PortPlan[]>;
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

/** A (host, port) pair's virtual hosts, cached by routes and by whether the short name applies. */
export interface HostPort {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly ownNamespace: string | undefined;
  readonly defaultClusterId: number;
  defaultRoutes?: readonly IrRoute[];
  own?: VhostSlot;
  other?: VhostSlot;
}

interface VhostSlot {
  readonly routes: readonly IrRoute[] | null;
  readonly vhost: IrVirtualHost;
  more?: Map<readonly IrRoute[] | null, IrVirtualHost>;
}

export function sidecarShared(
  ctx: RouteContext,
  refsOf: ServiceClusterRefs,
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
    refsOf,
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
    plans: new Map(),
  };
}

const MESH_SCOPE: Scope = { kind: 'mesh', viewNamespace: null };

/** The HTTP ports of `svc` under `index`, planned on first use. */
export function planOf(shared: SidecarShared, index: VsIndex, svc: RegistryService): readonly PortPlan[] {
  const hit = index.plans.get(svc);
  if (hit) return hit;
  const plans: PortPlan[] = [];
  for (const p of svc.ports) {
    if (!isHttpProtocol(p.protocol)) continue;
    const hostPort = hostPortOf(shared, svc.host, p.number);
    const vs = index.vsFor(svc.host);
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
      ids: routed ? idsOf(shared, entry.refs) : [hostPort.defaultClusterId],
    });
  }
  index.plans.set(svc, plans);
  return plans;
}

export function idsOf(shared: SidecarShared, refs: readonly (readonly [string, { host: string; port: number; subset: string }])[]): number[] {
  return refs.map(([name, ref]) => shared.catalog.id(name, ref));
}

/** Every cluster `svc` defines (sidecars can reach every visible service, routed or not). */
export function serviceIdsOf(shared: SidecarShared, svc: RegistryService): readonly number[] {
  let ids = shared.serviceIds.get(svc);
  if (!ids) shared.serviceIds.set(svc, (ids = idsOf(shared, shared.refsOf(svc))));
  return ids;
}

function hostPortOf(shared: SidecarShared, host: string, port: number): HostPort {
  const name = virtualHostName(host, port);
  let hp = shared.hostPorts.get(name);
  if (!hp) {
    const cluster = clusterName(host, port);
    hp = {
      host,
      port,
      name,
      ownNamespace: shortNameNamespace(host, shared.ctx.settings.ir.clusterDomain),
      defaultClusterId: shared.catalog.id(cluster, { host, port, subset: '' }),
    };
    shared.hostPorts.set(name, hp);
  }
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
    domains: sidecarDomains(hp.host, hp.port, shared.ctx.settings.ir.clusterDomain, viewNamespace),
    routes: routes ?? (hp.defaultRoutes ??= [defaultRoute(hp.host, hp.port, shared.ctx)]),
  };
  if (!slot) {
    if (own) hp.own = { routes, vhost };
    else hp.other = { routes, vhost };
  } else (slot.more ??= new Map()).set(routes, vhost);
  return vhost;
}

const DEFAULT_MATCH: IrMatch = Object.freeze({ ignoreCase: false, headers: [], queryParams: [] });

function defaultRoute(host: string, port: number, ctx: RouteContext): IrRoute {
  return {
    name: defaultRouteName(host, port),
    match: DEFAULT_MATCH,
    action: {
      kind: 'forward',
      destinations: [{ cluster: clusterName(host, port), weight: 100 }],
      timeoutMs: ctx.settings.defaultTimeoutMs,
      ...(ctx.settings.defaultRetry ? { retry: ctx.settings.defaultRetry } : {}),
      mirrors: [],
    },
    headers: NO_HEADER_OPS,
  };
}

/**
 * Can two virtual hosts of one sidecar route table share a domain (uniqueDomains then has work
 * to do)? A view holds each host once; a Kubernetes-style host `n.ns.svc.<domain>` answers
 * to itself, `n.ns`, `n.ns.svc` and, in `ns`, `n` (each also with `:<port>`); any other host
 * to itself and `host:<port>`. Two Kubernetes-style hosts never share a variant, so a clash
 * needs another registry host equal to one of those short variants, a host with a `:`, or a
 * service listing one port twice.
 */
function mayShareDomains(registry: Registry, clusterDomain: string): boolean {
  const suffix = `.svc.${clusterDomain}`; // as sidecarDomains decides what is Kubernetes-style
  for (const s of registry.services) {
    const h = s.host;
    if (h.includes(':')) return true;
    // A port listed twice gives the same virtual host twice (its later copy is dropped).
    if (s.ports.some((p, i) => s.ports.findIndex((q) => q.number === p.number) !== i)) return true;
    if (!h.endsWith(suffix) || isWildcard(h)) continue;
    const nameNs = h.slice(0, -suffix.length);
    const dot = nameNs.indexOf('.');
    if (dot <= 0 || dot !== nameNs.lastIndexOf('.')) continue;
    if (registry.has(nameNs) || registry.has(`${nameNs}.svc`) || registry.has(nameNs.slice(0, dot))) return true;
  }
  return false;
}
