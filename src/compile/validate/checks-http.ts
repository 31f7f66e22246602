// HTTP-level checks: header names/values, StringMatch, regexes (RE2), header operations,
// retry conditions.
import type { Headers, StringMatch } from '../schema/index.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';
import { isAnyValue } from '../istio/match.ts';
import { headerValueProblem } from './header-value.ts';
import { checkRe2 } from './regex.ts';
import { isAuthorityHeader, isHttpToken } from '../../core/http-token.ts';

/** The pseudo-headers Istio takes as a header match's name (its validation.go pseudoHeaders). */
const MATCHABLE_PSEUDO_HEADERS: ReadonlySet<string> = new Set([':method', ':scheme', ':authority', ':path', ':status']);
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

export function checkHeaderName(ctx: RuleContext, name: string, path: Path, forMatch: boolean): void {
  // Istio takes these pseudo-headers in header matches (and Envoy matches them: `:authority`
  // is the Host); other names that start with ":" are no header at all.
  if (forMatch && MATCHABLE_PSEUDO_HEADERS.has(name)) return;
  if (!isHttpToken(name)) {
    ctx.report('ML3011', `"${name}" is not a valid HTTP header name`, path);
  } else if (!forMatch && name.toLowerCase() === 'host') {
    // Envoy refuses to add/set/remove Host through header operations; Istio passes it through.
    ctx.report('ML3011', 'the Host header cannot be changed with header operations; use rewrite.authority', path);
  }
}

/** ML3012 for a control character in a header value; false when it has one. */
export function checkHeaderValue(ctx: RuleContext, value: string, path: Path): boolean {
  if (!CONTROL.test(value)) return true;
  ctx.report('ML3012', 'header value contains a control character', path);
  return false;
}

/** A value a route adds: Envoy reads it as a format string (`%` commands, `%%`), see header-value.ts. */
function checkAddedHeaderValue(ctx: RuleContext, value: string, path: Path): void {
  if (!checkHeaderValue(ctx, value, path)) return;
  const problem = headerValueProblem(value);
  if (problem) ctx.report(problem.severity === 'error' ? 'ML3012' : 'ML3051', problem.message, path);
}

export function checkRegex(ctx: RuleContext, pattern: string, path: Path): void {
  const r = checkRe2(pattern);
  if (r.ok) return;
  ctx.report(r.reason === 'too-long' ? 'ML3014' : 'ML3013', r.reason === 'too-long' ? r.message : `not a valid RE2 regex: ${r.message}`, path);
}

export interface StringMatchRules {
  /** `{}` allowed (headers, query params: "present"). */
  readonly allowEmpty?: boolean;
  /** `prefix: ""` allowed: only a uri match, which Envoy takes as "any path"; its string matchers need 1+ characters. */
  readonly allowEmptyPrefix?: boolean;
}

const MATCH_KINDS = ['exact', 'prefix', 'regex'] as const;
const NO_RULES: StringMatchRules = {};
const HEADER_MATCH_RULES: StringMatchRules = { allowEmpty: true };

export function checkStringMatch(ctx: RuleContext, m: StringMatch, path: Path, rules: StringMatchRules = NO_RULES): void {
  const count = (m.exact !== undefined ? 1 : 0) + (m.prefix !== undefined ? 1 : 0) + (m.regex !== undefined ? 1 : 0);
  if (count > 1) {
    const set = MATCH_KINDS.filter((k) => m[k] !== undefined);
    ctx.report('ML3019', `set only one of exact, prefix, regex (found ${set.join(', ')})`, path);
  } else if (count === 0 && !rules.allowEmpty) ctx.report('ML3019', 'set one of exact, prefix, regex', path);
  if (m.prefix === '' && !rules.allowEmptyPrefix) {
    // Envoy rejects the whole route table for it (an empty StringMatcher prefix), and Istio refuses it too.
    const instead = rules.allowEmpty ? 'write {} to require only that it is present, or drop the condition' : 'drop the condition';
    ctx.report('ML3019', `an empty prefix matches every value and is not allowed here: ${instead}`, at(path, 'prefix'));
  }
  if (m.regex !== undefined) checkRegex(ctx, m.regex, at(path, 'regex'));
}

/** `without`: the headers are withoutHeaders, where `regex: "*"` is Istio's "any value" (match.ts isAnyValue), no RE2. */
export function checkHeaderMatches(ctx: RuleContext, headers: Readonly<Record<string, StringMatch>> | undefined, path: Path, without = false): void {
  if (!headers) return;
  for (const name in headers) {
    const m = headers[name]!;
    const p = at(path, name);
    if (isJwtClaimRoute(name)) reportJwtClaimRoute(ctx, name, p);
    else checkHeaderName(ctx, name, p, true);
    if (!(without && isAnyValue(m))) checkStringMatch(ctx, m, p, HEADER_MATCH_RULES);
    if (m.exact !== undefined) checkHeaderValue(ctx, m.exact, at(p, 'exact'));
    if (m.prefix !== undefined) checkHeaderValue(ctx, m.prefix, at(p, 'prefix'));
  }
}

const JWT_CLAIM = '@request.auth.claims';

/** Istio's JWT-claim routing names (jwt.ToRoutingClaim): `@request.auth.claims.a.b` or `@request.auth.claims[a][b]`. */
function isJwtClaimRoute(name: string): boolean {
  if (!name.toLowerCase().startsWith(JWT_CLAIM)) return false;
  const rest = name.slice(JWT_CLAIM.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** Valid Istio, but the claims come from Istio's jwt_authn filter (RequestAuthentication), which meshlog does not build. */
function reportJwtClaimRoute(ctx: RuleContext, name: string, path: Path): void {
  const why = 'routing on JWT claims (@request.auth.claims) is not supported by meshlog yet: Envoy reads the claims from the JWT authentication filter Istio adds for a RequestAuthentication, which meshlog does not compile';
  ctx.report('ML3024', `"${name}": ${why}; remove the condition, or match a header your authentication sets`, path);
}

const SIDES = ['request', 'response'] as const;
const SET_ADD = ['set', 'add'] as const;

/**
 * As Istio (validation.go ValidateHTTPHeaderWithAuthorityOperationName,
 * ValidateHTTPHeaderOperationName): a request `set`/`add` may name `host` or `:authority`,
 * which rewrites the authority (route.go); no other pseudo-header, and no `remove` or
 * response operation on them.
 */
export function checkHeaderOperations(ctx: RuleContext, headers: Headers | undefined, path: Path): void {
  if (!headers) return;
  for (const side of SIDES) {
    const ops = headers[side];
    if (!ops) continue;
    for (const op of SET_ADD) {
      const values = ops[op];
      for (const name in values) {
        const value = values[name]!;
        const p = at(path, side, op, name);
        const verb = op === 'set' ? 'set' : 'added';
        if (side === 'request' && isAuthorityHeader(name)) {
          // The route's authority rewrite (host_rewrite_literal), as Istio compiles it.
        } else if (side === 'response' && name.toLowerCase() === 'host') ctx.report('ML3011', 'the Host header is a request header: it cannot be set on a response', p);
        else if (name.startsWith(':')) ctx.report('ML3011', `pseudo-header "${name}" cannot be ${verb}${side === 'request' ? ' (only :authority can, as Host)' : ''}`, p);
        else checkHeaderName(ctx, name, p, false);
        checkAddedHeaderValue(ctx, value, p);
      }
    }
    const remove = ops.remove ?? NONE;
    for (let i = 0; i < remove.length; i++) {
      const name = remove[i]!;
      const p = at(path, side, 'remove', i);
      if (isAuthorityHeader(name)) ctx.report('ML3011', `"${name}" cannot be removed (Istio refuses it); to change the Host, set it (headers.request.set.host) or use rewrite.authority`, p);
      else if (name.startsWith(':')) ctx.report('ML3011', `pseudo-header "${name}" cannot be removed`, p);
      else checkHeaderName(ctx, name, p, false);
    }
  }
}

/**
 * The authority a rule rewrites, named once: Istio (virtualservice.go validateAuthorityRewrite)
 * refuses a rule whose `rewrite.authority` and request `set`/`add` of `host`/`:authority` name
 * it more than once. A destination's own `set` naming both `host` and `:authority` is refused
 * too: Istio would pick one of them at random (a map's order); its `set` wins over its `add`.
 */
export function checkAuthorityWrites(ctx: RuleContext, rule: { readonly rewrite?: { readonly authority?: string | undefined } | undefined; readonly headers?: Headers | undefined }, path: Path, destination: boolean): void {
  const request = rule.headers?.request;
  // Nearly every rule writes no request header: nothing to compare, and no list to build.
  if (request?.set === undefined && request?.add === undefined) return;
  const writes: { path: Path; field: string }[] = [];
  if (!destination && rule.rewrite?.authority) writes.push({ path: at(path, 'rewrite', 'authority'), field: 'rewrite.authority' });
  for (const op of SET_ADD) {
    const names = Object.keys(request?.[op] ?? {}).filter(isAuthorityHeader);
    if (destination && names.length > 1) {
      ctx.report('ML3030', `headers.request.${op} names the authority twice (${names.join(', ')}); keep one`, at(path, 'headers', 'request', op, names[1]!));
    }
    for (const n of names) writes.push({ path: at(path, 'headers', 'request', op, n), field: `headers.request.${op}${n.startsWith(':') ? `["${n}"]` : `.${n}`}` });
  }
  if (destination || writes.length < 2) return;
  ctx.report('ML3030', `the authority is rewritten more than once (${writes.map((w) => w.field).join(', ')}); Istio refuses it: keep one`, writes[1]!.path);
}

/** Envoy's retry_on conditions (HTTP and gRPC) that Istio passes through. */
const RETRY_CONDITIONS = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'envoy-ratelimited',
  'retriable-4xx', 'refused-stream', 'retriable-status-codes', 'retriable-headers',
  'http3-post-connect-failure', 'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

export function checkRetryOn(ctx: RuleContext, retryOn: string | undefined, path: Path): void {
  if (retryOn === undefined || retryOn === '') return; // empty: Istio checks nothing (and compiles no condition)
  // Istio splits at "," and reads each entry as written, so " connect-failure" is no condition.
  const items = retryOn.split(',');
  const spaced: string[] = [];
  for (const item of items) {
    const trimmed = item.trim();
    if (!isRetryCondition(trimmed)) ctx.report('ML3037', `"${trimmed}" is not a retry condition or an HTTP status code Istio knows`, path);
    else if (item !== trimmed) spaced.push(JSON.stringify(item));
  }
  if (spaced.length === 0) return;
  const fixed = items.map((i) => i.trim()).join(',');
  ctx.report('ML3037', `${spaced.join(', ')}: Istio reads each entry between commas as written, spaces included, so it is no retry condition; remove the spaces: retryOn: "${fixed}"`, path);
}

function isRetryCondition(item: string): boolean {
  return RETRY_CONDITIONS.has(item) || (/^\d{3}$/.test(item) && KNOWN_STATUS_CODES.has(Number(item)));
}

/**
 * The HTTP status codes Istio takes in retryOn: those Go's http.StatusText names (Istio checks
 * `http.StatusText(code) != ""`), so 306 and 599, for instance, are refused.
 */
const KNOWN_STATUS_CODES: ReadonlySet<number> = new Set([
  100, 101, 102, 103,
  200, 201, 202, 203, 204, 205, 206, 207, 208, 226,
  300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418,
  421, 422, 423, 424, 425, 426, 428, 429, 431, 451,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
