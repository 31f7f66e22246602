// The one place that decides the HTTP filter chain of every listener.
import { corsFilter } from './filters/cors.ts';
import { faultFilter } from './filters/fault.ts';
import { routerFilter } from './filters/router.ts';
import type { ProtoObject } from './proto-values.ts';

/**
 * Filter order, first to last on the request path, as Istio's proxies run them:
 *  1. fault — delays/aborts requests of routes that configure it, before any other work, so an
 *             injected fault hits a browser's preflight (OPTIONS) too, and its local reply
 *             carries no CORS headers, as under Istio.
 *  2. CORS  — answers preflight requests of routes with a CORS policy, and adds the CORS
 *             headers to their responses.
 *  3. router — must be last: it is the terminal filter that forwards to the cluster.
 * All three are always present (the first two are inert without per-route config), so a
 * listener's bytes do not change when a route gains or loses a fault or CORS policy.
 */
export function httpFilters(): ProtoObject[] {
  return [faultFilter(), corsFilter(), routerFilter()];
}
