// ML4009: Gateways of one view (the very same selector, so the same proxies) claiming one host
// on one listener port, one diagnostic per Gateway. A repository records no creation time, the
// order Istio would merge such servers in, so meshlog asks for one owner per host and port.
//
// The `namespace/` part of a server host counts where it tells the servers apart, as Istio's
// analyzer compares the hosts as written, namespace part included
// (pkg/config/analysis/analyzers/gateway/conflictinggateway.go:139, model.CheckDuplicates):
// `ns-1/*.example.com` and `ns-2/*.example.com` are a shared-ingress pattern (one Gateway per
// team, gateway_simulation_test.go "multiple wildcards with virtual service disambiguator").
// Where Istio's analyzer compares text, meshlog compares what the hosts admit: `./h` is the
// Gateway's own namespace, `*/h` and `h` every namespace (as istiod reads them,
// pilot/pkg/model/gateway.go:677 sanitizeServerHostNamespace), so `*/h` and `ns-1/h` both give
// ns-1's VirtualServices the host and still conflict.
//
// Only servers whose hosts reach clients through VirtualServices can be told apart that way:
// - plain HTTP servers share the port's one route table, where each VirtualService is filed
//   only under the hosts its Gateway's server exposes to its namespace (gateway-hosts.ts;
//   Istio: gateway.go:450, host.NamesForNamespace), so disjoint namespaces never meet;
// - TLS passthrough servers get a chain per VirtualService tls rule (gateway-tcp.ts), admitted
//   the same way.
// Not an HTTPS server that terminates TLS: its certificate is picked by the SNI name, which has
// no namespace part (istiod strips it, gateway.go:564 GetSNIHostsForServer, and two chains for one
// name make Envoy reject the listener). Nor a server with `tls.httpsRedirect`, whose redirect
// is per host name whoever routes it, nor a TCP server, whose port takes one route whole.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { GatewayInfo, GatewayServer, ServerHost } from '../from-gateway.ts';
import { admitSameNamespace } from '../from-gateway.ts';
import { serverPortText } from '../gateway-service-ports.ts';
import { isHttpProtocol } from '../protocols.ts';
import { cmp, describe, at, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';

interface Claim {
  readonly info: GatewayInfo;
  readonly server: GatewayServer;
  readonly host: ServerHost;
}

export function checkGatewayClaims(ctx: CheckContext): void {
  // selector + listener port + bind + host name → claims; Gateways with equal selectors serve the
  // same workloads, and servers whose Service ports send to one port share its listener, unless
  // their binds differ: Istio gives each address a listener of its own, and its analyzer compares
  // binds too (model.CheckDuplicates); meshlog leaves the later one out instead (ML4018).
  const claims = new Map<string, Claim[]>();
  for (const info of ctx.gateways.values()) {
    // A Gateway without selector is a view of its own (reached through node.cluster only): it
    // shares no proxy with another.
    if (Object.keys(info.selector).length === 0) continue;
    const selector = JSON.stringify(Object.entries(info.selector).sort());
    for (const server of info.servers) {
      for (const host of server.hosts) {
        const key = `${selector}|${server.port}|${server.bind}|${host.host}`;
        const list = claims.get(key);
        if (list) list.push({ info, server, host });
        else claims.set(key, [{ info, server, host }]);
      }
    }
  }
  for (const list of claims.values()) {
    if (list.length < 2) continue;
    for (const c of list) {
      const others = list.filter((o) => o.info !== c.info && conflict(c, o)).sort((a, b) => cmp(a.info.key, b.info.key));
      if (others.length === 0) continue;
      const path = hostPath(c);
      ctx.diagnostics.push(
        diagnostic('ML4009', `host ${written(c)} on port ${serverPortText(c.server)} is also claimed for the same workloads by ${others.map((o) => claimedAs(o, c)).join(', ')}${why(c, others)}`, {
          ...at(c.info.gateway, path),
          related: others.map((o) => relatedOf(o.info.gateway, hostPath(o))),
        }),
      );
    }
  }
}

/** Two claims of one host name on one port, by different Gateways of one view: can they meet? */
function conflict(a: Claim, b: Claim): boolean {
  return !(byNamespace(a.server) && byNamespace(b.server) && a.server.passthrough === b.server.passthrough) || admitSameNamespace(a.host, b.host);
}

/**
 * Whether the server's hosts reach clients only through the VirtualServices it admits by
 * namespace (see the file comment): plain HTTP without a redirect, or TLS passthrough.
 */
function byNamespace(server: GatewayServer): boolean {
  return server.passthrough || (isHttpProtocol(server.protocol) && !server.httpsRedirect);
}

function hostPath(c: Claim): (string | number)[] {
  return ['spec', 'servers', c.server.index, 'hosts', c.host.index];
}

/** The host as the Gateway writes it (`ns-1/*.example.com`, `./shop.example.com`). */
function written(c: Claim): string {
  return c.info.gateway.spec.servers?.[c.server.index]?.hosts?.[c.host.index] ?? c.host.host;
}

/** The other Gateway's location, and how it writes the host when that differs from `self`'s text. */
function claimedAs(other: Claim, self: Claim): string {
  const text = written(other);
  return `${describe(other.info.gateway, hostPath(other))}${text === written(self) ? '' : ` as ${text}`}`;
}

/** What makes the claims meet, and the way out. */
function why(c: Claim, others: readonly Claim[]): string {
  const apart = others.filter((o) => !admitSameNamespace(c.host, o.host));
  if (apart.length > 0) {
    // Their namespace parts differ, but the server kind ignores them.
    const kind = !byNamespace(c.server) ? c.server : apart.find((o) => !byNamespace(o.server))?.server ?? c.server;
    return `; ${ignoresNamespace(kind)}, so the namespace part does not tell the servers apart. Keep the host in one Gateway`;
  }
  return `; ${others.length > 1 ? 'all' : 'both'} expose it to ${sharedNamespaces(c.host, others)}, whose routes for it Istio would merge in the order the Gateways were created, which a repository does not record. Keep the host in one Gateway, or narrow each server to the namespace of its VirtualServices (<namespace>/${c.host.host})`;
}

function ignoresNamespace(server: GatewayServer): string {
  if (server.tcp) return 'a TCP server\'s port takes one route whole, whatever host';
  if (server.httpsRedirect) return 'a server with tls.httpsRedirect redirects the host name, whoever routes it';
  if (!server.passthrough && !isHttpProtocol(server.protocol)) return `${server.protocol === 'HTTPS' ? 'an' : 'a'} ${server.protocol} server is picked by the name the client sends (SNI), which has no namespace part`;
  return 'a plain HTTP and a TLS passthrough server cannot share a port (ML4018)';
}

function sharedNamespaces(self: ServerHost, others: readonly Claim[]): string {
  const namespaces = new Set<string>();
  for (const o of others) {
    if (self.namespace === '*' && o.host.namespace === '*') return 'the VirtualServices of every namespace';
    namespaces.add(self.namespace === '*' ? o.host.namespace : self.namespace);
  }
  const list = [...namespaces].sort(cmp);
  return `the VirtualServices of namespace${list.length > 1 ? 's' : ''} ${list.join(', ')}`;
}
