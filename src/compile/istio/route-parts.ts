// The pieces of an Istio HTTPRoute that are not routing targets: retries, fault, CORS,
// header operations, redirect, direct response, rewrite. Pure conversions to IR.
import type { IrCors, IrDirectResponse, IrFault, IrHeaderOpSet, IrHeaderOps, IrRedirect, IrRetry, IrStringMatch } from '../ir/types.ts';
import type { CorsPolicy, HeaderOperations, Headers, HttpDirectResponse, HttpFault, HttpRedirect, HttpRetry } from '../schema/index.ts';
import { durationToWholeMs } from '../schema/index.ts';
import { toStringMatch } from './match.ts';
import { isAuthorityHeader } from '../../core/http-token.ts';

/**
 * Istio retries → IR. `attempts: 0` (or absent) disables retries (undefined), as in Istio.
 * Numeric retryOn entries are status codes. Istio's default condition list ends with
 * `retriable-status-codes` but names no code, so (as in Istio, retry.go) no response status
 * is retried unless a code is written: the condition alone implies none.
 */
export function toRetry(r: HttpRetry | undefined): IrRetry | undefined {
  if (!r || !r.attempts || r.attempts <= 0) return undefined;
  const retryOn: string[] = [];
  const codes: number[] = [];
  // An empty retryOn keeps Istio's default conditions, as an absent one (Istio reads it only when not "").
  for (const raw of (r.retryOn || 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes').split(',')) {
    const entry = raw.trim();
    if (entry === '') continue;
    if (/^\d+$/.test(entry)) codes.push(Number(entry));
    else if (!retryOn.includes(entry)) retryOn.push(entry);
  }
  if (codes.length > 0 && !retryOn.includes('retriable-status-codes')) retryOn.push('retriable-status-codes');
  const perTry = r.perTryTimeout === undefined ? undefined : durationToWholeMs(r.perTryTimeout);
  const backoff = r.backoff === undefined ? undefined : durationToWholeMs(r.backoff);
  return {
    attempts: r.attempts,
    ...(perTry !== undefined && perTry > 0 ? { perTryTimeoutMs: perTry } : {}),
    retryOn,
    retriableStatusCodes: codes,
    ...(r.retryRemoteLocalities !== undefined ? { retryRemoteLocalities: r.retryRemoteLocalities } : {}),
    ...(r.retryIgnorePreviousHosts !== undefined ? { previousHosts: r.retryIgnorePreviousHosts } : {}),
    ...(backoff !== undefined && backoff > 0 ? { backoffMs: backoff } : {}),
  };
}

const GRPC_CODES: Record<string, number> = {
  OK: 0, CANCELLED: 1, UNKNOWN: 2, INVALID_ARGUMENT: 3, DEADLINE_EXCEEDED: 4, NOT_FOUND: 5,
  ALREADY_EXISTS: 6, PERMISSION_DENIED: 7, RESOURCE_EXHAUSTED: 8, FAILED_PRECONDITION: 9,
  ABORTED: 10, OUT_OF_RANGE: 11, UNIMPLEMENTED: 12, INTERNAL: 13, UNAVAILABLE: 14,
  DATA_LOSS: 15, UNAUTHENTICATED: 16,
};

/**
 * As Istio (route.go TranslateFault): a delay without `percentage` (or the deprecated
 * `percent`) applies to 0 % of requests; an abort without one leaves Envoy's percentage
 * unset, which aborts no request either (ML3049 warns at both).
 */
export function toFault(f: HttpFault | undefined): IrFault | undefined {
  if (!f || (!f.delay && !f.abort)) return undefined;
  const out: { delay?: IrFault['delay']; abort?: IrFault['abort'] } = {};
  if (f.delay) {
    out.delay = {
      fixedDelayMs: durationToWholeMs(f.delay.fixedDelay ?? '0') ?? 0,
      percent: f.delay.percentage ? (f.delay.percentage.value ?? 0) : (f.delay.percent ?? 0),
    };
  }
  if (f.abort) {
    const grpc = f.abort.grpcStatus;
    const grpcStatus = grpc === undefined ? undefined : /^\d+$/.test(grpc) ? Number(grpc) : GRPC_CODES[grpc.toUpperCase()];
    out.abort = {
      ...(f.abort.httpStatus !== undefined ? { httpStatus: f.abort.httpStatus } : {}),
      ...(grpcStatus !== undefined ? { grpcStatus } : {}),
      ...(f.abort.percentage ? { percent: f.abort.percentage.value ?? 0 } : {}),
    };
  }
  return out;
}

export function toCors(c: CorsPolicy | undefined): IrCors | undefined {
  if (!c) return undefined;
  const origins: IrStringMatch[] = [];
  for (const o of c.allowOrigins ?? []) {
    const m = toStringMatch(o);
    if (m) origins.push(m);
  }
  // `*` is any origin; Envoy rejects an empty prefix, so it becomes the regex `.*`.
  for (const o of c.allowOrigin ?? []) origins.push(o === '*' ? { kind: 'regex', value: '.*' } : { kind: 'exact', value: o });
  const maxAgeMs = c.maxAge === undefined ? undefined : durationToWholeMs(c.maxAge);
  return {
    allowOrigins: origins,
    allowMethods: [...(c.allowMethods ?? [])],
    allowHeaders: [...(c.allowHeaders ?? [])],
    exposeHeaders: [...(c.exposeHeaders ?? [])],
    // Whole seconds cut down, as Istio's Duration.GetSeconds(): 1500ms is 1 (max-age: 1), not 2.
    ...(maxAgeMs !== undefined ? { maxAgeSeconds: Math.trunc(maxAgeMs / 1000) } : {}),
    ...(c.allowCredentials !== undefined ? { allowCredentials: c.allowCredentials } : {}),
  };
}

/**
 * Rule-level header operations, with a single destination's own operations merged in
 * (the destination's `set` wins for the same header). With several destinations each
 * keeps its own (IrDestination.headers, built here with `rule` undefined).
 */
const NO_OPS: IrHeaderOpSet = Object.freeze({ set: [], add: [], remove: [] });
export const NO_HEADER_OPS: IrHeaderOps = Object.freeze({ request: NO_OPS, response: NO_OPS });

export function toHeaderOps(rule: Headers | undefined, destination: Headers | undefined): IrHeaderOps {
  if (!rule && !destination) return NO_HEADER_OPS; // the common case, shared
  const request = mergeOps(rule?.request, destination?.request);
  const response = mergeOps(rule?.response, destination?.response);
  return request === NO_OPS && response === NO_OPS ? NO_HEADER_OPS : { request, response };
}

function mergeOps(a: HeaderOperations | undefined, b: HeaderOperations | undefined): IrHeaderOpSet {
  if (!a && !b) return NO_OPS;
  // `host`/`:authority` are no header operations: Istio (route.go translateAppendHeaders,
  // dropInternal) leaves them out and rewrites the authority instead (authorityOf).
  const set = new Map<string, string>();
  for (const [k, v] of Object.entries(a?.set ?? {})) if (!isAuthorityHeader(k)) set.set(k.toLowerCase(), v);
  for (const [k, v] of Object.entries(b?.set ?? {})) if (!isAuthorityHeader(k)) set.set(k.toLowerCase(), v);
  const add = [...Object.entries(a?.add ?? {}), ...Object.entries(b?.add ?? {})].filter(([name]) => !isAuthorityHeader(name)).map(([name, value]) => ({ name: name.toLowerCase(), value }));
  const remove = [...new Set([...(a?.remove ?? []), ...(b?.remove ?? [])].map((h) => h.toLowerCase()))].filter((h) => !isAuthorityHeader(h));
  if (set.size === 0 && add.length === 0 && remove.length === 0) return NO_OPS;
  return { set: [...set].map(([name, value]) => ({ name, value })), add, remove };
}

/**
 * The authority a request `set`/`add` of `host`/`:authority` asks for, as Istio's
 * TranslateHeadersOperations: `set`'s over `add`'s; empty: none. (Validation refuses two.)
 */
export function authorityOf(headers: Headers | undefined): string | undefined {
  const request = headers?.request;
  if (!request) return undefined; // nearly every rule: no header operations
  return authorityIn(request.set) || authorityIn(request.add) || undefined;
}

/** The value `ops` gives `host`/`:authority` ('' for none). */
function authorityIn(ops: Readonly<Record<string, string>> | undefined): string {
  let found = '';
  for (const k in ops) if (isAuthorityHeader(k)) found = ops[k]!;
  return found;
}

/**
 * A redirect as Istio writes it (route.go ApplyRedirect), for requests that came in on `port`:
 *  - `derivePort: FROM_REQUEST_PORT` redirects to that port (Envoy cannot read the request's
 *    port, but routes are built per port); `FROM_PROTOCOL_DEFAULT` writes no port, which is
 *    Envoy's default (the scheme's port);
 *  - a port that is the default of the Location's scheme (80 for http, 443 for https) is not
 *    written, so Location has no `:80`/`:443`. Without `scheme` the scheme is the request's:
 *    https on a gateway port that terminates TLS (`https`), else http.
 */
export function toRedirect(r: HttpRedirect, port: number, https: boolean): IrRedirect {
  // `scheme: ""` is no scheme, as Istio reads it (validate accepts it as such).
  const scheme = r.scheme || (https ? 'https' : 'http');
  const written = r.port ?? (r.derivePort === 'FROM_REQUEST_PORT' ? port : undefined);
  const defaultPort = (scheme === 'http' && written === 80) || (scheme === 'https' && written === 443);
  return {
    kind: 'redirect',
    ...(r.uri !== undefined ? { uri: r.uri } : {}),
    ...(r.authority !== undefined ? { authority: r.authority } : {}),
    ...(r.scheme ? { scheme: r.scheme } : {}),
    ...(written !== undefined && !defaultPort ? { port: written } : {}),
    code: r.redirectCode ?? 301,
  };
}

export function toDirectResponse(d: HttpDirectResponse): IrDirectResponse {
  const body = d.body?.string ?? (d.body?.bytes !== undefined ? Buffer.from(d.body.bytes, 'base64').toString('utf8') : undefined);
  return { kind: 'direct_response', status: d.status, ...(body !== undefined ? { body } : {}) };
}
