// One VirtualService http rule: actions, matches, destinations, and every per-rule policy.
import type { CorsPolicy, HttpFault, HttpMatchRequest, HttpRedirect, HttpRetry, HttpRoute } from '../schema/index.ts';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from '../envoy-limits.ts';
import { checkGatewayRef } from './checks-hosts.ts';
import { checkAuthorityWrites, checkHeaderMatches, checkHeaderName, checkHeaderOperations, checkRegex, checkRetryOn, checkStringMatch, type StringMatchRules } from './checks-http.ts';
import { INT32_MAX, checkDuration, checkLabels, checkPercent, checkPort, checkRange, isIstioLabel } from './checks-values.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';
import { checkDestination, checkWeightedDestinations } from './route-destinations.ts';
import { checkRoutingPitfalls } from './routing-pitfalls.ts';
import { isHttpToken } from '../../core/http-token.ts';
import { parseDurationNs } from '../schema/duration.ts';

const REDIRECT_CODES = [301, 302, 303, 307, 308];
const ACTIONS = ['route', 'redirect', 'directResponse'] as const;
const STRING_MATCHES = ['uri', 'scheme', 'method', 'authority'] as const;
// A non-empty prefix too: istiod compiles it (translateQueryParamMatch), though Istio's docs name exact and regex only.
const QUERY_PARAM_RULES: StringMatchRules = { allowEmpty: true };
// `{}` (no exact, prefix or regex) is no condition on the path, and "present" for the method,
// authority and scheme, which every request has: Istio accepts it (validateStringMatch).
const URI_RULES: StringMatchRules = { allowEmptyPrefix: true, allowEmpty: true };
const PSEUDO_HEADER_RULES: StringMatchRules = { allowEmpty: true };
/** What Istio counts as a retry policy configured (ValidateHTTPRetry); backoff and retryIgnorePreviousHosts are not. */
const DISABLED_RETRY_FIELDS = ['perTryTimeout', 'retryOn', 'retryRemoteLocalities'] as const;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
export function checkHttpRoute(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const hasRoute = (rule.route?.length ?? 0) > 0;
  const actionCount = (hasRoute ? 1 : 0) + (rule.redirect !== undefined ? 1 : 0) + (rule.directResponse !== undefined ? 1 : 0);
  if (rule.delegate) ctx.report('ML3024', 'delegate is not supported by meshlog yet; inline the delegated routes', at(path, 'delegate'));
  if (actionCount > 1) {
    const actions = ACTIONS.filter((k) => (k === 'route' ? hasRoute : rule[k] !== undefined));
    ctx.report('ML3001', `a rule can have only one of route, redirect, directResponse (found ${actions.join(', ')})`, at(path, actions[1]!));
  } else if (actionCount === 0 && !rule.delegate) ctx.report('ML3002', 'the rule needs a route, redirect or directResponse', path);

  const match = rule.match ?? NONE;
  for (let j = 0; j < match.length; j++) checkMatch(ctx, match[j]!, at(path, 'match', j));
  checkDestinations(ctx, rule, path);
  checkRoutingPitfalls(ctx, rule, path);

  if (rule.redirect) checkRedirect(ctx, rule.redirect, at(path, 'redirect'));
  // As Istio: a rule that answers by itself (redirect, directResponse) has no upstream
  // request to rewrite or inject faults into.
  const answer = rule.redirect ? 'redirect' : rule.directResponse ? 'directResponse' : undefined;
  if (answer && rule.rewrite) ctx.report('ML3030', `rewrite cannot be combined with ${answer}`, at(path, 'rewrite'));
  if (answer && rule.fault) ctx.report('ML3030', `fault cannot be combined with ${answer}; Istio refuses it`, at(path, 'fault'));
  if (rule.directResponse) {
    const d = rule.directResponse;
    const p = at(path, 'directResponse');
    if (!(d.status >= 200 && d.status <= 599)) ctx.report('ML3016', `status ${d.status} is not between 200 and 599`, at(p, 'status'));
    if (d.body?.string !== undefined && d.body.bytes !== undefined) ctx.report('ML3030', 'set body.string or body.bytes, not both', at(p, 'body'));
    if (d.body?.bytes !== undefined && !BASE64.test(d.body.bytes)) ctx.report('ML3036', 'body.bytes is not valid base64', at(p, 'body', 'bytes'));
    else checkBodySize(ctx, d.body, at(p, 'body'));
  }
  if (rule.rewrite) {
    const p = at(path, 'rewrite');
    if (rule.rewrite.uri !== undefined && rule.rewrite.uriRegexRewrite) ctx.report('ML3030', 'set uri or uriRegexRewrite, not both', at(p, 'uriRegexRewrite'));
    // Istio tests the strings for "": an empty uri or authority rewrites nothing.
    if (!rule.rewrite.uri && !rule.rewrite.authority && !rule.rewrite.uriRegexRewrite) {
      ctx.report('ML3056', 'a rewrite needs uri, uriRegexRewrite or authority; Istio refuses one with none', p);
    }
    if (rule.rewrite.uriRegexRewrite) checkRegex(ctx, rule.rewrite.uriRegexRewrite.match, at(p, 'uriRegexRewrite', 'match'));
  }
  if (rule.timeout !== undefined) checkDuration(ctx, rule.timeout, at(path, 'timeout'));
  if (rule.retries) checkRetries(ctx, rule.retries, at(path, 'retries'));
  if (rule.fault) checkFault(ctx, rule.fault, at(path, 'fault'));
  checkMirrors(ctx, rule, path);
  if (rule.corsPolicy) checkCors(ctx, rule.corsPolicy, at(path, 'corsPolicy'));
  if (rule.headers !== undefined) checkHeaderOperations(ctx, rule.headers, at(path, 'headers'));
  checkAuthorityWrites(ctx, rule, path, false);
}

/** As Istio's validateHTTPRedirect: a redirect must change something, and only to http or https. */
function checkRedirect(ctx: RuleContext, r: HttpRedirect, path: Path): void {
  // Envoy would answer with a Location equal to the request's URL: a redirect loop.
  const changes = Boolean(r.uri) || Boolean(r.authority) || Boolean(r.scheme) || r.port !== undefined || r.derivePort !== undefined;
  if (!changes) ctx.report('ML3039', 'a redirect must change the URI, authority, scheme or port (set uri, authority, scheme, port or derivePort); as it is, it would send clients back to the same URL', path);
  if (r.redirectCode !== undefined && !REDIRECT_CODES.includes(r.redirectCode)) {
    ctx.report('ML3015', `redirect code ${r.redirectCode} is not one of ${REDIRECT_CODES.join(', ')}`, at(path, 'redirectCode'));
  }
  if (r.port !== undefined) checkPort(ctx, r.port, at(path, 'port'));
  if (r.port !== undefined && r.derivePort !== undefined) ctx.report('ML3030', 'set port or derivePort, not both', at(path, 'derivePort'));
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https') ctx.report('ML3039', `redirect scheme "${r.scheme}" is not "http" or "https" (the only schemes Istio allows)`, at(path, 'scheme'));
}

function checkRetries(ctx: RuleContext, retries: HttpRetry, path: Path): void {
  const attempts = retries.attempts;
  if (attempts !== undefined && attempts < 0) ctx.report('ML3008', `attempts ${attempts} is negative`, at(path, 'attempts'));
  // int32 in Istio's API; Envoy's num_retries is a uint32, which a larger value would wrap.
  else checkRange(ctx, attempts, at(path, 'attempts'), 0, INT32_MAX);
  if (!attempts) checkDisabledRetries(ctx, retries, path);
  if (retries.perTryTimeout !== undefined) checkDuration(ctx, retries.perTryTimeout, at(path, 'perTryTimeout'));
  if (retries.backoff !== undefined) checkDuration(ctx, retries.backoff, at(path, 'backoff'));
  checkRetryOn(ctx, retries.retryOn, at(path, 'retryOn'));
}

/** Istio (ValidateHTTPRetry) refuses a retry policy next to attempts 0 (or none), which turns retries off. */
function checkDisabledRetries(ctx: RuleContext, retries: HttpRetry, path: Path): void {
  // As Istio: an empty retryOn is no policy (it checks RetryOn != "").
  const set = DISABLED_RETRY_FIELDS.filter((k) => retries[k] !== undefined && retries[k] !== '');
  if (set.length === 0) return;
  const where = retries.attempts === undefined ? path : at(path, 'attempts');
  const said = retries.attempts === undefined ? 'no attempts (0)' : 'attempts 0';
  ctx.report('ML3008', `${said} turns retries off, so ${set.join(' and ')} would do nothing (Istio refuses it): set attempts to the number of retries, or remove ${set.length > 1 ? 'them' : 'it'}`, where);
}

function checkBodySize(ctx: RuleContext, body: { string?: string | undefined; bytes?: string | undefined } | undefined, path: Path): void {
  const size =
    body?.string !== undefined ? Buffer.byteLength(body.string, 'utf8') : body?.bytes !== undefined ? Buffer.byteLength(body.bytes, 'base64') : 0;
  if (size > MAX_DIRECT_RESPONSE_BODY_BYTES) {
    const field = body?.string !== undefined ? 'string' : 'bytes';
    ctx.report('ML3031', `the body is ${size} bytes; route tables allow direct response bodies of at most ${MAX_DIRECT_RESPONSE_BODY_BYTES} bytes (1 MiB, as Istio's)`, at(path, field));
  }
}

function checkMatch(ctx: RuleContext, m: HttpMatchRequest, path: Path): void {
  for (let i = 0; i < STRING_MATCHES.length; i++) {
    const k = STRING_MATCHES[i]!;
    const sm = m[k];
    if (sm) checkStringMatch(ctx, sm, at(path, k), k === 'uri' ? URI_RULES : PSEUDO_HEADER_RULES);
  }
  if (m.headers !== undefined) checkHeaderMatches(ctx, m.headers, at(path, 'headers'));
  if (m.withoutHeaders !== undefined) checkHeaderMatches(ctx, m.withoutHeaders, at(path, 'withoutHeaders'), true);
  const queryParams = m.queryParams;
  for (const name in queryParams) checkStringMatch(ctx, queryParams[name]!, at(path, 'queryParams', name), QUERY_PARAM_RULES);
  if (m.port !== undefined) checkPort(ctx, m.port, at(path, 'port'));
  const gateways = m.gateways ?? NONE;
  for (let i = 0; i < gateways.length; i++) checkGatewayRef(ctx, gateways[i]!, at(path, 'gateways', i));
  if (m.sourceLabels !== undefined) checkLabels(ctx, m.sourceLabels, at(path, 'sourceLabels'));
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== '' && !isIstioLabel(m.sourceNamespace)) {
    ctx.report('ML3025', `sourceNamespace "${m.sourceNamespace}" is not a namespace name (a DNS-1123 label); Istio refuses it`, at(path, 'sourceNamespace'));
  }
}


function checkDestinations(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  const route = rule.route ?? NONE;
  checkWeightedDestinations(ctx, route, path);
  for (let k = 0; k < route.length; k++) {
    const headers = route[k]!.headers;
    if (headers !== undefined) checkHeaderOperations(ctx, headers, at(path, 'route', k, 'headers'));
    if (headers !== undefined) checkAuthorityWrites(ctx, route[k]!, at(path, 'route', k), true);
  }
}


const GRPC_STATUS = new Set([
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
]);

function checkFault(ctx: RuleContext, fault: HttpFault, path: Path): void {
  if (!fault.delay && !fault.abort) ctx.report('ML3018', 'a fault needs a delay or an abort', path);
  if (fault.delay) {
    const p = at(path, 'delay');
    if (fault.delay.fixedDelay === undefined) ctx.report('ML3018', 'a delay needs fixedDelay', p);
    if (fault.delay.fixedDelay !== undefined) checkDuration(ctx, fault.delay.fixedDelay, at(p, 'fixedDelay'));
    if (fault.delay.percentage?.value !== undefined) checkPercent(ctx, fault.delay.percentage?.value, at(p, 'percentage', 'value'));
    if (fault.delay.percentage?.value === undefined && fault.delay.percent === undefined) reportNoPercentage(ctx, 'delay', p);
    if (fault.delay.percent !== undefined) checkPercent(ctx, fault.delay.percent, at(p, 'percent'));
    if (fault.delay.percent !== undefined) {
      if (fault.delay.percentage) ctx.report('ML3030', 'set percentage or the deprecated percent, not both', at(p, 'percent'));
      else ctx.report('ML3028', 'percent is deprecated; use percentage: {value: N}', at(p, 'percent'));
    }
  }
  if (fault.abort) {
    const a = fault.abort;
    const p = at(path, 'abort');
    if (a.httpStatus === undefined && a.grpcStatus === undefined) ctx.report('ML3018', 'an abort needs httpStatus or grpcStatus', p);
    if (a.httpStatus !== undefined && a.grpcStatus !== undefined) ctx.report('ML3030', 'set httpStatus or grpcStatus, not both', at(p, 'grpcStatus'));
    if (a.httpStatus !== undefined && !(a.httpStatus >= 200 && a.httpStatus <= 599)) ctx.report('ML3016', `httpStatus ${a.httpStatus} is not between 200 and 599`, at(p, 'httpStatus'));
    if (a.grpcStatus !== undefined && !GRPC_STATUS.has(a.grpcStatus)) ctx.report('ML3038', `"${a.grpcStatus}" is not a gRPC status name`, at(p, 'grpcStatus'));
    if (a.percentage?.value !== undefined) checkPercent(ctx, a.percentage?.value, at(p, 'percentage', 'value'));
    else reportNoPercentage(ctx, 'abort', p);
  }
}

/** As Istio, a delay or abort without a percentage applies to no request (route.go TranslateFault). */
function reportNoPercentage(ctx: RuleContext, kind: 'delay' | 'abort', path: Path): void {
  const verb = kind === 'delay' ? 'delay' : 'abort';
  ctx.report('ML3049', `this ${kind} has no percentage, so (as in Istio) it applies to no request; set percentage: {value: 100} to ${verb} every request`, path);
}

function checkMirrors(ctx: RuleContext, rule: HttpRoute, path: Path): void {
  if (rule.mirror) checkDestination(ctx, rule.mirror, at(path, 'mirror'));
  if (rule.mirrorPercentage?.value !== undefined) checkPercent(ctx, rule.mirrorPercentage?.value, at(path, 'mirrorPercentage', 'value'));
  if (rule.mirror && rule.mirrors) ctx.report('ML3030', 'set mirror or mirrors, not both', at(path, 'mirrors'));
  const mirrors = rule.mirrors ?? NONE;
  for (let i = 0; i < mirrors.length; i++) {
    const m = mirrors[i]!;
    const p = at(path, 'mirrors', i);
    checkDestination(ctx, m.destination, at(p, 'destination'));
    if (m.percentage?.value !== undefined) checkPercent(ctx, m.percentage.value, at(p, 'percentage', 'value'));
  }
}

/** The methods Istio takes in corsPolicy.allowMethods (its supportedCORSMethods), as written: upper case. */
const CORS_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'CONNECT', 'TRACE', '*']);

function checkCors(ctx: RuleContext, cors: CorsPolicy, path: Path): void {
  (cors.allowOrigins ?? []).forEach((o, i) => {
    const p = at(path, 'allowOrigins', i);
    checkStringMatch(ctx, o, p);
    // Istio: an origin match of "" is no origin (an empty prefix is ML3019's already).
    if (o.exact === '' || o.regex === '') ctx.report('ML3039', `an allowOrigins entry needs a non-empty ${o.exact === '' ? 'exact' : 'regex'}; Istio refuses an empty one`, p);
  });
  if (cors.allowOrigin) ctx.report('ML3028', 'allowOrigin is deprecated; use allowOrigins: [{exact: ...}]', at(path, 'allowOrigin'));
  (cors.allowMethods ?? []).forEach((m, i) => {
    if (!isHttpToken(m)) ctx.report('ML3039', `"${m}" is not an HTTP method`, at(path, 'allowMethods', i));
    else if (!CORS_METHODS.has(m)) {
      const upper = m.toUpperCase();
      const hint = CORS_METHODS.has(upper) ? `; write "${upper}"` : '';
      ctx.report('ML3039', `"${m}" is not a method Istio allows in a CORS policy (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE, or *)${hint}`, at(path, 'allowMethods', i));
    }
  });
  for (const key of ['allowHeaders', 'exposeHeaders'] as const) {
    (cors[key] ?? []).forEach((h, i) => {
      if (h !== '*') checkHeaderName(ctx, h, at(path, key, i), true);
    });
  }
  if (cors.maxAge !== undefined) {
    // Istio: at least 1ms, as every duration, and whole seconds (its max_age is in seconds).
    checkDuration(ctx, cors.maxAge, at(path, 'maxAge'));
    const ns = parseDurationNs(cors.maxAge);
    if (ns !== undefined && ns >= 1_000_000n && ns % 1_000_000_000n !== 0n) {
      ctx.report('ML3006', `maxAge ${cors.maxAge} is not whole seconds; Istio refuses it (max-age is counted in seconds)`, at(path, 'maxAge'));
    }
  }
}
