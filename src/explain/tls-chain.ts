// Which TLS filter chain of a gateway HTTPS listener takes a connection, as Envoy picks it: by
// the SNI name the client sends (the request's host), exact names first, then wildcard names
// from the longest suffix (`*.b.example.com` before `*.example.com`), then a chain that lists
// no names. None: Envoy closes the connection.
import type { IrListener, IrTlsChain } from '../compile/ir/types.ts';
import type { ExplainRequest } from './types.ts';

export function tlsChainFor<C extends Pick<IrTlsChain, 'serverNames'>>(chains: readonly C[], sni: string): C | undefined {
  const exact = chains.find((c) => c.serverNames.includes(sni));
  if (exact) return exact;
  for (let dot = sni.indexOf('.'); dot >= 0; dot = sni.indexOf('.', dot + 1)) {
    const wildcard = `*${sni.slice(dot)}`;
    const hit = chains.find((c) => c.serverNames.includes(wildcard));
    if (hit) return hit;
  }
  return chains.find((c) => c.serverNames.length === 0);
}

/** Why the listener closes the request's connection before any routing, or undefined when it does not. */
export function tlsRefusal(listener: IrListener, request: ExplainRequest, viewKind: string): string | undefined {
  if (!listener.tls) {
    // A plain HTTP listener has no TLS to offer: Envoy reads the ClientHello as a malformed
    // HTTP request and closes the connection, on a sidecar port as on a gateway's. (A TLS
    // service sharing the port was matched by SNI before this, as a TCP chain.) gRPC views
    // are read by gRPC's own client, which makes no TLS connection to a proxy port.
    if (request.scheme !== 'https' || viewKind === 'grpc') return undefined;
    return viewKind === 'gateway'
      ? `listener ${listener.name} serves plain HTTP (no HTTPS server on port ${listener.port}), so the TLS handshake of an https request fails`
      : `listener ${listener.name} proxies plain HTTP (port ${listener.port} is an HTTP port of its services, not HTTPS or TLS), so the TLS handshake of an https request fails (use http://, or declare the port HTTPS or TLS)`;
  }
  if (request.scheme !== 'https') return `listener ${listener.name} terminates TLS (an HTTPS server), so a plain http request gets no answer`;
  if (!tlsChainFor(listener.tls, request.host)) {
    return `no HTTPS server on port ${listener.port} has a certificate for "${request.host}" (the SNI name), so Envoy closes the connection`;
  }
  return undefined;
}
