// The outcome of a matched route: where a forward sends traffic (weights as percentages),
// the Location a redirect answers with (Envoy's rules for keeping or dropping the port),
// or the direct response.
import type { IrDestination, IrRedirect, IrRoute, MeshIR } from '../compile/ir/types.ts';
import { describeRetry, parseClusterName, percentages } from '../diff/describe.ts';
import { headerChanges } from './header-changes.ts';
import { re2ReplaceAll } from './string-match.ts';
import type { ExplainedDestination, Outcome, RoutedRequest } from './types.ts';

export function routeOutcome(route: IrRoute, req: RoutedRequest, ir?: MeshIR): Outcome {
  const a = route.action;
  switch (a.kind) {
    case 'forward': {
      return {
        kind: 'forward',
        destinations: explainDestinations(a.destinations, ir),
        timeoutMs: a.timeoutMs,
        ...(a.retry ? { retry: describeRetry(a.retry) } : {}),
        upstream: { path: rewrittenPath(route, req), authority: a.rewrite?.authority ?? req.authority },
        mirrors: a.mirrors,
      };
    }
    case 'redirect':
      return { kind: 'redirect', status: a.code, location: redirectLocation(a, req) };
    case 'direct_response':
      return { kind: 'direct_response', status: a.status, ...(a.body !== undefined ? { body: a.body } : {}) };
  }
}

/** Weighted clusters as explain shows them: host, port, subset, share, and how many endpoints each has. */
export function explainDestinations(destinations: readonly IrDestination[], ir: MeshIR | undefined): ExplainedDestination[] {
  const pcts = percentages(destinations.map((d) => d.weight));
  return destinations.map((d, i) => {
    const c = parseClusterName(d.cluster);
    const endpoints = endpointCount(ir, d.cluster);
    const headers = headerChanges(d.headers, true);
    return {
      cluster: d.cluster, host: c.host, port: c.port ? Number(c.port) : null, subset: c.subset, weight: d.weight, percent: pcts[i] ?? 0, endpoints,
      ...(headers ? { headers } : {}),
      ...(d.authority !== undefined ? { authority: d.authority } : {}),
    };
  });
}

function endpointCount(ir: MeshIR | undefined, cluster: string): number | null {
  const c = ir?.clusters.find((x) => x.name === cluster);
  // DNS clusters resolve, and pass-through clusters dial, what the client asked for: nothing to count.
  if (!c || c.discovery !== 'eds' || c.loadBalancer.kind === 'passthrough') return null;
  return ir?.endpoints.find((e) => e.clusterName === cluster)?.endpoints.length ?? 0;
}

/**
 * Envoy's prefix_rewrite swaps the matched part for the new value: the prefix for prefix
 * routes, the whole path (query kept) for exact and regex routes. regex_rewrite replaces
 * every match in the path and keeps the query.
 */
export function rewrittenPath(route: IrRoute, req: RoutedRequest): string {
  const a = route.action;
  if (a.kind !== 'forward' || !a.rewrite) return req.path;
  const q = req.path.indexOf('?');
  const pathOnly = q < 0 ? req.path : req.path.slice(0, q);
  if (a.rewrite.uri !== undefined) {
    const m = route.match.path;
    const matched = !m ? 1 : m.kind === 'prefix' ? m.value.length : pathOnly.length;
    return a.rewrite.uri + req.path.slice(matched);
  }
  if (a.rewrite.uriRegex) {
    const replaced = re2ReplaceAll(a.rewrite.uriRegex.pattern, pathOnly, a.rewrite.uriRegex.substitution);
    return (replaced ?? pathOnly) + (q < 0 ? '' : req.path.slice(q));
  }
  return req.path;
}

/**
 * Envoy builds `scheme://host[:port]path`: the scheme is the redirect's, else the request's
 * :scheme (which Envoy takes from x-forwarded-proto: before-routing.ts); a redirect host
 * replaces the whole Host value; otherwise the request's Host is kept, minus its port when a
 * new port is given or when the port is the default of the protocol x-forwarded-proto names
 * and the new scheme is not that header's value (compared as written: measured on Envoy 1.40,
 * "HTTPS" on Host `a:443` loses the port even without a scheme change). A new path keeps the
 * request's query unless the new path has its own.
 */
export function redirectLocation(r: IrRedirect, req: RoutedRequest): string {
  const scheme = r.scheme ?? req.scheme;
  // Without Envoy's header (a request that skipped before-routing.ts): the request's scheme.
  const proto = req.headers.find((h) => h.name === 'x-forwarded-proto')?.value ?? req.scheme;
  let host: string;
  if (r.authority !== undefined) host = r.authority;
  else {
    host = req.authority;
    const colon = host.startsWith('[') ? host.lastIndexOf(']:') + 1 : host.lastIndexOf(':');
    if (colon > 0) {
      const port = host.slice(colon);
      const lower = proto.toLowerCase();
      const protoPort = lower === 'https' ? ':443' : lower === 'http' ? ':80' : undefined;
      const dropDefault = scheme !== proto && port === protoPort;
      if (r.port !== undefined || dropDefault) host = host.slice(0, colon);
    }
  }
  const port = r.port !== undefined ? `:${r.port}` : '';
  let path = req.path;
  if (r.uri !== undefined) {
    const q = req.path.indexOf('?');
    path = r.uri.includes('?') || q < 0 ? r.uri : `${r.uri}${req.path.slice(q)}`;
  }
  if (!path.startsWith('/')) path = `/${path}`;
  return `${scheme}://${host}${port}${path}`;
}
