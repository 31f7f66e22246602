// Views for proxyless gRPC clients (gRPC's own xDS client: a channel with target
// `xds:///<host>:<port>` and no Envoy next to it). One `grpc` view per sidecar view, with the
// same namespace scope, so a gRPC client sees the host names a sidecar of its namespace sees
// (the bare short name `reviews:9080` only in `reviews`' own namespace).
//
// How gRPC's client differs from Envoy, and what that decides here:
//  - It asks LDS for ONE listener by name: the target's authority (`reviews.bookinfo.svc.
//    cluster.local:9080`), which must be an API listener (no address). So a gRPC view has one
//    API listener per host name form with a port (`<name>:<port>`, for every name the
//    sidecar's virtual host answers to but the absolute FQDN and the service's addresses:
//    istiod gives none for an address either) of every gRPC service port.
//    Only ports whose protocol is GRPC (port name `grpc*` or appProtocol grpc, ServiceEntry
//    protocol GRPC), as Istio treats them: a listener for every HTTP port would add one per
//    service and form to every view of a large mesh, for clients that almost never exist.
//  - It rejects a whole RouteConfiguration for one route it cannot run (a redirect, a direct
//    response, a per-route config of a filter it does not know). A sidecar's route table for
//    a port holds every HTTP service on that port, so one redirect of an unrelated web service
//    would cut off every gRPC client on the port. A gRPC view's route table `grpc.<port>`
//    therefore holds only the gRPC services' virtual hosts: the sidecar's, with the same
//    routes, and domains (addresses included) that also carry the port (gRPC matches the
//    authority with its port; Envoy sidecars ignore it: ignore_port_in_host_matching), but
//    not the sidecar's absolute FQDN (`name.`): gRPC Java's xDS client rejects a domain that
//    ends in a dot, so Istio leaves it out for gRPC Java clients, and no gRPC target names it
//    anyway.
//  - It reads some route fields its own way: a timeout only from max_stream_duration (gRFC
//    A31), not from Envoy's `timeout`/max_grpc_timeout. The routes stay the sidecar's (one IR,
//    shared arrays); the xDS side writes their actions in the form gRPC reads
//    (xds/route-timeout.ts, xds/filters/fault.ts) with a route encoder of the gRPC views' own.
//  - Its clusters are the clusters those routes reference; the xDS side encodes them in the
//    form gRPC accepts (xds/grpc-resources.ts).
// Views without any gRPC listener are left out. A gRPC service's own route that gRPC cannot
// run still breaks its table for gRPC clients: that is reported (ML4023) at review time.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrListener, IrRoute, IrRouteTable, IrView, IrVirtualHost } from '../ir/types.ts';
import { isAddressDomain } from './hosts.ts';
import { virtualHostName } from './names.ts';
import type { Registry } from './registry.ts';

/** The gRPC view matching a sidecar view: `grpc` for `sidecar`, `grpc~<ns>` for `sidecar~<ns>`. */
export function grpcViewName(namespace: string | null): string {
  return namespace === null ? 'grpc' : `grpc~${namespace}`;
}

/** Route table of a gRPC view for one port: only the gRPC services' virtual hosts. */
export function grpcRouteTableName(port: number): string {
  return `${GRPC_TABLE_PREFIX}${port}`;
}

/** What a gRPC view's route table name adds to the sidecar table it mirrors (`9080` → `grpc.9080`). */
export const GRPC_TABLE_PREFIX = 'grpc.';

/** Virtual host names (`<host>:<port>`) of every service port that speaks gRPC. */
export function grpcVirtualHostNames(registry: Registry): Set<string> {
  const out = new Set<string>();
  for (const svc of registry.services) {
    for (const port of svc.ports) if (port.protocol === 'GRPC') out.add(virtualHostName(svc.host, port.number));
  }
  return out;
}

/** gRPC views derived from the sidecar views; [] when the mesh has no gRPC port. */
export function grpcViews(sidecarViews: readonly IrView[], grpcHosts: ReadonlySet<string>, diagnostics: Diagnostic[]): IrView[] {
  if (grpcHosts.size === 0) return [];
  const out: IrView[] = [];
  // Sidecar virtual hosts are shared between views (sidecar-plan.ts virtualHostFor), and so
  // are their gRPC forms and listeners: built once per compile, and equal tables then encode
  // once. A plain Map: it lives for this call only (WeakMaps cost the GC more at this size).
  const forGrpc = new Map<IrVirtualHost, GrpcHost>();
  for (const view of sidecarViews) {
    const grpc = grpcView(view, grpcHosts, forGrpc);
    if (grpc) out.push(grpc);
  }
  reportUnrunnableRoutes(out, diagnostics);
  return out;
}

/** ML4023 for each route in a gRPC route table that gRPC's client rejects the table for (once per route). */
function reportUnrunnableRoutes(views: readonly IrView[], diagnostics: Diagnostic[]): void {
  const seen = new Set<readonly IrRoute[]>(); // views share routes arrays
  const reported = new Set<string>();
  for (const view of views) {
    for (const table of view.routeTables) {
      for (const vh of table.virtualHosts) {
        if (seen.has(vh.routes)) continue;
        seen.add(vh.routes);
        for (const route of vh.routes) {
          const what =
            route.action.kind === 'redirect' ? 'is a redirect' : route.action.kind === 'direct_response' ? 'is a direct response' : route.cors ? 'has a CORS policy' : undefined;
          if (!what || reported.has(route.name)) continue;
          reported.add(route.name);
          const s = route.source;
          const where = s
            ? { file: s.file, line: s.line, column: s.column, field: s.field, resource: { kind: s.kind, namespace: s.namespace, name: s.name } }
            : {};
          diagnostics.push(
            diagnostic('ML4023', `route ${route.name} of gRPC service ${vh.name} ${what}: proxyless gRPC clients reject route table ${table.name} because of it`, where),
          );
        }
      }
    }
  }
}

function grpcView(sidecar: IrView, grpcHosts: ReadonlySet<string>, forGrpc: Map<IrVirtualHost, GrpcHost>): IrView | undefined {
  const tables = new Map(sidecar.routeTables.map((t) => [t.name, t]));
  const listeners: IrListener[] = [];
  const routeTables: IrRouteTable[] = [];
  const clusters = new Set<string>();
  for (const l of sidecar.listeners) {
    const table = tables.get(l.routeTableName);
    const vhosts: IrVirtualHost[] = [];
    for (const vh of table?.virtualHosts ?? []) {
      if (!grpcHosts.has(vh.name)) continue;
      const g = grpcHost(vh, l.port, forGrpc);
      // A host written with a trailing dot (ML3055) answers only to names ending in a dot,
      // which gRPC takes none of: no target names it, and a virtual host needs a domain.
      if (g.vhost.domains.length === 0) continue;
      vhosts.push(g.vhost);
      for (const listener of g.listeners) listeners.push(listener);
      addClusters(vh.routes, clusters);
    }
    if (vhosts.length === 0) continue;
    routeTables.push({ name: grpcRouteTableName(l.port), virtualHosts: vhosts });
  }
  if (listeners.length === 0) return undefined;
  const namespace = sidecar.namespaces[0] ?? null;
  return {
    name: grpcViewName(namespace),
    kind: 'grpc',
    namespaces: [...sidecar.namespaces],
    listeners: listeners.sort((a, b) => compare(a.name, b.name)),
    routeTables: routeTables.sort((a, b) => compare(a.name, b.name)),
    clusterNames: [...clusters].sort(compare),
  };
}

/** A sidecar virtual host as gRPC views serve it, with its API listeners. */
interface GrpcHost {
  readonly vhost: IrVirtualHost;
  readonly listeners: readonly IrListener[];
}

/**
 * A sidecar virtual host for gRPC's client, which matches the target's authority with its
 * port (Istio keeps the port forms for proxyless gRPC: SidecarIgnorePort): each domain also
 * with `:<port>`, the service's addresses too (`10.96.0.10:9080`, `[fd00::10]:9080`); the
 * absolute FQDN (`name.`) neither plain nor with the port, since gRPC Java rejects a domain
 * ending in a dot (Istio turns it off for gRPC Java clients). The routes stay the sidecar's
 * own array. One per sidecar virtual host (`made`): each belongs to one port, its table's.
 */
function grpcHost(vh: IrVirtualHost, port: number, made: Map<IrVirtualHost, GrpcHost>): GrpcHost {
  let out = made.get(vh);
  if (out) return out;
  const suffix = `:${port}`;
  const domains: string[] = [];
  const names: string[] = [];
  for (const d of vh.domains) {
    if (d.endsWith('.')) continue;
    domains.push(d);
    if (d === '*') continue;
    domains.push(d + suffix);
    if (isListenerName(d)) names.push(d + suffix);
  }
  const vhost = { ...vh, domains: domains.sort(compare) };
  const routeTableName = grpcRouteTableName(port);
  const statPrefix = `grpc_${port}`;
  const listeners = names.sort(compare).map((name): IrListener => ({ name, address: '', port, routeTableName, statPrefix }));
  made.set(vh, (out = { vhost, listeners }));
  return out;
}

/**
 * Whether a gRPC target may name this domain (with the port) for a listener of its own.
 * Wildcard domains (ServiceEntry `*.example.com`) name no single target. Nor do addresses:
 * istiod answers a gRPC client's listener request only for names of services (grpcgen
 * lds.go), so a target `xds:///10.96.0.10:9080` gets no listener there either.
 */
function isListenerName(d: string): boolean {
  return !d.includes('*') && !isAddressDomain(d);
}

function addClusters(routes: readonly IrRoute[], into: Set<string>): void {
  for (const r of routes) {
    if (r.action.kind !== 'forward') continue;
    for (const d of r.action.destinations) into.add(d.cluster);
    for (const m of r.action.mirrors) into.add(m.cluster);
  }
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
