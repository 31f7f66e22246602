// Sidecar views. One default view (`sidecar`, namespaces []) for proxies of any namespace
// without a view of its own: it sees what is exported to everyone, and answers to host
// names as written from another namespace (`reviews.bookinfo`, not `reviews`). Then one
// `sidecar~<ns>` view per namespace that sees something different: it holds Kubernetes
// services (so the bare short name `reviews` works there), or receives resources exported
// to it only (`exportTo: ['.']` or by name), or is named by a match's `sourceNamespace`.
//
// Each view: per HTTP service port, a listener `<bind>_<port>` and route table `<port>`,
// with one virtual host per visible service on that port. Its routes come from the
// VirtualService for that host (exact host first, else the most specific wildcard), or, with
// none, a default route to `outbound|<port>||<host>`.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrRoute, IrRouteTable, IrView, IrVirtualHost } from '../ir/types.ts';
import type { ServiceClusterRefs } from './clusters.ts';
import { MESH, vsGateways, vsRoutes, type LoadedVs, type RouteContext } from './from-virtual-service.ts';
import { hostCovers, isVisible, isWildcard, resolveHost, shortNameNamespace, sidecarDomains, visibilityOf, type Visibility } from './hosts.ts';
import { clusterName, DEFAULT_SIDECAR_VIEW, defaultRouteName, listenerName, sidecarRouteTableName, sidecarViewName, virtualHostName } from './names.ts';
import { isHttpProtocol } from './protocols.ts';
import type { Registry, RegistryService } from './registry.ts';
import { at, cmp } from './where.ts';

/** A VirtualService as the sidecars see it: resolved hosts and visibility. */
export interface MeshVs {
  readonly vs: LoadedVs;
  readonly hosts: readonly string[];
  readonly visibility: Visibility;
}

/** VirtualServices with at least one rule for the sidecars (`mesh`). */
export function meshVirtualServices(vss: readonly LoadedVs[], clusterDomain: string, registry: Registry): MeshVs[] {
  return vss
    .filter(
      (vs) =>
        vsGateways(vs).includes(MESH) ||
        (vs.spec.http ?? []).some((r) => (r.match ?? []).some((m) => m.gateways?.includes(MESH))),
    )
    .map((vs) => ({
      vs,
      hosts: (vs.spec.hosts ?? []).map((h) => resolveHost(h, vs.metadata.namespace, clusterDomain, registry.has)),
      visibility: visibilityOf(vs.spec.exportTo, vs.metadata.namespace),
    }));
}

/** Namespaces that get a `sidecar~<ns>` view (see the file comment). Sorted. */
export function sidecarNamespaces(registry: Registry, meshVss: readonly MeshVs[], clusterDomain: string): string[] {
  const out = new Set<string>();
  const suffix = `.svc.${clusterDomain}`;
  const addVisibility = (v: Visibility) => {
    if (!v.all) for (const ns of v.namespaces) out.add(ns);
  };
  for (const s of registry.services) {
    if (s.host.endsWith(suffix) && !isWildcard(s.host)) {
      const parts = s.host.slice(0, -suffix.length).split('.');
      if (parts.length === 2 && parts[1]) out.add(parts[1]);
    }
    addVisibility(s.visibility);
  }
  for (const m of meshVss) {
    addVisibility(m.visibility);
    for (const rule of m.vs.spec.http ?? []) for (const match of rule.match ?? []) if (match.sourceNamespace) out.add(match.sourceNamespace);
  }
  return [...out].sort(cmp);
}

/** What all sidecar views of one compile share: diagnostics found while building them, and virtual hosts. */
export interface SidecarShared {
  readonly diagnostics: Diagnostic[];
  readonly reported: Set<string>;
  readonly vhosts: Map<string, Map<readonly IrRoute[] | null, IrVirtualHost>>;
}

export function sidecarView(
  viewNamespace: string | null,
  registry: Registry,
  refsOf: ServiceClusterRefs,
  meshVss: readonly MeshVs[],
  ctx: RouteContext,
  shared: SidecarShared,
): IrView {
  const clusterDomain = ctx.settings.ir.clusterDomain;
  const scope = { kind: 'mesh', viewNamespace } as const;
  const services = visibleServices(registry, viewNamespace);
  const vss = meshVss.filter((m) => isVisible(m.visibility, viewNamespace));
  const exact = new Map<string, LoadedVs>();
  const wildcards: { host: string; vs: LoadedVs }[] = [];
  for (const m of vss) {
    for (const h of m.hosts) {
      if (isWildcard(h)) wildcards.push({ host: h, vs: m.vs });
      else if (!exact.has(h)) exact.set(h, m.vs); // a second one is ML4006
    }
  }
  wildcards.sort((a, b) => b.host.length - a.host.length || cmp(a.host, b.host));
  const vsFor = (host: string) => exact.get(host) ?? wildcards.find((w) => hostCovers(w.host, host))?.vs;

  const byPort = new Map<number, IrVirtualHost[]>();
  const origins = new Map<string, RegistryService>();
  for (const svc of services) {
    for (const port of svc.ports) {
      if (!isHttpProtocol(port.protocol)) continue;
      const vs = vsFor(svc.host);
      const vsOwn = vs ? vsRoutes(vs, port.number, scope, ctx) : [];
      const routes = vsOwn.length > 0 ? vsOwn : null; // null: the default route
      if (!routes) {
        const cluster = clusterName(svc.host, port.number);
        if (!ctx.refs.has(cluster)) ctx.refs.set(cluster, { host: svc.host, port: port.number, subset: '' });
      }
      // A virtual host depends only on host, port, routes and whether the bare short name
      // applies; views share it (with many namespaces, each view would otherwise rebuild
      // every other namespace's virtual hosts).
      const own = viewNamespace !== null && shortNameNamespace(svc.host, clusterDomain) === viewNamespace;
      const key = `${svc.host}|${port.number}|${own ? 'own' : 'other'}`;
      let byRoutes = shared.vhosts.get(key);
      if (!byRoutes) shared.vhosts.set(key, (byRoutes = new Map()));
      let vhost = byRoutes.get(routes);
      if (!vhost) {
        vhost = {
          name: virtualHostName(svc.host, port.number),
          domains: sidecarDomains(svc.host, port.number, clusterDomain, viewNamespace),
          routes: routes ?? [defaultRoute(svc.host, port.number, ctx)],
        };
        byRoutes.set(routes, vhost);
      }
      origins.set(vhost.name, svc);
      const list = byPort.get(port.number);
      if (list) list.push(vhost);
      else byPort.set(port.number, [vhost]);
    }
  }
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  const viewName = viewNamespace === null ? DEFAULT_SIDECAR_VIEW : sidecarViewName(viewNamespace);
  const onClash = (lost: IrVirtualHost, keeper: string, domains: readonly string[]) => {
    const svc = origins.get(lost.name);
    const key = `${lost.name}|${keeper}|${domains.join(',')}`;
    if (!svc || shared.reported.has(key)) return;
    shared.reported.add(key);
    shared.diagnostics.push(
      diagnostic('ML4020', `${lost.name} answers to ${domains.join(', ')} like ${keeper} on sidecars (view ${viewName}); requests for ${domains.length > 1 ? 'them' : 'it'} go to ${keeper}`, at(svc.origin, ['metadata', 'name'])),
    );
  };
  const routeTables: IrRouteTable[] = ports.map((p) => ({
    name: sidecarRouteTableName(p),
    virtualHosts: uniqueDomains((byPort.get(p) ?? []).sort((a, b) => cmp(a.name, b.name)), onClash),
  }));
  // Sidecars can reach every visible service, routed or not.
  for (const svc of services) {
    for (const [name, ref] of refsOf(svc)) if (!ctx.refs.has(name)) ctx.refs.set(name, ref);
  }
  const address = ctx.settings.ir.bindAddress;
  return {
    name: viewName,
    kind: 'sidecar',
    namespaces: viewNamespace === null ? [] : [viewNamespace],
    listeners: ports.map((port) => ({
      name: listenerName(address, port),
      address,
      port,
      routeTableName: sidecarRouteTableName(port),
      statPrefix: `outbound_${port}`,
    })),
    routeTables,
    clusterNames: [...ctx.refs.keys()].sort(), // default sort = code-unit order, as cmp
  };
}

/** One service per host: the first visible one (registry order: Kubernetes first). */
function visibleServices(registry: Registry, viewNamespace: string | null): RegistryService[] {
  const seen = new Set<string>();
  const out: RegistryService[] = [];
  for (const s of registry.services) {
    if (seen.has(s.host) || !isVisible(s.visibility, viewNamespace)) continue;
    seen.add(s.host);
    out.push(s);
  }
  return out;
}

function defaultRoute(host: string, port: number, ctx: RouteContext): IrRoute {
  const cluster = clusterName(host, port);
  if (!ctx.refs.has(cluster)) ctx.refs.set(cluster, { host, port, subset: '' });
  const empty = { set: [], add: [], remove: [] };
  return {
    name: defaultRouteName(host, port),
    match: { ignoreCase: false, headers: [], queryParams: [] },
    action: {
      kind: 'forward',
      destinations: [{ cluster, weight: 100 }],
      timeoutMs: ctx.settings.defaultTimeoutMs,
      ...(ctx.settings.defaultRetry ? { retry: ctx.settings.defaultRetry } : {}),
      mirrors: [],
    },
    headers: { request: empty, response: empty },
  };
}

/**
 * Envoy rejects a route table where two virtual hosts share a domain. Two hosts can produce
 * the same variant (a ServiceEntry host `billing` next to the Kubernetes service `billing`'s
 * short name); the first virtual host by name keeps it, and a host left without any
 * domain is dropped.
 */
export function uniqueDomains(
  vhosts: readonly IrVirtualHost[],
  onClash: (lost: IrVirtualHost, keeper: string, domains: readonly string[]) => void = () => {},
): IrVirtualHost[] {
  const seen = new Map<string, string>(); // domain → virtual host keeping it
  const out: IrVirtualHost[] = [];
  for (const h of vhosts) {
    if (!h.domains.some((d) => seen.has(d))) {
      for (const d of h.domains) seen.set(d, h.name);
      out.push(h); // the common case: nothing shared, nothing copied
      continue;
    }
    const byKeeper = new Map<string, string[]>();
    for (const d of h.domains) {
      const keeper = seen.get(d);
      if (keeper !== undefined) byKeeper.set(keeper, [...(byKeeper.get(keeper) ?? []), d]);
    }
    for (const [keeper, lost] of byKeeper) onClash(h, keeper, lost);
    const domains = h.domains.filter((d) => !seen.has(d));
    for (const d of domains) seen.set(d, h.name);
    if (domains.length > 0) out.push({ ...h, domains });
  }
  return out;
}
