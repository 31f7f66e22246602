// The one place that decides the HTTP filter chain of every listener.
import { corsFilter } from './filters/cors.ts';
import { faultFilter } from './filters/fault.ts';
import { routerFilter } from './filters/router.ts';
import type { ProtoObject } from './proto-values.ts';

/**
 * Filter order, first to last on the request path:
 *  1. CORS  — answers preflight (OPTIONS) requests itself, so a fault rule never breaks a
 *             browser's preflight; and because local replies from later filters pass back
 *             through it, injected aborts still carry the CORS headers a browser needs to
 *             read them.
 *  2. fault — delays/aborts requests of routes that configure it, before any upstream work.
 *  3. router — must be last: it is the terminal filter that forwards to the cluster.
 * All three are always present (the first two are inert without per-route config), so a
 * listener's bytes do not change when a route gains or loses a fault or CORS policy.
 */
export function httpFilters(): ProtoObject[] {
  return [corsFilter(), faultFilter(), routerFilter()];
}
