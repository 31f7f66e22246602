// Istio HTTPMatchRequest → IrMatch, and the "does an earlier match already take every
// request this one would?" test used by the unreachable/shadowed-rule checks.
import type { IrHeaderMatch, IrMatch, IrQueryMatch, IrStringMatch } from '../ir/types.ts';
import type { HttpMatchRequest, StringMatch } from '../schema/index.ts';
import { exact } from './exact.ts';

/** An empty StringMatch (`{}`) means "present with any value" (undefined here). */
export function toStringMatch(m: StringMatch | undefined): IrStringMatch | undefined {
  if (!m) return undefined;
  if (m.exact !== undefined) return { kind: 'exact', value: m.exact };
  if (m.prefix !== undefined) return { kind: 'prefix', value: m.prefix };
  if (m.regex !== undefined) return { kind: 'regex', value: m.regex };
  return undefined;
}

/** Shared by every match without header (or query) conditions: most matches have none. */
const NO_HEADERS: readonly IrHeaderMatch[] = Object.freeze([]);
const NO_QUERY_PARAMS: readonly IrQueryMatch[] = Object.freeze([]);
const CATCH_ALL: IrMatch = Object.freeze({ ignoreCase: false, headers: NO_HEADERS, queryParams: NO_QUERY_PARAMS });

/**
 * A rule without match (or with `match: [{}]`) is the catch-all: any path. Written to build
 * nothing but the result (it runs for every match entry of every VirtualService, twice).
 */
export function toIrMatch(m: HttpMatchRequest | undefined): IrMatch {
  if (!m) return CATCH_ALL;
  // Pseudo-headers first, in a fixed order; then headers as written (key order of the map).
  let headers: IrHeaderMatch[] | undefined;
  if (m.method) (headers ??= []).push(headerMatch(':method', m.method, false));
  if (m.authority) (headers ??= []).push(headerMatch(':authority', m.authority, false));
  if (m.scheme) (headers ??= []).push(headerMatch(':scheme', m.scheme, false));
  if (m.headers) for (const [name, sm] of Object.entries(m.headers)) (headers ??= []).push(headerMatch(name.toLowerCase(), sm, false));
  if (m.withoutHeaders) for (const [name, sm] of Object.entries(m.withoutHeaders)) (headers ??= []).push(headerMatch(name.toLowerCase(), sm, true));
  let queryParams: IrQueryMatch[] | undefined;
  if (m.queryParams) {
    for (const [name, sm] of Object.entries(m.queryParams)) {
      const value = toStringMatch(sm);
      (queryParams ??= []).push(value ? { name, value } : { name });
    }
  }
  const path = toStringMatch(m.uri);
  const ignoreCase = m.ignoreUriCase ?? false;
  const h = headers ? exact(headers) : NO_HEADERS;
  const q = queryParams ? exact(queryParams) : NO_QUERY_PARAMS;
  return path ? { path, ignoreCase, headers: h, queryParams: q } : { ignoreCase, headers: h, queryParams: q };
}

function headerMatch(name: string, sm: StringMatch, invert: boolean): IrHeaderMatch {
  const value = invert && isAnyValue(sm) ? undefined : toStringMatch(sm);
  return value ? { name, value, invert } : { name, invert };
}

/**
 * `withoutHeaders: {x: {regex: "*"}}`: Istio reads the `*` as "any value", not as a regex (it
 * is no RE2), and compiles it as `{}` (route.go canBeConvertedToPresentMatch): x absent.
 */
export function isAnyValue(sm: StringMatch): boolean {
  return sm.regex === '*' && sm.exact === undefined && sm.prefix === undefined;
}

/** Matches every request: no path condition (or prefix `/`), no header or query condition. */
export function isCatchAll(m: IrMatch): boolean {
  // As Istio's IsCatchAllRoute: prefix `/` or the regex `.*` (RE2: every path, which has no
  // newline) count as any path.
  const anyPath = !m.path || (m.path.kind === 'prefix' && m.path.value === '/') || (m.path.kind === 'regex' && m.path.value === '.*');
  return anyPath && m.headers.length === 0 && m.queryParams.length === 0;
}

/**
 * True when every request `later` accepts is also accepted by `earlier` (so `later` is
 * shadowed). Conservative: only answers true when it is sure (regexes compare as text).
 */
export function covers(earlier: IrMatch, later: IrMatch): boolean {
  if (!pathCovers(earlier, later)) return false;
  // Every condition of the earlier match must also be a condition of the later one.
  for (const a of earlier.headers) if (!hasHeaderCovered(a, later)) return false;
  for (const a of earlier.queryParams) if (!hasQueryCovered(a, later)) return false;
  return true;
}

function hasHeaderCovered(a: IrHeaderMatch, later: IrMatch): boolean {
  return later.headers.some((b) => b.name === a.name && b.invert === a.invert && valueCovers(a.value, b.value, a.invert));
}

function hasQueryCovered(a: IrQueryMatch, later: IrMatch): boolean {
  return later.queryParams.some((b) => b.name === a.name && valueCovers(a.value, b.value, false));
}

function pathCovers(earlier: IrMatch, later: IrMatch): boolean {
  const e = earlier.path;
  if (!e || (e.kind === 'prefix' && e.value === '/')) return true;
  const l = later.path;
  if (!l) return false;
  // A case-insensitive earlier match covers a case-sensitive later one, not the reverse.
  if (later.ignoreCase && !earlier.ignoreCase) return false;
  const norm = (s: string) => (earlier.ignoreCase ? s.toLowerCase() : s);
  if (e.kind === 'regex') return l.kind === 'regex' && l.value === e.value;
  if (e.kind === 'exact') return l.kind === 'exact' && norm(l.value) === norm(e.value);
  return l.kind !== 'regex' && norm(l.value).startsWith(norm(e.value));
}

function valueCovers(e: IrStringMatch | undefined, l: IrStringMatch | undefined, inverted: boolean): boolean {
  if (inverted) return sameValue(e, l); // "not X" covers "not X" only (kept simple)
  if (!e) return true; // presence covers any value condition
  if (!l) return false;
  if (e.kind === 'prefix' && l.kind !== 'regex') return l.value.startsWith(e.value);
  return sameValue(e, l);
}

function sameValue(a: IrStringMatch | undefined, b: IrStringMatch | undefined): boolean {
  return a?.kind === b?.kind && a?.value === b?.value;
}
