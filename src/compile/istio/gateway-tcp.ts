// Gateway TCP servers (protocol TCP, Mongo, Redis or MySQL, without tls): the port's listener
// proxies each connection whole to where a VirtualService bound to the Gateway sends it, as
// Istio builds a gateway TCP server's filter chain: the VirtualServices bound to the server's
// Gateway whose hosts the server exposes, in merge order, and the first of their tcp rules that
// applies to the port and the Gateway. A TCP connection names no host, so a port has one chain:
// the first such rule of its servers (Gateways by namespace, then name; servers in order).
// A TCP server no tcp rule routes gets no listener (ML4018), as in Istio.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrListener } from '../ir/types.ts';
import { boundVirtualServices, mergeOrder, serverAdmits, type GatewayInfo, type GatewayServer } from './from-gateway.ts';
import type { LoadedVs, RouteContext } from './from-virtual-service.ts';
import type { GatewayGroup } from './gateway-groups.ts';
import { listenerName } from './names.ts';
import { passthroughHost, tcpRule } from './tcp-listeners.ts';
import { at } from './where.ts';

export function gatewayTcpListeners(group: GatewayGroup, vss: readonly LoadedVs[], ctx: RouteContext, diagnostics: Diagnostic[]): IrListener[] {
  const servers = new Map<number, Candidate[]>();
  for (const info of group.members) {
    for (const server of info.servers) {
      if (!server.tcp || !group.compiles(server)) continue;
      servers.set(server.port, [...(servers.get(server.port) ?? []), { info, server }]);
    }
  }
  const address = ctx.settings.ir.bindAddress;
  const listeners: IrListener[] = [];
  for (const port of [...servers.keys()].sort((a, b) => a - b)) {
    const candidates = servers.get(port)!;
    const found = firstRoute(candidates, vss, ctx);
    if (!found) {
      for (const { info, server } of candidates) {
        diagnostics.push(
          diagnostic(
            'ML4018',
            `TCP server on port ${port} is not compiled: no VirtualService bound to this Gateway with a host the server exposes has a tcp rule for port ${port}, so connections to it are refused`,
            at(info.gateway, ['spec', 'servers', server.index]),
          ),
        );
      }
      continue;
    }
    if ('passthrough' in found) {
      diagnostics.push(
        diagnostic(
          'ML4032',
          `TCP server on port ${port} is not compiled: its tcp rule sends connections to ${found.passthrough}, which has resolution NONE (passing each connection on to the address the client dialled), and the gateway's listener bound to the port does not know that address. Use resolution DNS, or STATIC with endpoints`,
          at(found.info.gateway, ['spec', 'servers', found.server.index]),
        ),
      );
      continue;
    }
    const chain = [{ serverNames: [], ...found.route }];
    listeners.push({ name: listenerName(address, port), address, port, routeTableName: '', statPrefix: `gateway_${port}`, tcp: chain });
  }
  return listeners;
}

type Candidate = { readonly info: GatewayInfo; readonly server: GatewayServer };

/** The first tcp rule of the port's servers, in order; or the host it would pass connections through to (not compiled). */
function firstRoute(candidates: readonly Candidate[], vss: readonly LoadedVs[], ctx: RouteContext) {
  for (const c of candidates) {
    const routed = routeOf(c.info, c.server, vss, ctx);
    if (routed && 'passthrough' in routed) return { ...c, passthrough: routed.passthrough };
    if (routed) return { ...c, route: routed };
  }
  return undefined;
}

/**
 * The first tcp rule for `server`: its VirtualServices in merge order, each's first rule that
 * applies; or the host it would pass connections through to (resolution NONE: not compiled).
 */
function routeOf(info: GatewayInfo, server: GatewayServer, vss: readonly LoadedVs[], ctx: RouteContext) {
  for (const vs of mergeOrder(boundVirtualServices(info, vss))) {
    if (!vs.spec.tcp?.length) continue;
    const host = (vs.spec.hosts ?? []).map((h) => ctx.registry.resolve(h, vs.metadata.namespace)).find((h) => server.hosts.some((sh) => serverAdmits(sh, h, vs.metadata.namespace)));
    if (host === undefined) continue;
    const ids: number[] = [];
    const routed = tcpRule(vs, server.port, { kind: 'gateway', gateways: [info.key], namespace: info.gateway.metadata.namespace }, ctx, ids);
    if (!routed) continue;
    const passthrough = passthroughHost(ids, ctx);
    if (passthrough !== undefined) return { passthrough };
    ctx.clusters.addAll(ids);
    return { host, ...routed };
  }
  return undefined;
}
