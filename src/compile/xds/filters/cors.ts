// The CORS HTTP filter: present on every listener, inert unless a route carries a
// per-route CorsPolicy (the route-level `cors` field is deprecated in Envoy v3).
import type { IrCors } from '../../ir/types.ts';
import { anyOf, compact, stringMatcher, wrap, type ProtoObject } from '../proto-values.ts';

export const CORS_FILTER_NAME = 'envoy.filters.http.cors';
const CORS_FILTER_TYPE = 'envoy.extensions.filters.http.cors.v3.Cors';
const CORS_POLICY_TYPE = 'envoy.extensions.filters.http.cors.v3.CorsPolicy';

export function corsFilter(): ProtoObject {
  return { name: CORS_FILTER_NAME, typed_config: anyOf(CORS_FILTER_TYPE, {}) };
}

/** Per-route CorsPolicy (an Any for `typed_per_filter_config`). */
export function routeCors(cors: IrCors): ProtoObject {
  const join = (list: readonly string[]): string | undefined => (list.length === 0 ? undefined : list.join(','));
  const policy = compact({
    allow_origin_string_match: cors.allowOrigins.length === 0 ? undefined : cors.allowOrigins.map((o) => stringMatcher(o)),
    allow_methods: join(cors.allowMethods),
    allow_headers: join(cors.allowHeaders),
    expose_headers: join(cors.exposeHeaders),
    max_age: cors.maxAgeSeconds === undefined ? undefined : String(cors.maxAgeSeconds),
    allow_credentials: cors.allowCredentials === undefined ? undefined : wrap(cors.allowCredentials),
  });
  return anyOf(CORS_POLICY_TYPE, policy);
}
