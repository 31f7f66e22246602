// Sidecar views. One default view (`sidecar`, namespaces []) for proxies of any namespace
// without a view of its own: it sees what is exported to everyone, and answers to host
// names as written from another namespace (`reviews.bookinfo`, not `reviews`). Then one
// `sidecar~<ns>` view per namespace that sees something different: it holds Kubernetes
// services (so the bare short name `reviews` works there), or receives resources exported
// to it only (`exportTo: ['.']` or by name), or is named by a match's `sourceNamespace`, or
// holds a definition of a host other namespaces define too (its sidecars use their own).
//
// When every view sees the same services and VirtualServices and nothing else differs by
// namespace, a namespace's view is the default one with its own services' virtual hosts
// swapped for the short-name variants (sidecarDrafts); otherwise each view is walked in full.
//
// Each view: per HTTP service port, a listener `<bind>_<port>` and route table `<port>`,
// with one virtual host per visible service on that port; per other service port, a TCP
// listener (tcp-listeners.ts). Its routes come from the
// VirtualService for that host (exact host first, else the most specific wildcard), or, with
// none, a default route to `outbound|<port>||<host>`.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrListener, IrRoute, IrRouteTable, IrView, IrVirtualHost } from '../ir/types.ts';
import type { ClusterCollector } from './cluster-catalog.ts';
import { httpScope, MESH, vsGateways, vsRoutesEntry, type LoadedVs, type Scope } from './from-virtual-service.ts';
import { isVisible, isWildcard, visibilityOf, type Visibility } from './hosts.ts';
import { DEFAULT_SIDECAR_VIEW, listenerName, sidecarRouteTableName, sidecarViewName } from './names.ts';
import type { Registry, RegistryService } from './registry.ts';
import { planOf, serviceIdsOf, virtualHostFor, vsIndexFor, type HostPort, type SidecarShared } from './sidecar-plan.ts';
import { sidecarTcp, type SidecarTcp } from './tcp-listeners.ts';
import { at, cmp } from './where.ts';

/** A VirtualService as the sidecars see it: resolved hosts and visibility. */
export interface MeshVs {
  readonly vs: LoadedVs;
  readonly hosts: readonly string[];
  readonly visibility: Visibility;
}

/** VirtualServices with at least one rule for the sidecars (`mesh`). */
export function meshVirtualServices(vss: readonly LoadedVs[], registry: Registry): MeshVs[] {
  return vss
    .filter(
      (vs) =>
        vsGateways(vs).includes(MESH) ||
        (vs.spec.http ?? []).some((r) => (r.match ?? []).some((m) => m.gateways?.includes(MESH))) ||
        (vs.spec.tcp ?? []).some((r) => (r.match ?? []).some((m) => m.gateways?.includes(MESH))) ||
        (vs.spec.tls ?? []).some((r) => r.match.some((m) => m.gateways?.includes(MESH))),
    )
    .map((vs) => ({
      vs,
      hosts: (vs.spec.hosts ?? []).map((h) => registry.resolve(h, vs.metadata.namespace)),
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
  let previous: RegistryService | undefined;
  for (let i = 0; i < registry.services.length; i++) {
    const s = registry.services[i]!;
    // A host defined in several namespaces: sidecars of each use their own namespace's
    // definition (pick-service.ts), so each needs a view of its own.
    if (previous?.host === s.host && previous.namespace !== s.namespace) out.add(previous.namespace).add(s.namespace);
    previous = s;
    if (s.host.endsWith(suffix) && !isWildcard(s.host)) {
      const nameNs = s.host.slice(0, -suffix.length);
      const dot = nameNs.indexOf('.'); // `<name>.<ns>`: exactly one dot, a namespace after it
      if (dot >= 0 && dot === nameNs.lastIndexOf('.') && dot < nameNs.length - 1) out.add(nameNs.slice(dot + 1));
    }
    addVisibility(s.visibility);
  }
  for (const m of meshVss) {
    addVisibility(m.visibility);
    for (const rule of m.vs.spec.http ?? []) if (rule.match) for (const match of rule.match) if (httpScope(match)?.sourceNamespace) out.add(match.sourceNamespace!);
    for (const rule of m.vs.spec.tcp ?? []) if (rule.match) for (const match of rule.match) if (match.sourceNamespace) out.add(match.sourceNamespace);
    for (const rule of m.vs.spec.tls ?? []) for (const match of rule.match) if (match.sourceNamespace) out.add(match.sourceNamespace);
  }
  return [...out].sort(cmp);
}

/** A sidecar view before its cluster names are known (they are sorted once, for all views). */
export interface SidecarViewDraft {
  readonly view: Omit<IrView, 'clusterNames'>;
  readonly clusters: ClusterCollector;
  /** The default view's, when every namespace's view is it with its own services' short names (namespaceView). */
  readonly template?: SidecarTemplate;
}

/**
 * Where a namespace's own services sit in the default view's route tables: a view per
 * namespace is then the default view with those virtual hosts swapped for their short-name
 * variants, not a walk over every service again (10,000 services in 200 namespaces: most of
 * the IR phase).
 */
interface SidecarTemplate {
  readonly own: ReadonlyMap<string, readonly OwnHost[]>;
  /** The HTTP ports, one per route table, in order. */
  readonly ports: readonly number[];
  /**
   * When some service has a port proxied as TCP: the clusters of the view's HTTP side. TCP
   * chains answer a namespace's short names too, and may route by sourceNamespace, so each
   * view's TCP side is still worked out on its own (sidecarTcp), over these clusters.
   */
  readonly httpClusterIds?: readonly number[];
}

interface OwnHost {
  /** Index into the view's routeTables, and into that table's virtualHosts. */
  readonly table: number;
  readonly at: number;
  readonly hostPort: HostPort;
  readonly routes: readonly IrRoute[] | null;
}

/**
 * The default sidecar view, then one per namespace: each namespace's derived from the default
 * when the default can be a template for it (see sidecarView), else walked in full.
 */
export function sidecarDrafts(namespaces: readonly string[], shared: SidecarShared, fromTemplate = true): SidecarViewDraft[] {
  const base = sidecarView(null, shared);
  const template = fromTemplate ? base.template : undefined;
  return [base, ...namespaces.map((ns) => (template ? namespaceView(ns, base, template, shared) : sidecarView(ns, shared)))];
}

/** The default view's draft with `ns`'s own services answering to their short names too. */
function namespaceView(ns: string, base: SidecarViewDraft, template: SidecarTemplate, shared: SidecarShared): SidecarViewDraft {
  const tables = [...base.view.routeTables];
  const changed = new Map<number, IrVirtualHost[]>(); // the tables `ns` changes, each copied once
  for (const o of template.own.get(ns) ?? []) {
    let hosts = changed.get(o.table);
    if (!hosts) {
      changed.set(o.table, (hosts = [...tables[o.table]!.virtualHosts]));
      tables[o.table] = { ...tables[o.table]!, virtualHosts: hosts };
    }
    hosts[o.at] = virtualHostFor(shared, o.hostPort, o.routes, ns);
  }
  const viewName = sidecarViewName(ns);
  // The same routes and services: the same clusters.
  if (!template.httpClusterIds) return { view: { ...base.view, name: viewName, namespaces: [ns], routeTables: tables }, clusters: base.clusters };
  const clusters = shared.catalog.collector();
  clusters.addAll(template.httpClusterIds);
  const httpPorts = new Map(template.ports.map((port, i) => [port, tables[i]!.virtualHosts]));
  const tcp = sidecarTcp(shared.registry.services, httpPorts, shared.everyVs, { kind: 'mesh', viewNamespace: ns }, viewName, shared, clusters);
  return { view: { ...base.view, name: viewName, namespaces: [ns], listeners: sidecarListeners(template.ports, tcp, shared), routeTables: tables }, clusters };
}

/** A view's listeners: one per HTTP port (with the TLS chains sharing it), and its TCP ones, by port. */
function sidecarListeners(ports: readonly number[], tcp: SidecarTcp, shared: SidecarShared): IrListener[] {
  const address = shared.ctx.settings.ir.bindAddress;
  const httpListeners: IrListener[] = ports.map((port) => {
    const sni = tcp.sniOnHttp.get(port);
    return {
      name: listenerName(address, port),
      address,
      port,
      routeTableName: sidecarRouteTableName(port),
      statPrefix: `outbound_${port}`,
      ...(sni ? { tcp: sni } : {}),
    };
  });
  return tcp.listeners.length === 0 ? httpListeners : [...httpListeners, ...tcp.listeners].sort((a, b) => a.port - b.port);
}

export function sidecarView(viewNamespace: string | null, shared: SidecarShared): SidecarViewDraft {
  const { registry, catalog } = shared;
  const services = shared.allServicesEverywhere ? registry.services : visibleServices(registry, viewNamespace);
  const index = shared.everyVsEverywhere ? shared.everyVs : vsIndexFor(shared, shared.meshVss.filter((m) => isVisible(m.visibility, viewNamespace)));
  const clusters = catalog.collector();
  const scope: Scope = { kind: 'mesh', viewNamespace };

  const byPort = new Map<number, IrVirtualHost[]>();
  const origins = shared.mayClash ? new Map<string, RegistryService>() : undefined;
  // The default view can be every namespace view's template when all views see the same
  // services and VirtualServices, and their HTTP sides differ by nothing else: no route by
  // sourceNamespace, no domain clash to settle (per view). TCP sides are worked out per view.
  let templated = viewNamespace === null && shared.allServicesEverywhere && shared.everyVsEverywhere && !shared.mayClash;
  const planOfHost = templated ? new Map<IrVirtualHost, { readonly hostPort: HostPort; readonly routes: readonly IrRoute[] | null }>() : undefined;
  for (let i = 0; i < services.length; i++) {
    const svc = services[i]!;
    const plans = planOf(shared, index, svc);
    for (let j = 0; j < plans.length; j++) {
      const plan = plans[j]!;
      let routes: readonly IrRoute[] | null;
      if (plan.bySource && plan.vs) {
        templated = false;
        const entry = vsRoutesEntry(plan.vs, plan.port, scope, shared.ctx);
        routes = entry.routes.length > 0 ? entry.routes : null;
        if (routes) clusters.addAll(entry.ids);
        else clusters.add(plan.hostPort.defaultClusterId);
      } else {
        routes = plan.routes ?? null;
        if (plan.ids) clusters.addAll(plan.ids);
      }
      const vhost = virtualHostFor(shared, plan.hostPort, routes, viewNamespace);
      origins?.set(vhost.name, svc);
      if (plan.hostPort.ownNamespace !== undefined) planOfHost?.set(vhost, { hostPort: plan.hostPort, routes });
      const list = byPort.get(plan.port);
      if (list) list.push(vhost);
      else byPort.set(plan.port, [vhost]);
    }
    // Sidecars can reach every visible service, routed or not.
    clusters.addAll(serviceIdsOf(shared, svc));
  }
  const ports = [...byPort.keys()].sort((a, b) => a - b);
  const viewName = viewNamespace === null ? DEFAULT_SIDECAR_VIEW : sidecarViewName(viewNamespace);
  const onClash = (lost: IrVirtualHost, keeper: string, domains: readonly string[]) => {
    const svc = origins?.get(lost.name);
    const key = `${lost.name}|${keeper}|${domains.join(',')}`;
    if (!svc || shared.reported.has(key)) return;
    shared.reported.add(key);
    shared.diagnostics.push(
      diagnostic('ML4020', `${lost.name} answers to ${domains.join(', ')} like ${keeper} on sidecars (view ${viewName}); requests for ${domains.length > 1 ? 'them' : 'it'} go to ${keeper}`, at(svc.origin, ['metadata', 'name'])),
    );
  };
  const routeTables: IrRouteTable[] = ports.map((p) => {
    const vhosts = (byPort.get(p) ?? []).sort((a, b) => cmp(a.name, b.name));
    // No two hosts can share a domain (the common case): nothing to check per view.
    // The Host header's port plays no part, as on Istio's sidecars (httproute.go
    // buildSidecarOutboundHTTPRouteConfig): domains are listed without ports (hosts.ts sidecarDomains).
    return { name: sidecarRouteTableName(p), virtualHosts: shared.mayClash ? uniqueDomains(vhosts, onClash) : vhosts, ignorePortInHostMatching: true };
  });
  const httpClusterIds = templated ? clusters.ids() : undefined;
  const tcp = sidecarTcp(services, byPort, index, scope, viewName, shared, clusters);
  const draft: SidecarViewDraft = {
    view: {
      name: viewName,
      kind: 'sidecar',
      namespaces: viewNamespace === null ? [] : [viewNamespace],
      listeners: sidecarListeners(ports, tcp, shared),
      routeTables,
    },
    clusters,
  };
  if (!templated || !planOfHost) return draft;
  return { ...draft, template: { ...templateOf(routeTables, planOfHost), ports, ...(tcp.anyTcpPort ? { httpClusterIds } : {}) } };
}

function templateOf(tables: readonly IrRouteTable[], planOfHost: ReadonlyMap<IrVirtualHost, Omit<OwnHost, 'table' | 'at'>>): Pick<SidecarTemplate, 'own'> {
  const own = new Map<string, OwnHost[]>();
  for (let t = 0; t < tables.length; t++) {
    const hosts = tables[t]!.virtualHosts;
    for (let at = 0; at < hosts.length; at++) {
      const plan = planOfHost.get(hosts[at]!);
      const ns = plan?.hostPort.ownNamespace;
      if (plan === undefined || ns === undefined) continue;
      const list = own.get(ns);
      const entry: OwnHost = { table: t, at, hostPort: plan.hostPort, routes: plan.routes };
      if (list) list.push(entry);
      else own.set(ns, [entry]);
    }
  }
  return { own };
}

/**
 * One service per host: the only one when the host has one definition, else the one istiod
 * gives a sidecar of the namespace (registry lookup, pick-service.ts). A host's definitions are
 * adjacent (the registry is sorted by host).
 */
function visibleServices(registry: Registry, viewNamespace: string | null): RegistryService[] {
  const out: RegistryService[] = [];
  const list = registry.services;
  for (let i = 0; i < list.length; i++) {
    const s = list[i]!;
    if (i > 0 && list[i - 1]!.host === s.host) continue; // the host's first entry chose for all
    const several = i + 1 < list.length && list[i + 1]!.host === s.host;
    const chosen = several ? registry.lookup(s.host, viewNamespace) : isVisible(s.visibility, viewNamespace) ? s : undefined;
    if (chosen) out.push(chosen);
  }
  return out;
}

/**
 * Envoy rejects a route table where two virtual hosts share a domain. Two hosts can produce
 * the same variant (a ServiceEntry host `billing` next to the Kubernetes service `billing`'s
 * short name), or list the same address (two ServiceEntries with one of `addresses`, or one
 * ServiceEntry's hosts, which all answer to its addresses); the first virtual host by name
 * keeps it, and a host left without any domain is dropped.
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
