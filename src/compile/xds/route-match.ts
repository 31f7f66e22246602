// IrMatch → envoy.config.route.v3.RouteMatch (path, case sensitivity, headers, query).
import type { IrHeaderMatch, IrMatch, IrQueryMatch } from '../ir/types.ts';
import { stringMatcher, wrap, type ProtoObject } from './proto-values.ts';

export function buildRouteMatch(match: IrMatch): ProtoObject {
  const out: ProtoObject = pathSpecifier(match);
  // case_sensitive defaults to true in Envoy; only say it when it differs.
  if (match.ignoreCase) out.case_sensitive = wrap(false);
  if (match.headers.length > 0) out.headers = match.headers.map(headerMatcher);
  if (match.queryParams.length > 0) out.query_parameters = match.queryParams.map(queryMatcher);
  return out;
}

function pathSpecifier(match: IrMatch): ProtoObject {
  const path = match.path;
  if (!path) return { prefix: '/' };
  switch (path.kind) {
    case 'exact':
      return { path: path.value };
    case 'prefix':
      return { prefix: path.value };
    case 'regex':
      // Envoy's default regex engine is Google RE2, the engine the front end validated with.
      return { safe_regex: { regex: path.value } };
  }
}

function headerMatcher(h: IrHeaderMatch): ProtoObject {
  const out: ProtoObject = { name: h.name };
  if (h.value) out.string_match = stringMatcher(h.value);
  else out.present_match = true;
  if (h.invert) out.invert_match = true;
  // As Istio: an inverted value match also matches requests without the header (Envoy
  // matches the value against ""), so `withoutHeaders: {x: {exact: v}}` takes them too.
  // Envoy refuses the flag next to present_match, which inverts presence by itself.
  if (h.invert && h.value) out.treat_missing_header_as_empty = true;
  return out;
}

function queryMatcher(q: IrQueryMatch): ProtoObject {
  return q.value ? { name: q.name, string_match: stringMatcher(q.value) } : { name: q.name, present_match: true };
}
