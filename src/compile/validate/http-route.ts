// One VirtualService http rule: actions, matches, destinations, and every per-rule policy.
import type { Destination, HttpFault, HttpMatchRequest, HttpRoute, CorsPolicy } from '../schema/index.ts';
import { checkGatewayRef, checkHost } from './checks-hosts.ts';
import { checkHeaderMatches, checkHeaderName, checkHeaderOperations, checkRegex, checkRetryOn, checkStringMatch } from './checks-http.ts';
import { checkDuration, checkLabels, checkPercent, checkPort, isDnsLabel } from './checks-values.ts';
import type { Path, RuleContext } from './context.ts';

const REDIRECT_CODES = [301, 302, 303, 307, 308];
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** Istio's destination weight is an int32. */
const MAX_WEIGHT = 0x7fffffff;
/** Envoy's weighted_clusters total (a uint32). */
const MAX_TOTAL_WEIGHT = 0xffffffff;
/** Envoy's default max_direct_response_body_size_bytes: larger bodies make it reject the route. */
const MAX_DIRECT_RESPONSE_BYTES = 4096;

export function checkHttpRoute(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const actions = (['route', 'redirect', 'directResponse'] as const).filter((k) => (k === 'route' ? (rule.route?.length ?? 0) > 0 : rule[k] !== undefined));
  if (rule.delegate) ctx.report('ML3024', 'delegate is not supported by meshlog yet; inline the delegated routes', [...path, 'delegate']);
  if (actions.length > 1) ctx.report('ML3001', `a rule can have only one of route, redirect, directResponse (found ${actions.join(', ')})`, [...path, actions[1]!]);
  else if (actions.length === 0 && !rule.delegate) ctx.report('ML3002', 'the rule needs a route, redirect or directResponse', path);

  (rule.match ?? []).forEach((m, j) => checkMatch(ctx, m, [...path, 'match', j]));
  checkDestinations(ctx, rule, path);

  if (rule.redirect) {
    const r = rule.redirect;
    const p = [...path, 'redirect'];
    if (r.redirectCode !== undefined && !REDIRECT_CODES.includes(r.redirectCode)) {
      ctx.report('ML3015', `redirect code ${r.redirectCode} is not one of ${REDIRECT_CODES.join(', ')}`, [...p, 'redirectCode']);
    }
    if (r.port !== undefined) checkPort(ctx, r.port, [...p, 'port']);
    if (r.port !== undefined && r.derivePort !== undefined) ctx.report('ML3030', 'set port or derivePort, not both', [...p, 'derivePort']);
    if (r.scheme !== undefined && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(r.scheme)) ctx.report('ML3039', `"${r.scheme}" is not a URL scheme`, [...p, 'scheme']);
    if (rule.rewrite) ctx.report('ML3030', 'rewrite cannot be combined with redirect', [...path, 'rewrite']);
  }
  if (rule.directResponse) {
    const d = rule.directResponse;
    const p = [...path, 'directResponse'];
    if (!(d.status >= 200 && d.status <= 599)) ctx.report('ML3016', `status ${d.status} is not between 200 and 599`, [...p, 'status']);
    if (d.body?.string !== undefined && d.body.bytes !== undefined) ctx.report('ML3030', 'set body.string or body.bytes, not both', [...p, 'body']);
    if (d.body?.bytes !== undefined && !BASE64.test(d.body.bytes)) ctx.report('ML3036', 'body.bytes is not valid base64', [...p, 'body', 'bytes']);
    else checkBodySize(ctx, d.body, [...p, 'body']);
  }
  if (rule.rewrite) {
    const p = [...path, 'rewrite'];
    if (rule.rewrite.uri !== undefined && rule.rewrite.uriRegexRewrite) ctx.report('ML3030', 'set uri or uriRegexRewrite, not both', [...p, 'uriRegexRewrite']);
    if (rule.rewrite.uriRegexRewrite) checkRegex(ctx, rule.rewrite.uriRegexRewrite.match, [...p, 'uriRegexRewrite', 'match']);
  }
  if (rule.timeout !== undefined) checkDuration(ctx, rule.timeout, [...path, 'timeout']);
  if (rule.retries) {
    const p = [...path, 'retries'];
    const attempts = rule.retries.attempts;
    if (attempts !== undefined && attempts < 0) ctx.report('ML3008', `attempts ${attempts} is negative`, [...p, 'attempts']);
    if (rule.retries.perTryTimeout !== undefined) checkDuration(ctx, rule.retries.perTryTimeout, [...p, 'perTryTimeout']);
    checkRetryOn(ctx, rule.retries.retryOn, [...p, 'retryOn']);
  }
  if (rule.fault) checkFault(ctx, rule.fault, [...path, 'fault']);
  checkMirrors(ctx, rule, path);
  if (rule.corsPolicy) checkCors(ctx, rule.corsPolicy, [...path, 'corsPolicy']);
  if (rule.headers !== undefined) checkHeaderOperations(ctx, rule.headers, [...path, 'headers']);
}

function checkBodySize(ctx: RuleContext, body: { string?: string | undefined; bytes?: string | undefined } | undefined, path: Path): void {
  const size =
    body?.string !== undefined ? Buffer.byteLength(body.string, 'utf8') : body?.bytes !== undefined ? Buffer.byteLength(body.bytes, 'base64') : 0;
  if (size > MAX_DIRECT_RESPONSE_BYTES) {
    const field = body?.string !== undefined ? 'string' : 'bytes';
    ctx.report('ML3031', `the body is ${size} bytes; Envoy serves direct response bodies of at most ${MAX_DIRECT_RESPONSE_BYTES} bytes`, [...path, field]);
  }
}

function checkMatch(ctx: RuleContext, m: HttpMatchRequest, path: Path): void {
  for (const k of ['uri', 'scheme', 'method', 'authority'] as const) {
    const sm = m[k];
    if (sm) checkStringMatch(ctx, sm, [...path, k]);
  }
  if (m.headers !== undefined) checkHeaderMatches(ctx, m.headers, [...path, 'headers']);
  if (m.withoutHeaders !== undefined) checkHeaderMatches(ctx, m.withoutHeaders, [...path, 'withoutHeaders']);
  for (const [name, qm] of Object.entries(m.queryParams ?? {})) {
    checkStringMatch(ctx, qm, [...path, 'queryParams', name], { allowEmpty: true, allowPrefix: false });
  }
  if (m.port !== undefined) checkPort(ctx, m.port, [...path, 'port']);
  (m.gateways ?? []).forEach((g, i) => checkGatewayRef(ctx, g, [...path, 'gateways', i]));
  if (m.sourceLabels !== undefined) checkLabels(ctx, m.sourceLabels, [...path, 'sourceLabels']);
}

export function checkDestination(ctx: RuleContext, d: Destination, path: Path): void {
  checkHost(ctx, d.host, [...path, 'host'], { allowStar: false, allowWildcard: false, allowIp: true });
  if (d.subset !== undefined && !isDnsLabel(d.subset)) ctx.report('ML3009', `subset "${d.subset}" is not a DNS-1123 label`, [...path, 'subset']);
  if (d.port?.number !== undefined) checkPort(ctx, d.port?.number, [...path, 'port', 'number']);
}

function checkDestinations(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const route = rule.route ?? [];
  route.forEach((r, k) => {
    const p = [...path, 'route', k];
    checkDestination(ctx, r.destination, [...p, 'destination']);
    if (r.weight !== undefined && !(Number.isInteger(r.weight) && r.weight >= 0)) {
      ctx.report('ML3003', `weight ${r.weight} is not a whole number ≥ 0`, [...p, 'weight']);
    } else if (r.weight !== undefined && r.weight > MAX_WEIGHT) {
      ctx.report('ML3003', `weight ${r.weight} is larger than ${MAX_WEIGHT} (Istio's weight is an int32)`, [...p, 'weight']);
    }
    if (r.headers !== undefined) checkHeaderOperations(ctx, r.headers, [...p, 'headers']);
  });
  // Envoy adds a rule's weights up and rejects the route when the sum exceeds uint32.
  const total = route.reduce((sum, r) => sum + (Number.isInteger(r.weight) && (r.weight ?? 0) > 0 ? (r.weight ?? 0) : 0), 0);
  if (total > MAX_TOTAL_WEIGHT) {
    ctx.report('ML3003', `the weights add up to ${total}; Envoy allows at most ${MAX_TOTAL_WEIGHT} in total (use smaller relative weights)`, [...path, 'route']);
  }
  // A single destination may omit its weight (it gets all traffic); with several, at least one must be > 0.
  if (route.length > 1 && route.every((r) => (r.weight ?? 0) === 0)) {
    ctx.report('ML3004', `all ${route.length} destinations have weight 0 (or none): no traffic could be routed`, [...path, 'route']);
  }
}

const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

function checkFault(ctx: RuleContext, fault: HttpFault, path: Path): void {
  if (!fault.delay && !fault.abort) ctx.report('ML3018', 'a fault needs a delay or an abort', path);
  if (fault.delay) {
    const p = [...path, 'delay'];
    if (fault.delay.fixedDelay === undefined) ctx.report('ML3018', 'a delay needs fixedDelay', p);
    if (fault.delay.fixedDelay !== undefined) checkDuration(ctx, fault.delay.fixedDelay, [...p, 'fixedDelay']);
    if (fault.delay.percentage?.value !== undefined) checkPercent(ctx, fault.delay.percentage?.value, [...p, 'percentage', 'value']);
    if (fault.delay.percent !== undefined) checkPercent(ctx, fault.delay.percent, [...p, 'percent']);
    if (fault.delay.percent !== undefined) {
      if (fault.delay.percentage) ctx.report('ML3030', 'set percentage or the deprecated percent, not both', [...p, 'percent']);
      else ctx.report('ML3028', 'percent is deprecated; use percentage: {value: N}', [...p, 'percent']);
    }
  }
  if (fault.abort) {
    const a = fault.abort;
    const p = [...path, 'abort'];
    if (a.httpStatus === undefined && a.grpcStatus === undefined) ctx.report('ML3018', 'an abort needs httpStatus or grpcStatus', p);
    if (a.httpStatus !== undefined && a.grpcStatus !== undefined) ctx.report('ML3030', 'set httpStatus or grpcStatus, not both', [...p, 'grpcStatus']);
    if (a.httpStatus !== undefined && !(a.httpStatus >= 200 && a.httpStatus <= 599)) ctx.report('ML3016', `httpStatus ${a.httpStatus} is not between 200 and 599`, [...p, 'httpStatus']);
    if (a.grpcStatus !== undefined && !GRPC_STATUS.has(a.grpcStatus)) ctx.report('ML3038', `"${a.grpcStatus}" is not a gRPC status name`, [...p, 'grpcStatus']);
    if (a.percentage?.value !== undefined) checkPercent(ctx, a.percentage?.value, [...p, 'percentage', 'value']);
  }
}

function checkMirrors(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  if (rule.mirror) checkDestination(ctx, rule.mirror, [...path, 'mirror']);
  if (rule.mirrorPercentage?.value !== undefined) checkPercent(ctx, rule.mirrorPercentage?.value, [...path, 'mirrorPercentage', 'value']);
  if (rule.mirror && rule.mirrors) ctx.report('ML3030', 'set mirror or mirrors, not both', [...path, 'mirrors']);
  (rule.mirrors ?? []).forEach((m, i) => {
    checkDestination(ctx, m.destination, [...path, 'mirrors', i, 'destination']);
    if (m.percentage?.value !== undefined) checkPercent(ctx, m.percentage?.value, [...path, 'mirrors', i, 'percentage', 'value']);
  });
}

function checkCors(ctx: RuleContext, cors: CorsPolicy, path: Path): void {
  (cors.allowOrigins ?? []).forEach((o, i) => checkStringMatch(ctx, o, [...path, 'allowOrigins', i]));
  if (cors.allowOrigin) ctx.report('ML3028', 'allowOrigin is deprecated; use allowOrigins: [{exact: ...}]', [...path, 'allowOrigin']);
  (cors.allowMethods ?? []).forEach((m, i) => {
    if (!/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(m)) ctx.report('ML3039', `"${m}" is not an HTTP method`, [...path, 'allowMethods', i]);
  });
  for (const key of ['allowHeaders', 'exposeHeaders'] as const) {
    (cors[key] ?? []).forEach((h, i) => {
      if (h !== '*') checkHeaderName(ctx, h, [...path, key, i], true);
    });
  }
  if (cors.maxAge !== undefined) checkDuration(ctx, cors.maxAge, [...path, 'maxAge'], 0);
}
