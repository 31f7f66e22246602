// An http rule's action in IR form: a redirect, a direct response, or a forward to weighted
// destinations (with mirrors, rewrite, timeout, retries), each destination resolved to the
// cluster it means (host as the rule's namespace resolves it, port, subset).
import type { IrDestination, IrForward, IrRetry, IrRouteAction } from '../ir/types.ts';
import type { Destination, HttpRoute, HttpRouteDestination } from '../schema/index.ts';
import { durationToWholeMs } from '../schema/index.ts';
import { exact } from './exact.ts';
import type { LoadedVs, RouteContext } from './from-virtual-service.ts';
import { audienceDefinitions } from './audience.ts';
import type { Registry, RegistryService } from './registry.ts';
import { authorityOf, NO_HEADER_OPS, toDirectResponse, toHeaderOps, toRedirect, toRetry } from './route-parts.ts';
import type { FrontSettings } from './settings.ts';

/**
 * The action of `rule` for requests on `port`; `ids` collects the clusters it sends to.
 * Destinations to the same cluster add up; the first one's header operations are kept
 * (ML4013 warns when a later one's differ).
 */
export function toAction(vs: LoadedVs, rule: HttpRoute, port: number, ctx: RouteContext, ids: number[], https = false): IrRouteAction {
  if (rule.redirect) return toRedirect(rule.redirect, port, https);
  if (rule.directResponse) return toDirectResponse(rule.directResponse);
  const routes = rule.route ?? NO_DESTINATIONS;
  const list: IrDestination[] = weightedClusters(vs, routes, port, ctx, ids, (d, cluster, weight) => {
    // A lone destination's headers are merged into the route's (ruleParts), its authority below.
    if (routes.length === 1 || !d.headers) return { cluster, weight };
    const ops = toHeaderOps(undefined, d.headers);
    const headers = ops === NO_HEADER_OPS ? undefined : ops;
    // As Istio (route.go processWeightedDestination): the weighted cluster's host_rewrite_literal.
    const authority = authorityOf(d.headers);
    return { cluster, weight, ...(headers ? { headers } : {}), ...(authority !== undefined ? { authority } : {}) };
  });
  let mirrors: { cluster: string; percent: number }[] | undefined;
  if (rule.mirror) (mirrors ??= []).push({ cluster: destinationCluster(vs, rule.mirror, port, ctx, ids), percent: rule.mirrorPercentage?.value ?? 100 });
  if (rule.mirrors) {
    for (const m of rule.mirrors) (mirrors ??= []).push({ cluster: destinationCluster(vs, m.destination, port, ctx, ids), percent: m.percentage?.value ?? 100 });
  }
  const rewrite = withAuthority(rule.rewrite ? toRewrite(rule.rewrite) : undefined, rule, routes);
  const retry = settledRetry(rule.retries ? toRetry(rule.retries) : ctx.settings.defaultRetry, routes.length, list, ids, ctx);
  const timeoutMs = rule.timeout !== undefined ? (durationToWholeMs(rule.timeout) ?? 0) : ctx.settings.defaultTimeoutMs;
  const m = mirrors ? exact(mirrors) : NO_MIRRORS;
  const destinations = exact(list);
  // Literals in the IR's field order (the order conditional spreads would give), without their garbage.
  if (rewrite) return retry ? { kind: 'forward', destinations, rewrite, timeoutMs, retry, mirrors: m } : { kind: 'forward', destinations, rewrite, timeoutMs, mirrors: m };
  return retry ? { kind: 'forward', destinations, timeoutMs, retry, mirrors: m } : { kind: 'forward', destinations, timeoutMs, mirrors: m };
}

const NO_DESTINATIONS: readonly HttpRouteDestination[] = Object.freeze([]);

/**
 * The retry policy with its host choice settled, as Istio (retry.go ConvertPolicy): unless the
 * rule says (`retryIgnorePreviousHosts`), retries go to other hosts, except on a rule that lists
 * one destination whose cluster hashes consistently, where they stay on the hashed host. The two
 * settled forms of a shared policy (MeshConfig's default) are shared too.
 */
function settledRetry(retry: IrRetry | undefined, written: number, destinations: readonly IrDestination[], ids: readonly number[], ctx: RouteContext): IrRetry | undefined {
  if (!retry || retry.previousHosts !== undefined) return retry;
  // One destination as the rule writes it (route.go: len(in.Route) == 1), not as weights leave
  // it: `[{v1, weight: 100}, {v2, weight: 0}]` keeps the predicate though only v1 gets traffic.
  const only = written === 1 ? ids.find((id) => ctx.catalog.name(id) === destinations[0]!.cluster) : undefined;
  const previousHosts = !(only !== undefined && ctx.hashesConsistently(only));
  let forms = SETTLED.get(retry);
  if (!forms) SETTLED.set(retry, (forms = { true: { ...retry, previousHosts: true }, false: { ...retry, previousHosts: false } }));
  return forms[previousHosts ? 'true' : 'false'];
}

/** Per shared retry policy, its two settled forms (a WeakMap: policies live for one compile). */
const SETTLED = new WeakMap<IrRetry, { readonly true: IrRetry; readonly false: IrRetry }>();

/**
 * A rule's `route` list as Envoy's weighted clusters, Istio's way: a lone destination takes
 * everything, zero weights are dropped, and a cluster named twice gets the weights added up
 * (its first entry, made by `entry`, is kept otherwise). `ids` collects the clusters.
 */
export function weightedClusters<R extends { readonly destination: Destination; readonly weight?: number | undefined }, T extends { readonly cluster: string; readonly weight: number }>(
  vs: LoadedVs,
  routes: readonly R[],
  port: number,
  ctx: RouteContext,
  ids: number[],
  entry: (route: R, cluster: string, weight: number) => T,
): T[] {
  const list: T[] = [];
  for (const d of routes) {
    const weight = routes.length === 1 ? 100 : (d.weight ?? 0);
    if (weight <= 0) continue; // Istio drops zero-weight destinations
    const cluster = destinationCluster(vs, d.destination, port, ctx, ids);
    // A handful of destinations per rule: a scan beats a Map.
    const k = list.findIndex((x) => x.cluster === cluster);
    const prev = list[k];
    if (prev) list[k] = { ...prev, weight: prev.weight + weight };
    else list.push(entry(d, cluster, weight));
  }
  return list;
}

/** Shared by every action without mirrors (nearly all): the IR is read-only. */
const NO_MIRRORS: IrForward['mirrors'] = Object.freeze([]);

function toRewrite(rw: NonNullable<HttpRoute['rewrite']>): IrForward['rewrite'] {
  const out: Mutable<NonNullable<IrForward['rewrite']>> = {};
  if (rw.uri !== undefined) out.uri = rw.uri;
  if (rw.uriRegexRewrite) out.uriRegex = { pattern: rw.uriRegexRewrite.match, substitution: rw.uriRegexRewrite.rewrite };
  if (rw.authority !== undefined) out.authority = rw.authority;
  return Object.keys(out).length > 0 ? out : undefined;
}

/**
 * The route's authority rewrite as Istio writes it (route.go applyHTTPRouteDestination,
 * processDestination): `rewrite.authority`, else the rule's request `set`/`add` of
 * `host`/`:authority`, else, for a rule with one destination, that destination's. (Validation
 * refuses a rule that names two of the first three.)
 */
function withAuthority(rewrite: IrForward['rewrite'], rule: HttpRoute, routes: readonly HttpRouteDestination[]): IrForward['rewrite'] {
  if (rewrite?.authority) return rewrite;
  const authority = authorityOf(rule.headers) ?? (routes.length === 1 ? authorityOf(routes[0]!.headers) : undefined);
  if (authority === undefined) return rewrite;
  return { ...rewrite, authority };
}

/**
 * The port a destination of `vs` means: its own, the service's only port, else the port the
 * request came in on. As Istio (route.go GetDestinationCluster), which reads "the service" from
 * the proxy's own scope: with a host defined several times unmerged, per sidecar.
 */
export function destinationPort(vs: LoadedVs, dest: Destination, host: string, port: number, registry: Registry): number {
  if (dest.port?.number !== undefined) return dest.port.number;
  const svc = routedDefinition(vs, host, registry);
  if (svc?.ports.length === 1 && svc.ports[0]) return svc.ports[0].number;
  return port;
}

/**
 * The definition of `host` a route of `vs` takes a port-less destination's port from: the
 * host's only one; with several (pick-service.ts), the one `vs`'s own namespace's sidecars use
 * (else the first receiver's, audience.ts). meshlog's routes are shared by every view that
 * receives `vs`, so other receivers using a definition with another lone port get it wrong:
 * ML4043 says so (checks/destinations.ts).
 */
function routedDefinition(vs: LoadedVs, host: string, registry: Registry): RegistryService | undefined {
  // audienceDefinitions answers a host defined once (the common case) at once, with no extra work.
  return audienceDefinitions(registry, host, vs.metadata.namespace, vs.spec.exportTo)[0];
}

export function destinationHost(vs: LoadedVs, dest: Destination, settings: FrontSettings, registry: Registry): string {
  return registry.resolve(dest.host, vs.metadata.namespace);
}

/** The name of the cluster `dest` means; its id joins `ids` (a VirtualService names a few: a scan suffices). */
function destinationCluster(vs: LoadedVs, dest: Destination, port: number, ctx: RouteContext, ids: number[]): string {
  const host = destinationHost(vs, dest, ctx.settings, ctx.registry);
  const id = ctx.catalog.id(host, destinationPort(vs, dest, host, port, ctx.registry), dest.subset ?? '');
  if (!ids.includes(id)) ids.push(id);
  return ctx.catalog.name(id);
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };
