// Gateway TCP servers (protocol TCP, Mongo, Redis or MySQL, without tls): the port's listener
// proxies each connection whole to where a VirtualService bound to the Gateway sends it, as
// Istio builds a gateway TCP server's filter chain: the VirtualServices bound to the server's
// Gateway whose hosts the server exposes, in merge order, and the first of their tcp rules that
// applies to the port and the Gateway. A TCP connection names no host, so a port has one chain:
// the first such rule of its servers (Gateways by namespace, then name; servers in order).
// A TCP server no tcp rule routes gets no listener (ML4018), as in Istio.
//
// A TLS passthrough server (TLS or HTTPS with `tls.mode: PASSTHROUGH`) leaves TLS to the
// upstream: its port's listener picks a filter chain by the SNI name the client sends, one per
// applying match entry of the bound VirtualServices' tls rules, for the `sniHosts` the server
// exposes (the more specific of the two names); a name an earlier chain answers stays there.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrListener, IrTcpChain, IrTlsChain } from '../ir/types.ts';
import { exact } from './exact.ts';
import { boundVirtualServices, mergeOrder, serverAdmits, type GatewayInfo, type GatewayServer } from './from-gateway.ts';
import { serverPortText } from './gateway-service-ports.ts';
import { matchApplies, type LoadedVs, type RouteContext } from './from-virtual-service.ts';
import { moreSpecific } from './hosts.ts';
import type { GatewayGroup } from './gateway-groups.ts';
import { listenerName } from './names.ts';
import { weightedClusters } from './route-action.ts';
import { passthroughHost, tcpRule } from './tcp-listeners.ts';
import { at, cmp, sourceOf } from './where.ts';

export interface GatewayTcp {
  /** Listeners of TCP ports, and of passthrough ports no HTTPS server shares. */
  readonly listeners: IrListener[];
  /** By HTTPS port: the passthrough chains that share it, picked by SNI beside the HTTPS servers' chains. */
  readonly passthroughOnHttps: ReadonlyMap<number, IrTcpChain[]>;
}

export function gatewayTcpListeners(group: GatewayGroup, vss: readonly LoadedVs[], ctx: RouteContext, diagnostics: Diagnostic[]): GatewayTcp {
  const servers = new Map<number, Candidate[]>();
  for (const info of group.members) {
    for (const server of info.servers) {
      if (!(server.tcp || server.passthrough) || !group.compiles(server)) continue;
      servers.set(server.port, [...(servers.get(server.port) ?? []), { info, server }]);
    }
  }
  const listeners: IrListener[] = [];
  const passthroughOnHttps = new Map<number, IrTcpChain[]>();
  for (const port of [...servers.keys()].sort((a, b) => a - b)) {
    const candidates = servers.get(port)!;
    const address = group.bind(port) || ctx.settings.ir.bindAddress;
    if (candidates[0]!.server.passthrough) {
      const https = group.tlsChains.get(port);
      const chains = passthroughChains(candidates, https ?? [], vss, ctx, diagnostics);
      if (chains.length === 0) continue;
      if (https) passthroughOnHttps.set(port, chains);
      else listeners.push({ name: listenerName(address, port), address, port, routeTableName: '', statPrefix: `gateway_${port}`, tcp: chains });
      continue;
    }
    const found = firstRoute(candidates, vss, ctx);
    if (!found) {
      for (const { info, server } of candidates) {
        diagnostics.push(
          diagnostic(
            'ML4018',
            `TCP server on port ${serverPortText(server)} is not compiled: no VirtualService bound to this Gateway with a host the server exposes has a tcp rule for port ${server.servicePort}, so connections to it are refused`,
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
          `TCP server on port ${serverPortText(found.server)} is not compiled: its tcp rule sends connections to ${found.passthrough}, which has resolution NONE (passing each connection on to the address the client dialled), and the gateway's listener bound to the port does not know that address. Use resolution DNS, or STATIC with endpoints`,
          at(found.info.gateway, ['spec', 'servers', found.server.index]),
        ),
      );
      continue;
    }
    const chain = [{ serverNames: [], ...found.route }];
    listeners.push({ name: listenerName(address, port), address, port, routeTableName: '', statPrefix: `gateway_${port}`, tcp: chain });
  }
  return { listeners, passthroughOnHttps };
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
    // On the server's Service port, as Istio matches a gateway's tcp rules (pilot/pkg/networking/core/gateway.go:927, :1125).
    const routed = tcpRule(vs, server.servicePort, { kind: 'gateway', gateways: [info.key], namespace: info.gateway.metadata.namespace }, ctx, ids);
    if (!routed) continue;
    const passthrough = passthroughHost(ids, ctx);
    if (passthrough !== undefined) return { passthrough };
    ctx.clusters.addAll(ids);
    return { host, ...routed };
  }
  return undefined;
}

/**
 * The chains of a TLS passthrough port: its servers in order, each's bound VirtualServices' tls
 * rules (see the file comment). Names the port's HTTPS servers answer (`https`) stay theirs; a
 * match for `*` is the chain without names, which takes connections no other chain names.
 */
function passthroughChains(candidates: readonly Candidate[], https: readonly IrTlsChain[], vss: readonly LoadedVs[], ctx: RouteContext, diagnostics: Diagnostic[]): IrTcpChain[] {
  const taken = new Set<string>(https.flatMap((c) => (c.serverNames.length > 0 ? c.serverNames : [ANY])));
  const chains: IrTcpChain[] = [];
  const refused = new Set<string>(); // rules sending to resolution NONE hosts, reported once each
  for (const { info, server } of candidates) {
    const scope = { kind: 'gateway', gateways: [info.key], namespace: info.gateway.metadata.namespace } as const;
    let routed = false;
    let shadowed = false; // a rule matched, but every name it matched was already answered
    for (const vs of mergeOrder(boundVirtualServices(info, vss))) {
      const rules = vs.spec.tls ?? [];
      for (let i = 0; i < rules.length; i++) {
        for (const m of rules[i]!.match) {
          if (!matchApplies(vs, m, scope, server.servicePort)) continue; // the Service port, as tcp rules
          const names = new Set<string>();
          for (const raw of m.sniHosts) {
            const sni = raw.toLowerCase();
            for (const sh of server.hosts) if (serverAdmits(sh, sni, vs.metadata.namespace)) names.add(moreSpecific(sh.host, sni));
          }
          const free = [...names].filter((n) => !taken.has(n)).sort(cmp);
          if (names.size > 0 && free.length === 0) shadowed = true;
          if (free.length === 0) continue;
          routed = true; // a rule takes the server's connections, compiled or refused
          const ids: number[] = [];
          const destinations = weightedClusters(vs, rules[i]!.route ?? [], server.servicePort, ctx, ids, (_, cluster, weight) => ({ cluster, weight }));
          if (destinations.length === 0) continue; // invalid (ML3002/ML3004): not compiled anyway
          const passthrough = passthroughHost(ids, ctx);
          const rule = `${vs.metadata.namespace}/${vs.metadata.name}/${i}`;
          if (passthrough !== undefined) {
            if (!refused.has(rule)) {
              refused.add(rule);
              diagnostics.push(diagnostic('ML4032', `spec.tls[${i}] gets no filter chain on the gateway's port ${serverPortText(server)}: it sends connections to ${passthrough}, which has resolution NONE, and a listener bound to the port does not know the address the client dialled, so the connections it matches are closed. Use resolution DNS, or STATIC with endpoints`, at(vs, ['spec', 'tls', i])));
            }
            for (const n of free) taken.add(n); // fail closed: no later rule takes these names either
            continue;
          }
          ctx.clusters.addAll(ids);
          for (const n of free) taken.add(n);
          const { namespace, name } = vs.metadata;
          const serverNames = free.filter((n) => n !== ANY); // `*` alone: Envoy takes no such name; no names means any
          chains.push({ host: free[0]!, serverNames, name: ['vs', namespace, name, 'tls', i].join('/'), destinations: exact(destinations), source: sourceOf(vs, ['spec', 'tls', i]) });
        }
      }
    }
    if (!routed) {
      const why = shadowed
        ? `the names its tls rules match are answered by an HTTPS server on the port or an earlier passthrough rule (a name an HTTPS server lists stays with it)`
        : `no VirtualService bound to this Gateway has a tls rule for port ${server.servicePort} whose sniHosts the server exposes, so its connections are closed`;
      diagnostics.push(diagnostic('ML4018', `TLS passthrough server on port ${serverPortText(server)} is not compiled: ${why}`, at(info.gateway, ['spec', 'servers', server.index])));
    }
  }
  // The chain without names last, as in every listener meshlog builds.
  return [...chains.filter((c) => c.serverNames.length > 0), ...chains.filter((c) => c.serverNames.length === 0)];
}

const ANY = '*';
