// Gateways that configure the same proxies. A gateway proxy is picked by its labels, and Istio
// merges the servers of every Gateway whose selector its labels satisfy into one configuration:
// teams commonly keep a Gateway each, all selecting `istio: ingressgateway`. meshlog compiles
// one view per distinct selector, holding the servers of every Gateway with that very selector
// (ML4028 notes the merge). Proxies whose labels satisfy several different selectors still get
// one view, the most specific (src/snapshot/select-view.ts).
//
// Ports here are the ports listeners bind (GatewayServer.port: a Service port's targetPort, see
// gateway-service-ports.ts): servers whose Service ports send to one port share its listener, as in Istio.
// A port is plain HTTP, TCP, or TLS by SNI (HTTPS servers and TLS passthrough servers, each
// picked by the client's SNI name) for the whole group: the first server to serve it (Gateways
// by namespace, then name; their servers in order) decides, and a later server of another kind,
// of the same Gateway or another, is left out (ML4018). Two Gateways of a group claiming one host on one port
// for a common namespace are ML4009, an error (checks/gateway-claims.ts).
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { IrTlsChain } from '../ir/types.ts';
import type { GatewayInfo, GatewayServer } from './from-gateway.ts';
import { serverPortText } from './gateway-service-ports.ts';
import { gatewayViewName } from './names.ts';
import { at, cmp, describe, relatedOf } from './where.ts';

/** What an HTTPS server asks of clients, as a key: servers with equal keys may share a route table. */
export function clientRuleKey(clientCertificates: unknown): string {
  return JSON.stringify(clientCertificates ?? null);
}

export interface GatewayGroup {
  /** `gateway~<ns>~<name>` of the first member. */
  readonly viewName: string;
  /** By namespace, then name. */
  readonly members: readonly GatewayInfo[];
  readonly selector: Readonly<Record<string, string>>;
  /** By port: the members' HTTPS filter chains, in member order. */
  readonly tlsChains: ReadonlyMap<number, readonly IrTlsChain[]>;
  /** HTTPS ports with several servers: a route table per server (their chains name it), as Istio. */
  readonly serverTablePorts: ReadonlySet<number>;
  /** Whether a member's server is compiled in the group's view. */
  compiles(server: GatewayServer): boolean;
  /** The address the port's listener binds: its first server's `bind` ('' when unset). */
  bind(port: number): string;
}

type PortKind = 'plain HTTP' | 'HTTPS' | 'TCP' | 'TLS passthrough';

/** HTTPS and TLS passthrough servers share a port: the client's SNI name picks the server (as in Istio). */
function byClientSni(kind: PortKind | undefined): boolean {
  return kind === 'HTTPS' || kind === 'TLS passthrough';
}

export function groupGateways(gateways: ReadonlyMap<string, GatewayInfo>, diagnostics: Diagnostic[]): GatewayGroup[] {
  const bySelector = new Map<string, GatewayInfo[]>();
  const byNamespaceThenName = (a: GatewayInfo, b: GatewayInfo) =>
    cmp(a.gateway.metadata.namespace, b.gateway.metadata.namespace) || cmp(a.gateway.metadata.name, b.gateway.metadata.name);
  for (const info of [...gateways.values()].sort(byNamespaceThenName)) {
    const entries = Object.entries(info.selector).sort(([a], [b]) => cmp(a, b));
    // An empty selector matches no proxy by labels (only by view name): never merged.
    const key = entries.length === 0 ? `\u0000${info.key}` : JSON.stringify(entries);
    bySelector.set(key, [...(bySelector.get(key) ?? []), info]);
  }
  return [...bySelector.values()].map((members) => group(members, diagnostics));
}

function group(members: readonly GatewayInfo[], diagnostics: Diagnostic[]): GatewayGroup {
  const first = members[0]!;
  const viewName = gatewayViewName(first.gateway.metadata.namespace, first.gateway.metadata.name);
  if (members.length > 1) noteMerge(members, viewName, diagnostics);

  // Port → what it serves, at which address, and who decided it.
  const portKind = new Map<number, { kind: PortKind; bind: string; info: GatewayInfo; index: number }>();
  const excluded = new Set<GatewayServer>();
  for (const info of members) {
    for (const s of info.servers) {
      if (!s.supported) continue;
      const kind: PortKind = s.tcp ? 'TCP' : s.passthrough ? 'TLS passthrough' : s.tls !== undefined ? 'HTTPS' : 'plain HTTP';
      const decided = portKind.get(s.port);
      if (!decided) {
        portKind.set(s.port, { kind, bind: s.bind, info, index: s.index });
        continue;
      }
      const same = decided.info === info;
      // Worded only for a server left out: thousands of Gateways may share a port.
      const who = () => (same ? `spec.servers[${decided.index}]` : `${describe(decided.info.gateway, ['spec', 'servers', decided.index])}, which configures the same proxies,`);
      if (decided.bind !== s.bind) {
        // Istio builds a listener per address; meshlog one per port (names, route tables and
        // views are per port), so the first server's address decides, as its kind does.
        excluded.add(s);
        const shown = (b: string) => (b === '' ? 'no bind (MeshConfig\'s bindAddress)' : `bind ${b}`);
        diagnostics.push(
          diagnostic(
            'ML4018',
            `server on port ${serverPortText(s, shown(s.bind))} is not compiled: ${who()} already takes port ${s.port} with ${shown(decided.bind)} (meshlog binds a port to one address; the first server decides), so clients of this server's address fail`,
            { ...at(info.gateway, ['spec', 'servers', s.index]), ...(same ? {} : { related: [relatedOf(decided.info.gateway, ['spec', 'servers', decided.index])] }) },
          ),
        );
      } else if (decided.kind !== kind && !(byClientSni(decided.kind) && byClientSni(kind))) {
        excluded.add(s);
        const rule = same ? 'the first server decides' : 'the first Gateway by namespace, then name, decides';
        diagnostics.push(
          diagnostic(
            'ML4018',
            `server on port ${serverPortText(s, s.protocol)} is not compiled: ${who()} already serves ${decided.kind} on port ${s.port} (a port serves one of plain HTTP, TCP, or HTTPS and TLS passthrough by SNI; ${rule}), so ${kind} clients of port ${s.servicePort} fail`,
            { ...at(info.gateway, ['spec', 'servers', s.index]), ...(same ? {} : { related: [relatedOf(decided.info.gateway, ['spec', 'servers', decided.index])] }) },
          ),
        );
      }
    }
  }
  const tlsChains = new Map<number, IrTlsChain[]>();
  // Each chain names its server's own table: the chains of servers left out (another address) go too.
  const leftOut = new Set([...excluded].map((s) => s.routeTable));
  for (const info of members) {
    for (const [port, chains] of info.tlsChains) {
      if (!byClientSni(portKind.get(port)?.kind)) continue; // its HTTPS servers there were left out
      const kept = leftOut.size === 0 ? chains : chains.filter((c) => c.routeTableName === undefined || !leftOut.has(c.routeTableName));
      if (kept.length > 0) tlsChains.set(port, [...(tlsChains.get(port) ?? []), ...kept]);
    }
  }
  // A port with several HTTPS servers: each server routes by a table of its own, as in Istio, so a
  // client that completes one server's handshake never reaches routes only another admits. A
  // port with one server keeps the port's table (`https.<port>`), and its chains name none.
  const serverTablePorts = new Set<number>();
  for (const [port, chains] of tlsChains) {
    if (new Set(chains.map((c) => c.routeTableName)).size > 1) serverTablePorts.add(port);
    else tlsChains.set(port, chains.map(({ routeTableName: _own, ...shared }) => shared));
  }
  return { viewName, members, selector: first.selector, tlsChains, serverTablePorts, compiles: (s) => s.supported && !excluded.has(s), bind: (port) => portKind.get(port)?.bind ?? '' };
}

/** ML4028 (info) on each member: the Gateways whose servers one view merges. */
function noteMerge(members: readonly GatewayInfo[], viewName: string, diagnostics: Diagnostic[]): void {
  const labels = Object.entries(members[0]!.selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  // Named once per Gateway, a few others each: many teams may share one ingress selector.
  for (const info of members) {
    const others = members.filter((m) => m !== info);
    const shown = others.slice(0, 3);
    const more = others.length > shown.length ? ` and ${others.length - shown.length} more Gateways` : '';
    diagnostics.push(
      diagnostic(
        'ML4028',
        `${shown.map((o) => describe(o.gateway, ['spec', 'selector'])).join(', ')}${more} ${others.length > 1 ? 'have' : 'has'} the same selector (${labels}): their servers and this Gateway's are merged into one view, ${viewName}, as Istio merges them for the proxies they select`,
        { ...at(info.gateway, ['spec', 'selector']), related: shown.map((o) => relatedOf(o.gateway, ['spec', 'selector'])) },
      ),
    );
  }
}
