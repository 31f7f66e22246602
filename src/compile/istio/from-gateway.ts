// Gateways → their servers (index), and a view per group of Gateways with one selector
// (gateway-groups.ts; usually one Gateway): `gateway~<ns>~<name>` after its first Gateway. Per port a server's listener
// binds (its gateway Service's targetPort, else its `port.number`: gateway-service-ports.ts): a listener, a route table (`http.<port>`, or
// `https.<port>` for HTTPS; one per HTTPS server where a port has several), and one virtual host per (VirtualService host × server host) that
// match, named after the more specific of the two and the server's `port.number`; VirtualServices with the same host are
// merged. A server with `tls.httpsRedirect` answers every host with a 301 to https. An HTTPS
// server with `tls.mode: SIMPLE` and mounted certificate files terminates TLS: its port's
// listener gets one filter chain per server, picked by SNI (tls-servers.ts). A TCP server's
// port proxies connections whole, by the bound VirtualServices' tcp rules, and a TLS
// passthrough server's by their tls rules, picked by SNI (gateway-tcp.ts). Other TLS modes
// are not compiled yet (ML4018).
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { IrClientCertificates, IrListener, IrRoute, IrRouteTable, IrTlsChain, IrView, IrVirtualHost } from '../ir/types.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { GatewaySpec } from '../schema/index.ts';
import { hostCovers, hostsIntersect, isVisible, visibilityOf } from './hosts.ts';
import { vsGateways, vsRoutes, normalizeGateway, type LoadedVs, type RouteContext } from './from-virtual-service.ts';
import { clientRuleKey, type GatewayGroup } from './gateway-groups.ts';
import { planGatewayHosts, type PlannedHost } from './gateway-hosts.ts';
import { gatewayTcpListeners } from './gateway-tcp.ts';
import { gatewayRouteTableName, gatewayServerRouteTableName, listenerName, virtualHostName } from './names.ts';
import { isCatchAll } from './match.ts';
import { isHttpProtocol, isSniProtocol, isTcpProxied, normalizeProtocol } from './protocols.ts';
import { describeClientRule, planTls, serverTermination, type TlsTermination } from './tls-servers.ts';
import { uniqueDomains } from './views.ts';
import { at, cmp, compareResources, describe, relatedOf } from './where.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';
import type { LoadedService } from '../parse/types.ts';
import { gatewayServicePorts, listenPortOf } from './gateway-service-ports.ts';

export type LoadedGateway = Loaded<'Gateway', GatewaySpec>;

export interface ServerHost {
  /** `*` (any namespace) or the one namespace whose VirtualServices may claim the host. */
  readonly namespace: string;
  readonly host: string;
  readonly index: number;
}

export interface GatewayServer {
  readonly index: number;
  /**
   * The port its listener binds: the targetPort of the gateway Service's port `servicePort`,
   * else `servicePort` itself (gateway-service-ports.ts). Listeners, their route tables
   * (`http.<port>`) and the checks of what shares a listener go by it.
   */
  readonly port: number;
  /**
   * `port.number` as written: the gateway Service's port, which clients connect to. VirtualService
   * `match.port`, a destination's default port and virtual host names (`<host>:<port>`) use it, as Istio's.
   */
  readonly servicePort: number;
  readonly protocol: string;
  readonly hosts: readonly ServerHost[];
  readonly httpsRedirect: boolean;
  /** Compiled (plain HTTP, HTTPS terminated here, or TCP proxied); the others are reported and left out. */
  readonly supported: boolean;
  /** A TCP server (TCP, Mongo, Redis, MySQL without tls): its port proxies connections whole (gateway-tcp.ts). */
  readonly tcp: boolean;
  /** A TLS or HTTPS server with `tls.mode: PASSTHROUGH`: its port proxies TLS connections by SNI, by tls rules (gateway-tcp.ts). */
  readonly passthrough: boolean;
  /** Set on a compiled HTTPS server: how it terminates TLS. */
  readonly tls?: TlsTermination;
  /** The server's own route table, used where its port has several HTTPS servers. */
  readonly routeTable: string;
  /** `bind`: the IP address its port's listener binds ('' when unset: MeshConfig's bindAddress). */
  readonly bind: string;
}

export interface GatewayInfo {
  /** `<ns>/<name>`, how VirtualServices refer to it. */
  readonly key: string;
  readonly gateway: LoadedGateway;
  readonly selector: Readonly<Record<string, string>>;
  readonly servers: readonly GatewayServer[];
  /** By port, for ports whose servers terminate TLS: the listener's filter chains, in server order. */
  readonly tlsChains: ReadonlyMap<number, readonly IrTlsChain[]>;
}

export function indexGateways(gateways: readonly LoadedGateway[], services: readonly LoadedService[], diagnostics: Diagnostic[]): Map<string, GatewayInfo> {
  const out = new Map<string, GatewayInfo>();
  const servicePortsOf = gatewayServicePorts(services);
  for (const gw of gateways) {
    const servers: GatewayServer[] = [];
    const servicePorts = servicePortsOf(gw.spec.selector ?? {});
    (gw.spec.servers ?? []).forEach((s, index) => {
      if (!s.port) return; // validate reports it
      const protocol = normalizeProtocol(s.port.protocol);
      // Validation leaves a plain HTTP server no tls but a redirect (Istio's validateServer), so
      // whatever its tls says, it is served as plain HTTP, as Istio serves it.
      const plain = isHttpProtocol(protocol);
      const tcp = isTcpProxied(protocol) && !isSniProtocol(protocol) && s.tls === undefined;
      // Istio's default TLS mode is PASSTHROUGH.
      const passthrough = isSniProtocol(protocol) && s.tls !== undefined && (s.tls.mode ?? 'PASSTHROUGH') === 'PASSTHROUGH';
      const termination = plain || tcp || passthrough ? undefined : serverTermination(s, protocol);
      const bind = s.bind ?? '';
      const socket = isUnixAddress(bind);
      // Whether the port is plain HTTP, HTTPS, TCP or TLS passthrough is settled per view (gateway-groups.ts).
      const supported = !socket && (plain || tcp || passthrough || termination?.tls !== undefined);
      const tls = termination?.tls;
      const reason = socket ? `it binds a Unix domain socket (bind: ${bind}), which meshlog does not compile yet` : termination?.reason;
      if (!supported && reason) {
        diagnostics.push(
          diagnostic('ML4018', `server on port ${s.port.number} (${protocol}) is not compiled, so its hosts get nothing on that port (connections are refused, or closed at the TLS handshake when other servers keep the port open): ${reason}`, at(gw, ['spec', 'servers', index])),
        );
      }
      servers.push({
        index,
        // A Unix socket has no port (Istio requires 0): no Service port to resolve.
        port: socket ? s.port.number : listenPortOf(gw, index, s.port.number, servicePorts, diagnostics),
        servicePort: s.port.number,
        protocol,
        hosts: (s.hosts ?? []).map((h, i) => parseServerHost(h, i, gw.metadata.namespace)),
        httpsRedirect: plain && s.tls?.httpsRedirect === true,
        supported,
        tcp,
        passthrough,
        ...(supported && tls ? { tls } : {}),
        routeTable: gatewayServerRouteTableName(s.port.number, index, gw.metadata.name, gw.metadata.namespace),
        bind,
      });
    });
    const tls = planTls(gw, servers, diagnostics);
    out.set(`${gw.metadata.namespace}/${gw.metadata.name}`, {
      key: `${gw.metadata.namespace}/${gw.metadata.name}`,
      gateway: gw,
      selector: gw.spec.selector ?? {},
      servers: servers.map((s) => (tls.skipped.has(s.index) ? { ...s, supported: false } : s)),
      tlsChains: tls.chains,
    });
  }
  return out;
}

/** `ns/host`, `./host` (the Gateway's namespace), `*\/host` or plain `host` (any namespace). */
function parseServerHost(text: string, index: number, gwNamespace: string): ServerHost {
  const slash = text.indexOf('/');
  if (slash < 0) return { namespace: '*', host: text.toLowerCase(), index };
  const ns = text.slice(0, slash);
  return { namespace: ns === '.' ? gwNamespace : ns, host: text.slice(slash + 1).toLowerCase(), index };
}

/** Server host `sh` admits VirtualService host `vsHost` of namespace `vsNamespace`. */
export function serverAdmits(sh: ServerHost, vsHost: string, vsNamespace: string): boolean {
  return (sh.namespace === '*' || sh.namespace === vsNamespace) && hostsIntersect(sh.host, vsHost);
}

/**
 * Whether some namespace's VirtualServices are admitted by both server hosts (their names
 * aside): `*` admits every namespace, a namespace (`.` read as the Gateway's) only its own, and
 * `~` none (Istio's host.NamesForNamespace matches no namespace to it; validation refuses it
 * in a Gateway anyway).
 */
export function admitSameNamespace(a: ServerHost, b: ServerHost): boolean {
  if (a.namespace === NO_NAMESPACE || b.namespace === NO_NAMESPACE) return false;
  return a.namespace === '*' || b.namespace === '*' || a.namespace === b.namespace;
}

const NO_NAMESPACE = '~';

/** VirtualServices bound to this gateway (in the VS's gateways, or in a match's gateways), in input order. */
export function boundVirtualServices(info: GatewayInfo, vss: readonly LoadedVs[]): LoadedVs[] {
  const ns = info.gateway.metadata.namespace;
  return (bindingIndex(vss).get(info.key) ?? []).filter((vs) => isVisible(visibilityOf(vs.spec.exportTo, vs.metadata.namespace), ns));
}

/**
 * Gateway key → the VirtualServices naming it, built once per list: a mesh with thousands of
 * Gateways (one per team) would otherwise scan every VirtualService for every Gateway.
 */
function bindingIndex(vss: readonly LoadedVs[]): Map<string, LoadedVs[]> {
  let index = bindingIndexes.get(vss);
  if (index) return index;
  index = new Map();
  for (const vs of vss) {
    const keys = new Set(vsGateways(vs));
    for (const r of vs.spec.http ?? []) for (const m of r.match ?? []) for (const g of m.gateways ?? []) keys.add(normalizeGateway(g, vs.metadata.namespace));
    for (const r of vs.spec.tcp ?? []) for (const m of r.match ?? []) for (const g of m.gateways ?? []) keys.add(normalizeGateway(g, vs.metadata.namespace));
    for (const r of vs.spec.tls ?? []) for (const m of r.match) for (const g of m.gateways ?? []) keys.add(normalizeGateway(g, vs.metadata.namespace));
    for (const k of keys) {
      const list = index.get(k);
      if (list) list.push(vs);
      else index.set(k, [vs]);
    }
  }
  bindingIndexes.set(vss, index);
  return index;
}

const bindingIndexes = new WeakMap<readonly LoadedVs[], Map<string, LoadedVs[]>>();

/**
 * The view of a group of Gateways (gateway-groups.ts; usually one Gateway), without its
 * cluster names: they are the ones `ctx.clusters` collected (sorted once for every view).
 * Which VirtualServices make up each virtual host, in which order, is gateway-hosts.ts's plan.
 */
export function gatewayView(group: GatewayGroup, vss: readonly LoadedVs[], ctx: RouteContext, diagnostics: Diagnostic[]): Omit<IrView, 'clusterNames'> {
  const plan = planGatewayHosts(group, vss, ctx.registry);
  const ports = [...plan.keys()].sort((a, b) => a - b);
  const tables: IrRouteTable[] = [];
  for (const port of ports) {
    // A port with several HTTPS servers: a table per server (its chains name it), each with the
    // hosts planned for it; else the port's one table.
    const byTable = new Map<string, IrVirtualHost[]>();
    if (group.serverTablePorts.has(port)) for (const c of group.tlsChains.get(port) ?? []) if (c.routeTableName) byTable.set(c.routeTableName, []);
    const shared = gatewayRouteTableName(port, group.tlsChains.has(port));
    for (const planned of plan.get(port)!.values()) {
      const routes = planned.redirect ? [httpsRedirect(planned.host)] : hostRoutes(planned, group.tlsChains.has(port), ctx);
      if (routes.length === 0) continue;
      const name = planned.table ?? shared;
      let list = byTable.get(name);
      if (!list) byTable.set(name, (list = []));
      // The host alone: gateway tables match the Host without its port, as Istio's (below).
      // Named after the server's Service port, as Istio names it (pilot/pkg/networking/core/gateway.go:519).
      list.push({ name: virtualHostName(planned.host, planned.port), domains: [planned.host], routes });
    }
    if (byTable.size === 0) byTable.set(shared, []);
    // `ignorePortInHostMatching`, as Istio's gateways: a client that reaches the gateway through
    // another port (a load balancer's, a port-forward's) sends `Host: name:<that port>`.
    for (const [name, vhosts] of byTable) {
      tables.push({ name, virtualHosts: uniqueDomains(vhosts.sort((a, b) => cmp(a.name, b.name))), ignorePortInHostMatching: true });
    }
    if (group.serverTablePorts.has(port)) noteSharedHosts(group, port, byTable, diagnostics);
  }
  const tcp = gatewayTcpListeners(group, vss, ctx, diagnostics);
  const servicePorts = translatedPorts(group);
  return {
    name: group.viewName,
    kind: 'gateway',
    namespaces: [...new Set(group.members.map((m) => m.gateway.metadata.namespace))].sort(cmp),
    workloadSelector: { ...group.selector },
    gateways: group.members.map((m) => m.key),
    listeners: [
      ...ports.map((port): IrListener => {
        const chains = group.tlsChains.get(port);
        const passthrough = tcp.passthroughOnHttps.get(port);
        const address = group.bind(port) || ctx.settings.ir.bindAddress;
        return {
          name: listenerName(address, port),
          address,
          port,
          // With a table per server, the first chain's: every chain names its own.
          routeTableName: (group.serverTablePorts.has(port) ? chains?.[0]?.routeTableName : undefined) ?? gatewayRouteTableName(port, chains !== undefined),
          statPrefix: `gateway_${port}`,
          ...(chains ? { tls: chains } : {}),
          ...(passthrough ? { tcp: passthrough } : {}),
        };
      }),
      ...tcp.listeners,
    ]
      .map((l) => (servicePorts.has(l.port) ? { ...l, servicePorts: servicePorts.get(l.port)! } : l))
      .sort((a, b) => a.port - b.port),
    routeTables: tables,
  };
}

/**
 * By listener port: the Service ports (servers' `port.number`) that the gateway's Services send
 * there, where they differ from it; what explain and diff name the listener by for clients.
 */
function translatedPorts(group: GatewayGroup): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const info of group.members) {
    for (const s of info.servers) {
      if (s.servicePort === s.port || !group.compiles(s)) continue;
      const list = out.get(s.port);
      if (!list) out.set(s.port, [s.servicePort]);
      else if (!list.includes(s.servicePort)) list.push(s.servicePort);
    }
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

/**
 * A virtual host's routes: each entry's (a VirtualService through one Gateway, matched for
 * that Gateway) in plan order, each ending at its own catch-all; then, as Istio orders a
 * gateway's routes, the catch-all ones (any path, no header or query condition) moved last,
 * so one VirtualService's `/` does not hide another's `/api`. A route reached twice is kept once.
 */
function hostRoutes(planned: PlannedHost, tls: boolean, ctx: RouteContext): IrRoute[] {
  // Each entry on its server's Service port (`match.port`, default destination port), as Istio
  // builds a gateway server's routes (pilot/pkg/networking/core/gateway.go:438, :490).
  if (planned.entries.length === 1) {
    const e = planned.entries[0]!;
    return vsRoutes(e.vs, e.port, { kind: 'gateway', gateways: [e.gateway], namespace: e.namespace, tls }, ctx);
  }
  const all: IrRoute[] = [];
  const names = new Set<string>();
  for (const e of planned.entries) {
    for (const r of vsRoutes(e.vs, e.port, { kind: 'gateway', gateways: [e.gateway], namespace: e.namespace, tls }, ctx)) {
      if (names.has(r.name)) continue;
      names.add(r.name);
      all.push(r);
    }
  }
  return [...all.filter((r) => !isCatchAll(r.match)), ...all.filter((r) => isCatchAll(r.match))];
}

/**
 * The order merged VirtualServices' rules are concatenated in. Istio uses creation time,
 * which a repository does not have; (namespace, name) is the stable stand-in (ML4021 says so).
 */
export function mergeOrder(vss: readonly LoadedVs[]): LoadedVs[] {
  return [...vss].sort(compareResources);
}


function httpsRedirect(host: string): IrRoute {
  const empty = { set: [], add: [], remove: [] };
  return {
    name: `https-redirect/${host}`,
    match: { ignoreCase: false, headers: [], queryParams: [] },
    action: { kind: 'redirect', scheme: 'https', code: 301 },
    headers: { request: empty, response: empty },
  };
}

/**
 * ML4034 (warning): on a port with several HTTPS servers, a host served
 * by a server that checks client certificates whose name another server, asking something else,
 * also answers in its table (exactly, or by a wildcard virtual host). Istio plans it so too, but
 * a client can then reach that server's routes for the host through its handshake, without the
 * first server's check (no certificate, or one from another CA, name or pin).
 */
function noteSharedHosts(group: GatewayGroup, port: number, byTable: ReadonlyMap<string, readonly IrVirtualHost[]>, diagnostics: Diagnostic[]): void {
  const servers = new Map<string, { readonly info: GatewayInfo; readonly server: GatewayServer; readonly rule: string }>();
  for (const info of group.members) {
    for (const server of info.servers) if (server.port === port && server.tls) servers.set(server.routeTable, { info, server, rule: clientRuleKey(server.tls.clientCertificates) });
  }
  const hostOf = (vh: IrVirtualHost) => vh.name.slice(0, vh.name.lastIndexOf(':')); // `<host>:<port>`
  const reported = new Set<string>();
  for (const [table, vhosts] of byTable) {
    const strict = servers.get(table);
    if (!strict?.server.tls?.clientCertificates) continue;
    for (const vh of vhosts) {
      const host = hostOf(vh);
      for (const [other, otherHosts] of byTable) {
        const lax = servers.get(other);
        if (!lax || !laxerThan(lax.server.tls?.clientCertificates, strict.server.tls.clientCertificates) || !otherHosts.some((o) => hostCovers(hostOf(o), host))) continue;
        const key = `${table}|${host}|${other}`;
        if (reported.has(key)) continue;
        reported.add(key);
        diagnostics.push(
          diagnostic(
            'ML4034',
            `${host} is served by this server, which asks ${describeClientRule(strict.server.tls.clientCertificates)} of clients, and ${describe(lax.info.gateway, ['spec', 'servers', lax.server.index])}'s spec.servers[${lax.server.index}] on the same port asks ${describeClientRule(lax.server.tls?.clientCertificates)} and answers ${host} too: the routes that server has for it are reachable through its handshake, without this server's check (as in Istio). Narrow that server's hosts if it should not serve ${host}`,
            { ...at(strict.info.gateway, ['spec', 'servers', strict.server.index]), related: [relatedOf(lax.info.gateway, ['spec', 'servers', lax.server.index])] },
          ),
        );
      }
    }
  }
}

/** Whether a client `other` lets in may fail `self`'s check: no certificate asked, or fewer or other CAs, names or pins. */
function laxerThan(other: IrClientCertificates | undefined, self: IrClientCertificates): boolean {
  if (!other) return true;
  if (self.required && !other.required) return true;
  if (other.caCertificatesFile !== self.caCertificatesFile) return true;
  const looser = (mine: readonly string[], theirs: readonly string[]) => mine.length > 0 && (theirs.length === 0 || theirs.some((t) => !mine.includes(t)));
  return looser(self.subjectAltNames, other.subjectAltNames) || looser(self.spki, other.spki) || looser(self.hashes, other.hashes);
}
