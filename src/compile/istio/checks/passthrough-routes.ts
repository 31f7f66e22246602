// Routes to clusters that pass each request through to the address the client dialled
// (ML4033): a `resolution: NONE` service, or a DestinationRule with `loadBalancer: PASSTHROUGH`,
// compiles to an ORIGINAL_DST cluster. meshlog's proxies are reached on listeners bound to the
// port, not through a redirect that keeps that address, so Envoy has no host to pick and answers
// 503 "no healthy upstream" (test/envoy/live-routing.test.ts checks it with a real Envoy). Read
// from the compiled routes, so a host whose VirtualService sends its requests elsewhere, or a
// ServiceEntry another definition of the host overrides, draws nothing. Reported once per rule
// (a VirtualService's) or per service port (a host's default route). The TCP side is ML4032's.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { IrCluster, IrRoute, MeshIR } from '../../ir/types.ts';
import { isWildcard } from '../hosts.ts';
import { servicePortAt, type Registry } from '../registry.ts';

export function checkPassthroughRoutes(ir: MeshIR, registry: Registry, diagnostics: Diagnostic[]): void {
  const passthrough = new Map<string, IrCluster>();
  for (const c of ir.clusters) if (c.loadBalancer.kind === 'passthrough') passthrough.set(c.name, c);
  if (passthrough.size === 0) return; // nearly every mesh: nothing to scan
  const reported = new Set<string>();
  const seen = new Set<IrRoute>(); // views share route objects
  for (const view of ir.views) {
    if (view.kind === 'grpc') continue; // the sidecar views' routes again
    for (const table of view.routeTables) {
      for (const vh of table.virtualHosts) {
        for (const route of vh.routes) {
          if (route.action.kind !== 'forward' || seen.has(route)) continue;
          seen.add(route);
          const name = route.action.destinations.find((d) => passthrough.has(d.cluster))?.cluster;
          if (name === undefined) continue;
          const cluster = passthrough.get(name)!;
          const key = route.source ? `${route.source.file}|${route.source.field}` : name;
          if (reported.has(key)) continue;
          reported.add(key);
          diagnostics.push(passthroughDiagnostic(route, cluster, registry));
        }
      }
    }
  }
}

function passthroughDiagnostic(route: IrRoute, cluster: IrCluster, registry: Registry): Diagnostic {
  const { host, port } = cluster;
  const svc = registry.forCluster(host, port);
  const none = svc?.resolution === 'none';
  const why = none ? `${host} has resolution NONE` : `the DestinationRule for ${host} sets loadBalancer PASSTHROUGH`;
  const consequence =
    'which sends each request on to the address the client dialled; a proxy listener bound to the port does not know that address, so Envoy answers';
  const fix = !none
    ? 'Use another loadBalancer'
    : isWildcard(host)
      ? 'List the host names with resolution DNS (DNS needs names, not wildcards), or use STATIC with endpoints'
      : 'Use resolution DNS (Envoy resolves the host), or STATIC with endpoints';
  const source = route.source;
  if (source) {
    return diagnostic('ML4033', `${source.field} sends requests to ${host}:${port}, and ${why}, ${consequence} them with 503 (no healthy upstream). ${fix}`, {
      file: source.file,
      line: source.line,
      column: source.column,
      field: source.field,
      resource: { kind: source.kind, namespace: source.namespace, name: source.name },
    });
  }
  // The host's default route: said where its port is defined.
  const protocol = svc?.ports.find((p) => p.number === port)?.protocol ?? 'HTTP';
  const where = svc ? servicePortAt(svc, port) : {};
  return diagnostic('ML4033', `${host} port ${port} (${protocol}): ${why}, ${consequence} every request for it with 503 (no healthy upstream). ${fix}`, where);
}
