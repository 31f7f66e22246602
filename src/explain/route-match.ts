// Whether one route's match holds for a request, as Envoy's router decides it, and if not,
// every condition that failed (so the report can say why an earlier rule was skipped).
// Path conditions see the path without its query string; `ignoreCase` applies to exact and
// prefix paths (Envoy's case_sensitive: false), not to regexes or header values. The request
// is the one Envoy routes: normalized and with its headers set as before-routing.ts says.
import type { IrHeaderMatch, IrMatch, IrQueryMatch } from '../compile/ir/types.ts';
import { describeStringMatch } from '../diff/describe.ts';
import { matchString } from './string-match.ts';
import type { RoutedRequest } from './types.ts';

export function routeMismatches(match: IrMatch, req: RoutedRequest): string[] {
  const reasons: string[] = [];
  const path = pathOnly(req.path);
  if (match.path) {
    const r = matchString(match.path, path, match.path.kind !== 'regex' && match.ignoreCase);
    if (r.error) reasons.push(r.error);
    else if (!r.matched) reasons.push(`path ${path} ${pathVerb(match.path.kind)} ${match.path.value}${match.ignoreCase && match.path.kind !== 'regex' ? ' (any case)' : ''}`);
  }
  for (const h of match.headers) {
    const why = headerMismatch(h, req);
    if (why) reasons.push(why);
  }
  if (match.queryParams.length > 0) {
    const query = parseQuery(req.path);
    for (const q of match.queryParams) {
      const why = queryMismatch(q, query);
      if (why) reasons.push(why);
    }
  }
  return reasons;
}

function pathVerb(kind: 'exact' | 'prefix' | 'regex'): string {
  return kind === 'exact' ? 'is not' : kind === 'prefix' ? 'does not start with' : 'does not fully match regex';
}

export function pathOnly(path: string): string {
  const q = path.search(/[?#]/);
  return q < 0 ? path : path.slice(0, q);
}

/**
 * The values Envoy matches for a header name: pseudo-headers from the request line (the
 * HTTP/1 Host header is `:authority`, also under the name `host`), otherwise every value
 * of a repeated header. Undefined when absent.
 */
export function headerValues(req: RoutedRequest, name: string): string[] | undefined {
  switch (name) {
    case ':method':
      return [req.method];
    case ':authority':
    case 'host':
      return [req.authority];
    case ':path':
      return [req.path];
    case ':scheme':
      return [req.scheme];
  }
  const values = req.headers.filter((h) => h.name === name).map((h) => h.value);
  return values.length === 0 ? undefined : values;
}

function headerMismatch(h: IrHeaderMatch, req: RoutedRequest): string | undefined {
  const values = headerValues(req, h.name);
  const cond = h.value ? `${h.name}${describeStringMatch(h.value)}` : `${h.name} present`;
  const runtime = h.value && req.runtimeValues?.get(h.name);
  // Only the running Envoy knows the value: the condition is taken as false (see runtimeAssumptions).
  if (runtime) return h.invert ? undefined : `header ${h.name} holds ${runtime}, known only at run time (rule: ${cond}): taken as not matching`;
  if (!h.value) {
    // present_match: presence XOR invert.
    if ((values !== undefined) !== h.invert) return undefined;
    return h.invert ? `header ${h.name} is present (rule: NOT ${cond})` : `header ${h.name} is absent (rule: ${cond})`;
  }
  // An absent header fails a value match; an inverted one (`withoutHeaders`) is compiled
  // with treat_missing_header_as_empty, as Istio, so Envoy matches "" instead.
  if (values === undefined) {
    if (!h.invert) return `header ${h.name} is absent (rule: ${cond})`;
    const r = matchString(h.value, '');
    if (r.error) return r.error;
    return r.matched ? `header ${h.name} is absent, which counts as "" (rule: NOT ${cond})` : undefined;
  }
  // A repeated header matches when any one of its values does (measured on Envoy 1.40).
  let matched = false;
  for (const v of values) {
    const r = matchString(h.value, v);
    if (r.error) return r.error;
    matched ||= r.matched;
  }
  if (matched !== h.invert) return undefined;
  const shown = values.map((v) => `"${v}"`).join(', ');
  return `header ${h.name} is ${shown} (rule: ${h.invert ? 'NOT ' : ''}${cond})`;
}

/**
 * What explain took for each value condition of `match` on a header whose value Envoy fills in
 * at run time (the condition is false, so its NOT holds): one line each, naming the route.
 */
export function runtimeAssumptions(match: IrMatch, req: RoutedRequest, routeName: string): string[] {
  return match.headers
    .filter((h) => h.value && req.runtimeValues?.has(h.name))
    .map((h) => {
      const cond = `${h.name}${describeStringMatch(h.value!)}`;
      return `${routeName}: ${h.name} holds ${req.runtimeValues!.get(h.name)}, known only at run time; taken as not matching ${cond}${h.invert ? ', so NOT holds' : ''}`;
    });
}

function queryMismatch(q: IrQueryMatch, query: Map<string, string>): string | undefined {
  const value = query.get(q.name);
  if (value === undefined) return `query parameter ${q.name} is absent`;
  if (!q.value) return undefined;
  const r = matchString(q.value, value);
  if (r.error) return r.error;
  return r.matched ? undefined : `query parameter ${q.name} is "${value}" (rule: ${q.name}${describeStringMatch(q.value)})`;
}

/**
 * First value of each query parameter, as written: Envoy 1.40 matches the raw text
 * (`?debug=%31` does not equal "1"; measured in explain-vs-envoy).
 */
export function parseQuery(path: string): Map<string, string> {
  const out = new Map<string, string>();
  const q = path.indexOf('?');
  if (q < 0) return out;
  const query = path.slice(q + 1).split('#')[0] ?? '';
  for (const part of query.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!out.has(name)) out.set(name, eq < 0 ? '' : part.slice(eq + 1));
  }
  return out;
}
