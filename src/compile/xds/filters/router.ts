// The router HTTP filter: forwards to the route's cluster. Always the last filter.
import { anyOf, type ProtoObject } from '../proto-values.ts';

export const ROUTER_FILTER_NAME = 'envoy.filters.http.router';
const ROUTER_TYPE = 'envoy.extensions.filters.http.router.v3.Router';

export function routerFilter(): ProtoObject {
  return { name: ROUTER_FILTER_NAME, typed_config: anyOf(ROUTER_TYPE, {}) };
}
