// Sidecar listeners for service ports that are not HTTP (TCP, TLS, HTTPS, Mongo, Redis, MySQL):
// a connection there carries no Host header to route by, so it is proxied whole (Envoy
// tcp_proxy) to where the service's VirtualService tcp rules send it, else to the service.
//
// meshlog's sidecar listeners are one per port (`<bind>_<port>`), not one per service address
// as Istio's are, so services sharing a port are told apart only by what the connection
// carries: TLS and HTTPS services by the SNI name the client sends (a filter chain each), a
// TCP service not at all: the first by host keeps the port's one chain without names, and the
// others are reported (ML4030), as is a TCP service on a port sidecars serve as HTTP.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrListener, IrTcpChain } from '../ir/types.ts';
import type { ClusterCollector } from './cluster-catalog.ts';
import { uncompiledL4Condition } from './checks/destinations.ts';
import { exact } from './exact.ts';
import { matchApplies, type LoadedVs, type RouteContext, type Scope } from './from-virtual-service.ts';
import { defaultRouteName, listenerName } from './names.ts';
import { isSniProtocol, isTcpProxied } from './protocols.ts';
import type { RegistryService } from './registry.ts';
import { destinationCluster } from './route-action.ts';
import type { SidecarShared, VsIndex } from './sidecar-plan.ts';
import { at, sourceOf } from './where.ts';

/**
 * The TCP listeners of one sidecar view: `services` are the view's (one per host, by host),
 * `httpPorts` the ports it already serves as HTTP. Clusters the chains send to join `clusters`.
 */
export function tcpListeners(
  services: readonly RegistryService[],
  httpPorts: ReadonlySet<number>,
  index: VsIndex,
  scope: Scope & { readonly kind: 'mesh' },
  shared: SidecarShared,
  clusters: ClusterCollector,
): IrListener[] {
  const byPort = new Map<number, { sni: RegistryService[]; plain: RegistryService[] }>();
  for (const svc of services) {
    for (const p of svc.ports) {
      if (!isTcpProxied(p.protocol)) continue;
      if (httpPorts.has(p.number)) {
        report(shared, svc, p.number, `${svc.host} port ${p.number} is ${p.protocol}, but sidecars serve port ${p.number} as HTTP for other services, so its connections are handled as HTTP requests; give it a port no HTTP service uses`);
        continue;
      }
      let slot = byPort.get(p.number);
      if (!slot) byPort.set(p.number, (slot = { sni: [], plain: [] }));
      (isSniProtocol(p.protocol) ? slot.sni : slot.plain).push(svc);
    }
  }
  const address = shared.ctx.settings.ir.bindAddress;
  const listeners: IrListener[] = [];
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const { sni, plain } = byPort.get(port)!;
    const chains: IrTcpChain[] = sni.map((svc) => chainFor(svc, port, [svc.host], index, scope, shared, clusters));
    const [first, ...others] = plain;
    for (const svc of others) {
      report(shared, svc, port, `${svc.host} and ${first!.host} both take TCP port ${port}: sidecar listeners are per port, so connections to port ${port} go to ${first!.host}; give one of them another port`);
    }
    if (first) chains.push(chainFor(first, port, [], index, scope, shared, clusters));
    listeners.push({ name: listenerName(address, port), address, port, routeTableName: '', statPrefix: `outbound_${port}`, tcp: chains });
  }
  return listeners;
}

function chainFor(
  svc: RegistryService,
  port: number,
  serverNames: string[],
  index: VsIndex,
  scope: Scope,
  shared: SidecarShared,
  clusters: ClusterCollector,
): IrTcpChain {
  const ids: number[] = [];
  const vs = index.vsFor(svc.host);
  const routed = vs ? tcpRule(vs, port, scope, shared.ctx, ids) : undefined;
  clusters.addAll(ids);
  if (routed) return { host: svc.host, serverNames, ...routed };
  const id = shared.catalog.id(svc.host, port, '');
  clusters.add(id);
  return { host: svc.host, serverNames, name: defaultRouteName(svc.host, port), destinations: [{ cluster: shared.catalog.name(id), weight: 100 }] };
}

/** The first tcp rule of `vs` that takes connections on `port` in `scope`: its name, weighted clusters and source. */
export function tcpRule(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext, ids: number[]): Pick<IrTcpChain, 'name' | 'destinations' | 'source'> | undefined {
  const rules = vs.spec.tcp ?? [];
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const matches = rule.match ?? [];
    const applies = matches.length === 0 ? matchApplies(vs, undefined, scope, port) : matches.some((m) => !uncompiledL4Condition(m) && matchApplies(vs, m, scope, port));
    if (!applies) continue;
    const routes = rule.route ?? [];
    const destinations: { cluster: string; weight: number }[] = [];
    for (const r of routes) {
      const weight = routes.length === 1 ? 100 : (r.weight ?? 0);
      if (weight <= 0) continue; // Istio drops zero-weight destinations
      const cluster = destinationCluster(vs, r.destination, port, ctx, ids);
      const same = destinations.find((d) => d.cluster === cluster);
      if (same) same.weight += weight; // the same cluster twice: one weighted entry
      else destinations.push({ cluster, weight });
    }
    if (destinations.length === 0) continue; // invalid (ML3002/ML3004): not compiled anyway
    const { namespace, name } = vs.metadata;
    return { name: ['vs', namespace, name, 'tcp', i].join('/'), destinations: exact(destinations), source: sourceOf(vs, ['spec', 'tcp', i]) };
  }
  return undefined;
}

/** ML4030 once per service and port, however many views meet the conflict. */
function report(shared: SidecarShared, svc: RegistryService, port: number, message: string): void {
  const key = `ML4030|${svc.host}|${port}`;
  if (shared.reported.has(key)) return;
  shared.reported.add(key);
  const portIndex = svc.ports.findIndex((p) => p.number === port);
  const path = svc.origin.kind === 'ServiceEntry' || svc.origin.kind === 'Service' ? ['spec', 'ports', portIndex] : ['metadata', 'name'];
  shared.diagnostics.push(diagnostic('ML4030', message, at(svc.origin, portIndex >= 0 ? path : ['metadata', 'name'])));
}
