// explain for a connection a TCP proxy takes: on a sidecar port that is not HTTP, a gateway TCP
// server's port, or an HTTP port a TLS/HTTPS service shares (its chain, picked by SNI, comes
// before the connection manager). No route applies, so the request line and headers play no
// part. The listener picks a filter chain by the SNI name of a TLS connection (an https
// request's host), else the chain without names (a TCP service); that chain proxies the
// connection whole to its weighted clusters.
import type { IrListener, IrTcpChain, IrView, MeshIR } from '../compile/ir/types.ts';
import { explainDestinations } from './outcome.ts';
import { tlsChainFor } from './tls-chain.ts';
import type { ExplainRequest, Explanation } from './types.ts';

/** `servicePort`: the gateway Service's port the connection was made to, when the listener binds its targetPort (pick-listener.ts). */
export function explainTcpListener(ir: MeshIR, view: IrView, listener: IrListener, chains: readonly IrTcpChain[], request: ExplainRequest, servicePort?: number): Explanation {
  const base = { request, view: view.name, tried: [] };
  const listenerInfo = { name: listener.name, port: listener.port, ...(servicePort !== undefined ? { servicePort } : {}), routeTable: listener.routeTableName };
  const tls = request.scheme === 'https';
  const chain = tls ? tlsChainFor(chains, request.host) : chains.find((c) => c.serverNames.length === 0);
  if (!chain) {
    const named = chains.map((c) => c.serverNames.join(', ')).join('; ');
    const detail = tls
      ? `no service on port ${listener.port} answers the SNI name "${request.host}" (by SNI: ${named}), so Envoy closes the connection`
      : `port ${listener.port} carries TLS services only, picked by SNI (${named}); a connection without TLS matches none, so Envoy closes it (try https://)`;
    return { ...base, listener: listenerInfo, outcome: { kind: 'connection_closed', detail } };
  }
  return {
    ...base,
    listener: { ...listenerInfo, tcp: { service: chain.host, serverNames: chain.serverNames } },
    ...(chain.source ? { route: { position: 1, name: chain.name, match: chain.serverNames.length > 0 ? `SNI ${chain.serverNames.join(', ')}` : 'any connection', source: chain.source } } : {}),
    hint: [
      listener.routeTableName === ''
        ? `port ${listener.port} is not HTTP ${view.kind === 'gateway' ? 'on this gateway' : 'on sidecars'}: the connection is proxied whole, so the method, path and headers play no part`
        : `port ${listener.port} serves HTTP too, but the SNI name picks ${chain.host}'s TCP proxy first: the connection is proxied whole, so the method, path and headers play no part`,
      ...(view.kind !== 'gateway' && chain.serverNames.length === 0 && !namesService(request.host, chain.host)
        ? [`the listener is ${chain.host}'s: a connection to ${request.host}:${listener.port} goes there too`]
        : []),
    ].join('; '),
    outcome: { kind: 'tcp_proxy', chain: chain.name, service: chain.host, destinations: explainDestinations(chain.destinations, ir) },
  };
}

/** Whether `name` is one of the names clients reach `host` by (the host, or a shorter form of a service's FQDN). */
function namesService(name: string, host: string): boolean {
  return name === host || host.startsWith(`${name}.`);
}
