// Port protocols, as Istio infers them. Decides which ports get HTTP listeners and route
// tables (HTTP-ish), which get TCP proxy listeners (the rest but UDP), and which clusters
// speak HTTP/2 upstream.

/** Istio protocol names, upper case. Unknown or absent → HTTP (where Istio would detect the protocol). */
export type Protocol = string;

const KNOWN = new Set(['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB', 'HTTPS', 'TCP', 'TLS', 'MONGO', 'REDIS', 'MYSQL', 'UDP', 'SCTP']);

/** Istio ServiceEntry / Gateway `protocol` field (case-insensitive). */
export function normalizeProtocol(p: string | undefined): Protocol {
  const up = (p ?? '').toUpperCase();
  return KNOWN.has(up) ? up : 'HTTP';
}

/** What a port name's or appProtocol's prefix (before the first `-`) says, lower case. */
const PREFIXES: Record<string, Protocol> = {
  http: 'HTTP',
  http2: 'HTTP2',
  h2c: 'HTTP2',
  grpc: 'GRPC',
  https: 'HTTPS',
  tcp: 'TCP',
  tls: 'TLS',
  mongo: 'MONGO',
  redis: 'REDIS',
  mysql: 'MYSQL',
};

/** Kubernetes' own appProtocol values (a name cannot hold a `/`). */
const KUBERNETES_APP_PROTOCOLS: Record<string, Protocol> = {
  'kubernetes.io/h2c': 'HTTP2',
  'kubernetes.io/ws': 'HTTP',
  'kubernetes.io/wss': 'HTTPS',
};

/** Istio reads this prefix before the one ending at the first `-` (`grpc-web-ui` is GRPC-WEB, not GRPC). */
const GRPC_WEB_PREFIX = 'grpc-web';

type KubePort = { readonly port?: number; readonly name?: string; readonly protocol?: string; readonly appProtocol?: string };

/**
 * Ports Istio takes as TCP when nothing says what they carry (SMTP, DNS, MySQL, MongoDB): its
 * protocol detection would break them, as their servers speak first.
 */
const WELL_KNOWN_TCP_PORTS = new Set([25, 53, 3306, 27017]);

/**
 * A Kubernetes Service port's protocol, as Istio's protocol selection does: UDP and SCTP ports
 * keep their transport (not proxied); then `appProtocol` when set, else the port name, by its
 * prefix (`http-web`, `grpc`, `tcp-db`); if that says nothing, TCP on the well-known ports above,
 * else HTTP, where Istio would detect the protocol from the traffic (ML4035).
 */
export function kubePortProtocol(port: KubePort): Protocol {
  return saidProtocol(port) ?? (WELL_KNOWN_TCP_PORTS.has(port.port ?? -1) ? 'TCP' : 'HTTP');
}

/**
 * Whether a Kubernetes Service port's protocol is HTTP only for want of a name or appProtocol
 * that says otherwise: where Istio would detect the protocol from the traffic (ML4035).
 */
export function kubeProtocolImplied(port: KubePort): boolean {
  return saidProtocol(port) === undefined && !WELL_KNOWN_TCP_PORTS.has(port.port ?? -1);
}

/** What the port's transport, appProtocol or name says it carries; undefined when none says. */
function saidProtocol(port: KubePort): Protocol | undefined {
  // Envoy proxies neither UDP nor SCTP: both are left to the app (and get no listener).
  const transport = (port.protocol ?? '').toUpperCase();
  if (transport === 'UDP' || transport === 'SCTP') return transport;
  // As Istio (kube.ConvertProtocol): a set appProtocol is read alone, even when it says nothing
  // Istio knows; the port name only stands in for a missing one.
  if (port.appProtocol !== undefined) return KUBERNETES_APP_PROTOCOLS[port.appProtocol.toLowerCase()] ?? protocolByPrefix(port.appProtocol);
  return protocolByPrefix(port.name ?? '');
}

/** What a port name or appProtocol says by its prefix: `grpc-web…`, else what comes before the first `-`. */
function protocolByPrefix(said: string): Protocol | undefined {
  const lower = said.toLowerCase();
  if (lower.startsWith(GRPC_WEB_PREFIX)) return 'GRPC-WEB';
  const dash = lower.indexOf('-');
  return PREFIXES[dash < 0 ? lower : lower.slice(0, dash)];
}

/**
 * ML4035's words (for impliedHttpMessage) for a Kubernetes Service port whose protocol nothing
 * says: a set appProtocol says nothing Istio knows, or neither name nor appProtocol is there to.
 */
export function kubeUnsaid(port: KubePort): string {
  return port.appProtocol !== undefined
    ? `its appProtocol "${port.appProtocol}" (which Istio reads instead of the name) names no protocol Istio knows, so nothing`
    : 'neither its name (http-…, tcp-…, grpc…) nor appProtocol';
}

/** Ports served through an HTTP connection manager (listener + route table). */
export function isHttpProtocol(p: Protocol): boolean {
  return p === 'HTTP' || p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB';
}

/** Ports whose connections sidecars proxy whole (Envoy tcp_proxy): not HTTP, not UDP or SCTP. */
export function isTcpProxied(p: Protocol): boolean {
  return !isHttpProtocol(p) && p !== 'UDP' && p !== 'SCTP';
}

/** TCP-proxied ports that carry TLS from the client: the service is picked by SNI, so several can share the port. */
export function isSniProtocol(p: Protocol): boolean {
  return p === 'TLS' || p === 'HTTPS';
}

/** Upstream speaks HTTP/2 (Istio's IsHTTP2: gRPC-Web rides on HTTP/2 between proxies and servers too). */
export function isHttp2Protocol(p: Protocol): boolean {
  return p === 'HTTP2' || p === 'GRPC' || p === 'GRPC-WEB';
}

/** ML4035's words for a port served as HTTP because `unsaid` (its name, appProtocol, protocol) does not say what it carries. */
export function impliedHttpMessage(port: number | undefined, name: string | undefined, unsaid: string): string {
  return `port ${port ?? ''}${name ? ` ("${name}")` : ''} is served as HTTP: ${unsaid} says what it carries, and Istio would detect the protocol from the traffic, which meshlog cannot. If it is not HTTP, say so (tcp-<suffix>, or the protocol), or its connections are read as HTTP requests`;
}
