// What Envoy's HTTP connection manager does to a request before any route sees it, for the
// listeners meshlog compiles (their settings: compile/xds/request-handling.ts). Routes then
// match the result, so a rule on x-forwarded-proto, :scheme, x-forwarded-for or x-request-id
// sees Envoy's values, not the client's. Facts (Envoy 1.40, each measured against the real
// Envoy in test/explain/explain-vs-envoy.test.ts; Envoy's docs: "HTTP header manipulation",
// "HTTP header sanitizing", HttpConnectionManager.internal_address_config):
//   - the path is normalized (normalize-path.ts), or the request refused with 400;
//   - repeated x-forwarded-proto, x-forwarded-for or x-request-id lines become one value,
//     joined by ",";
//   - x-forwarded-proto: a sidecar adds it from its connection when absent and keeps a client's
//     (use_remote_address false); a gateway sets it from its connection whatever the client
//     sent (use_remote_address true, xff_num_trusted_hops 0);
//   - :scheme (HTTP/1) is x-forwarded-proto when that says http or https in any case, else the
//     connection's scheme;
//   - a gateway appends the client's address to x-forwarded-for and sets
//     x-envoy-external-address to it; a sidecar leaves both as sent;
//   - x-request-id: generated when absent or empty; a gateway replaces a client's, as the
//     request is external (without internal_address_config no address is internal since
//     Envoy 1.33);
//   - x-envoy-* control headers (retries, timeouts, ...) are dropped from external requests,
//     on a gateway some more; x-forwarded-client-cert is dropped, or set from the client's
//     certificate by a server that verifies them.
import { requestHandling } from '../compile/xds/request-handling.ts';
import { normalizePath } from './normalize-path.ts';
import type { ExplainRequest, RequestEdit, RoutedRequest } from './types.ts';

/** The request as routes see it, what changed, or why Envoy answers 400 instead. */
export interface BeforeRouting {
  readonly routed: RoutedRequest;
  readonly edits: readonly RequestEdit[];
  readonly rejected?: string;
  /** Why no route can match, whatever the routes say (Envoy answers 404, flag NR). */
  readonly unroutable?: string;
}

/** What the listener's filter chain knows of the connection. */
export interface ConnectionFacts {
  /** Envoy terminates TLS (a gateway HTTPS server). */
  readonly tls: boolean;
  /** The server verifies client certificates (then Envoy sets x-forwarded-client-cert from one). */
  readonly clientCertificate?: 'required' | 'optional';
}

/** Placeholders for what only the running Envoy knows. */
export const CLIENT_ADDRESS = '<client address>';
export const GENERATED_REQUEST_ID = '<generated UUID>';
const CLIENT_CERTIFICATE = '<the client certificate>';

/** Lines Envoy keeps as one value, joined by ",". */
const JOINED = ['x-forwarded-proto', 'x-forwarded-for', 'x-request-id'];

/** Honoured from internal clients only; with no internal_address_config no client is internal. */
const INTERNAL_ONLY = [
  'x-envoy-expected-rq-timeout-ms', 'x-envoy-force-trace', 'x-envoy-hedge-on-per-try-timeout', 'x-envoy-internal',
  'x-envoy-ip-tags', 'x-envoy-max-retries', 'x-envoy-retriable-header-names', 'x-envoy-retriable-status-codes',
  'x-envoy-retry-grpc-on', 'x-envoy-retry-on', 'x-envoy-upstream-alt-stat-name', 'x-envoy-upstream-rq-per-try-timeout-ms',
  'x-envoy-upstream-rq-timeout-alt-response', 'x-envoy-upstream-rq-timeout-ms', 'x-envoy-upstream-stream-duration-ms',
];
/** Dropped too where Envoy is the edge (use_remote_address). */
const EDGE_ONLY = ['x-envoy-decorator-operation', 'x-envoy-downstream-service-cluster', 'x-envoy-downstream-service-node', 'x-envoy-original-path'];

export function beforeRouting(request: ExplainRequest, viewKind: string, connection: ConnectionFacts): BeforeRouting {
  // A gRPC view is read by gRPC's own client, which has no connection manager.
  if (viewKind !== 'sidecar' && viewKind !== 'gateway') return { routed: request, edits: [] };
  const handling = requestHandling(viewKind);
  const edits: RequestEdit[] = [];
  const path = handling.normalizePath ? routedPath(request.path, edits) : { path: request.path };
  if ('rejected' in path) return { routed: request, edits, rejected: path.rejected };

  const headers = new HeaderList(request.headers);
  for (const name of JOINED) joinLines(headers, name, edits);
  const connectionScheme = connection.tls ? 'https' : 'http';
  const edge = handling.useRemoteAddress;
  forwardedProto(headers, connectionScheme, edge, edits);
  const scheme = schemeFrom(headers.get('x-forwarded-proto'), connectionScheme);
  if (scheme !== request.scheme) edits.push({ name: ':scheme', change: 'replaced', value: scheme, was: request.scheme, why: 'taken from x-forwarded-proto' });
  const runtimeValues = new Map<string, string>();
  if (edge) clientAddress(headers, runtimeValues, edits);
  requestId(headers, edge, runtimeValues, edits);
  dropUntrusted(headers, edge, edits);
  clientCertificate(headers, connection.clientCertificate, runtimeValues, edits);

  const routed = { ...request, scheme, path: path.path, headers: headers.list(), runtimeValues };
  // Envoy's route lookup reads x-forwarded-proto first and finds nothing when it is empty (a
  // sidecar keeps a client's empty one; measured on Envoy 1.40).
  const unroutable = headers.get('x-forwarded-proto') === '' ? "the request's x-forwarded-proto is empty, and Envoy matches no route without one" : undefined;
  return { routed, edits, ...(unroutable ? { unroutable } : {}) };
}

function routedPath(sent: string, edits: RequestEdit[]): { path: string } | { rejected: string } {
  const normalized = normalizePath(sent);
  if (!normalized.ok) return { rejected: normalized.reason };
  if (normalized.path !== sent) edits.push({ name: ':path', change: 'normalized', value: normalized.path, was: sent, why: 'normalize_path: RFC 3986 form' });
  return { path: normalized.path };
}

/** :scheme of an HTTP/1 request: x-forwarded-proto when it names http or https, else the connection's. */
function schemeFrom(forwardedProto: string | undefined, connectionScheme: 'http' | 'https'): 'http' | 'https' {
  const v = forwardedProto?.toLowerCase();
  return v === 'http' || v === 'https' ? v : connectionScheme;
}

function joinLines(headers: HeaderList, name: string, edits: RequestEdit[]): void {
  const lines = headers.all(name);
  if (lines.length < 2) return;
  headers.set(name, lines.join(','));
  edits.push({ name, change: 'replaced', value: lines.join(','), was: lines.join('; '), why: 'Envoy keeps repeated lines as one value, joined by ","' });
}

function forwardedProto(headers: HeaderList, connectionScheme: string, edge: boolean, edits: RequestEdit[]): void {
  const name = 'x-forwarded-proto';
  const sent = headers.get(name);
  if (sent === connectionScheme || (sent !== undefined && !edge)) return;
  headers.set(name, connectionScheme);
  const connection = connectionScheme === 'https' ? 'TLS' : 'plain HTTP';
  if (sent === undefined) edits.push({ name, change: 'added', value: connectionScheme, why: `the connection is ${connection}` });
  else edits.push({ name, change: 'replaced', value: connectionScheme, was: sent, why: `a gateway (use_remote_address) sets it from its connection, ${connection}, whatever the client sent` });
}

/** The edge appends the connection's peer to x-forwarded-for and names it in x-envoy-external-address. */
function clientAddress(headers: HeaderList, runtimeValues: Map<string, string>, edits: RequestEdit[]): void {
  const xff = 'x-forwarded-for';
  const sent = headers.get(xff);
  const value = sent ? `${sent},${CLIENT_ADDRESS}` : CLIENT_ADDRESS;
  headers.set(xff, value);
  runtimeValues.set(xff, "the client's address at its end");
  const why = "a gateway (use_remote_address) appends the client's address";
  edits.push(sent === undefined ? { name: xff, change: 'added', value, why } : { name: xff, change: 'appended', value, was: sent, why });

  const external = 'x-envoy-external-address';
  const before = headers.get(external);
  headers.set(external, CLIENT_ADDRESS);
  runtimeValues.set(external, "the client's address");
  const whyExternal = "a gateway (use_remote_address) names the client's address in it";
  edits.push(before === undefined ? { name: external, change: 'added', value: CLIENT_ADDRESS, why: whyExternal } : { name: external, change: 'replaced', value: CLIENT_ADDRESS, was: before, why: whyExternal });
}

function requestId(headers: HeaderList, edge: boolean, runtimeValues: Map<string, string>, edits: RequestEdit[]): void {
  const name = 'x-request-id';
  const sent = headers.get(name);
  if (sent && !edge) return;
  headers.set(name, GENERATED_REQUEST_ID);
  runtimeValues.set(name, 'a UUID Envoy generates');
  if (!sent) edits.push({ name, change: sent === undefined ? 'added' : 'replaced', value: GENERATED_REQUEST_ID, ...(sent === '' ? { was: '' } : {}), why: 'Envoy generates one when the request has none' });
  else edits.push({ name, change: 'replaced', value: GENERATED_REQUEST_ID, was: sent, why: "a gateway (use_remote_address) replaces an external request's id, and no address is internal (no internal_address_config)" });
}

/** The x-envoy control headers Envoy does not take from an external client (every client is). */
function dropUntrusted(headers: HeaderList, edge: boolean, edits: RequestEdit[]): void {
  for (const name of INTERNAL_ONLY) removeHeader(headers, name, 'Envoy takes it from internal clients only, and no address is internal (no internal_address_config)', edits);
  if (!edge) return;
  for (const name of EDGE_ONLY) removeHeader(headers, name, 'a gateway (use_remote_address) drops it from external requests', edits);
}

function removeHeader(headers: HeaderList, name: string, why: string, edits: RequestEdit[]): void {
  const sent = headers.all(name);
  if (sent.length === 0) return;
  headers.remove(name);
  edits.push({ name, change: 'removed', was: sent.join('; '), why });
}

/**
 * x-forwarded-client-cert: a client's own is dropped (forward_client_cert_details SANITIZE, the
 * default); a server that verifies client certificates (SANITIZE_SET) sets it from the one the
 * client presents, which a MUTUAL server requires. An OPTIONAL_MUTUAL server's client may
 * present none: explain's request has no certificate, so there it is dropped.
 */
function clientCertificate(headers: HeaderList, verified: 'required' | 'optional' | undefined, runtimeValues: Map<string, string>, edits: RequestEdit[]): void {
  const name = 'x-forwarded-client-cert';
  const sent = headers.all(name);
  if (verified === 'required') {
    headers.set(name, CLIENT_CERTIFICATE);
    runtimeValues.set(name, "the client certificate's details");
    const why = "the server verifies client certificates: Envoy describes the client's in it";
    edits.push(sent.length === 0 ? { name, change: 'added', value: CLIENT_CERTIFICATE, why } : { name, change: 'replaced', value: CLIENT_CERTIFICATE, was: sent.join('; '), why });
    return;
  }
  const why = verified === 'optional' ? "Envoy drops a client's own; it sets one only for a client that presents a certificate" : "Envoy drops a client's own (forward_client_cert_details SANITIZE)";
  removeHeader(headers, name, why, edits);
}

/** The request's header lines, in order, with the few edits Envoy makes. */
class HeaderList {
  private lines: { name: string; value: string }[];

  constructor(lines: readonly { readonly name: string; readonly value: string }[]) {
    this.lines = lines.map((l) => ({ ...l }));
  }

  all(name: string): string[] {
    return this.lines.filter((l) => l.name === name).map((l) => l.value);
  }

  get(name: string): string | undefined {
    return this.lines.find((l) => l.name === name)?.value;
  }

  /** One line with `value`, where the first line of that name was (else last). */
  set(name: string, value: string): void {
    const i = this.lines.findIndex((l) => l.name === name);
    this.remove(name);
    this.lines.splice(i < 0 ? this.lines.length : i, 0, { name, value });
  }

  remove(name: string): void {
    this.lines = this.lines.filter((l) => l.name !== name);
  }

  list(): { name: string; value: string }[] {
    return this.lines.map((l) => ({ ...l }));
  }
}
