// VirtualService http rules → IrRoutes for one virtual host (a host and port, seen by one
// scope: the sidecars of a namespace, or one gateway). Rules keep their order; each match
// entry becomes one route (`vs/<ns>/<name>/http/<rule name, else i>/match/<j>`), a rule
// without match one catch-all route. Entries that do not apply here (another port, another
// gateway, another source namespace) are left out, and a rule left with no entry is skipped.
import type { IrDestination, IrForward, IrRoute, IrRouteAction } from '../ir/types.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { Destination, HttpMatchRequest, HttpRoute, VirtualServiceSpec } from '../schema/index.ts';
import { durationToWholeMs } from '../schema/index.ts';
import { toIrMatch } from './match.ts';
import { clusterName, ruleSegments, vsRouteName } from './names.ts';
import type { Registry } from './registry.ts';
import { toCors, toDirectResponse, toFault, toHeaderOps, toRedirect, toRetry } from './route-parts.ts';
import type { FrontSettings } from './settings.ts';
import { sourceOf } from './where.ts';

export type LoadedVs = Loaded<'VirtualService', VirtualServiceSpec>;

/** Who receives the routes: sidecars (of a namespace; null = default view) or one gateway (`ns/name`). */
export type Scope =
  | { readonly kind: 'mesh'; readonly viewNamespace: string | null }
  | { readonly kind: 'gateway'; readonly gateway: string; readonly namespace: string };

/** A cluster some route needs; clusters.ts turns each into an IrCluster. */
export interface ClusterRef {
  readonly host: string;
  readonly port: number;
  readonly subset: string;
}

export interface RouteContext {
  readonly settings: FrontSettings;
  readonly registry: Registry;
  /** Collects every cluster a route or mirror refers to. */
  readonly refs: Map<string, ClusterRef>;
  /** Shared by all views of one compile: the same VS, port and scope give the same routes. */
  readonly cache: RouteCache;
}

/** A plain Map (not a WeakMap): it lives for one compile, and WeakMaps cost the GC dearly at 10,000 entries. */
export type RouteCache = Map<LoadedVs, { readonly bySource: boolean; readonly results: Map<string, RoutesEntry> }>;

/** Routes for one (VirtualService, port, scope), and the clusters they refer to. */
export interface RoutesEntry {
  readonly routes: IrRoute[];
  readonly refs: readonly [string, ClusterRef][];
}

export const MESH = 'mesh';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** A VirtualService's gateway reference → `mesh` or `<ns>/<name>` (Istio: bare names are in the VS namespace). */
export function normalizeGateway(ref: string, vsNamespace: string): string {
  if (ref === MESH) return MESH;
  if (ref.includes('/')) return ref;
  if (ref.includes('.')) {
    const [name, ns] = ref.split('.'); // legacy `name.namespace[.svc.<domain>]`
    return `${ns}/${name}`;
  }
  return `${vsNamespace}/${ref}`;
}

const MESH_ONLY: readonly string[] = Object.freeze([MESH]);

export function vsGateways(vs: LoadedVs): readonly string[] {
  const g = vs.spec.gateways;
  // Most VirtualServices name no gateway: one shared list instead of one per call.
  return g && g.length > 0 ? g.map((r) => normalizeGateway(r, vs.metadata.namespace)) : MESH_ONLY;
}

/** Does match entry `m` (or the rule without match) apply to `scope` on `port`? */
export function matchApplies(vs: LoadedVs, m: HttpMatchRequest | undefined, scope: Scope, port: number): boolean {
  if (m?.port !== undefined && m.port !== port) return false;
  if (m?.sourceLabels && Object.keys(m.sourceLabels).length > 0) return false; // ML4014
  const gateways = m?.gateways?.length ? m.gateways.map((r) => normalizeGateway(r, vs.metadata.namespace)) : vsGateways(vs);
  const target = scope.kind === 'mesh' ? MESH : scope.gateway;
  if (!gateways.includes(target)) return false;
  if (m?.sourceNamespace !== undefined) {
    const ns = scope.kind === 'mesh' ? scope.viewNamespace : scope.namespace;
    if (ns !== m.sourceNamespace) return false;
  }
  return true;
}

export function vsRoutes(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext): IrRoute[] {
  const hit = vsRoutesEntry(vs, port, scope, ctx);
  for (const [name, ref] of hit.refs) if (!ctx.refs.has(name)) ctx.refs.set(name, ref);
  return hit.routes;
}

/** Does the VirtualService route differently per sidecar namespace (a match on sourceNamespace)? */
export function routesBySource(vs: LoadedVs, ctx: RouteContext): boolean {
  return perVsCache(vs, ctx).bySource;
}

/** vsRoutes without collecting: the (cached) routes and the clusters they refer to. */
export function vsRoutesEntry(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext): RoutesEntry {
  const perVs = perVsCache(vs, ctx);
  const key = `${port}|${scope.kind === 'gateway' ? scope.gateway : perVs.bySource ? `mesh:${scope.viewNamespace ?? ''}` : 'mesh'}`;
  const hit = perVs.results.get(key);
  if (hit) return hit;
  const local: RouteContext = { ...ctx, refs: new Map() };
  const routes = computeRoutes(vs, port, scope, local);
  const entry = { routes, refs: [...local.refs] };
  perVs.results.set(key, entry);
  return entry;
}

function perVsCache(vs: LoadedVs, ctx: RouteContext) {
  let perVs = ctx.cache.get(vs);
  if (!perVs) {
    // Sidecar views differ only through sourceNamespace; without it, every mesh scope shares one result.
    const bySource = (vs.spec.http ?? []).some((r) => r.match?.some((m) => m.sourceNamespace !== undefined) ?? false);
    ctx.cache.set(vs, (perVs = { bySource, results: new Map() }));
  }
  return perVs;
}

function computeRoutes(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext): IrRoute[] {
  const routes: IrRoute[] = [];
  const { namespace, name } = vs.metadata;
  const segments = ruleSegments(vs.spec.http ?? []);
  (vs.spec.http ?? []).forEach((rule, i) => {
    const entries: (HttpMatchRequest | undefined)[] = rule.match?.length ? rule.match : [undefined];
    // Everything but the match is the rule's: built once, shared by its match entries.
    let shared: Omit<IrRoute, 'name' | 'match'> | undefined;
    entries.forEach((m, j) => {
      if (!matchApplies(vs, m, scope, port)) return;
      if (!shared) {
        const fault = toFault(rule.fault);
        const cors = toCors(rule.corsPolicy);
        const single = rule.route?.length === 1 ? rule.route[0]?.headers : undefined;
        shared = {
          action: toAction(vs, rule, port, ctx),
          headers: toHeaderOps(rule.headers, single),
          ...(fault ? { fault } : {}),
          ...(cors ? { cors } : {}),
          source: sourceOf(vs, ['spec', 'http', i]),
        };
      }
      // Field by field rather than spreading `shared`: one route object per match entry, no copies.
      const route: Mutable<IrRoute> = { name: vsRouteName(namespace, name, segments[i] ?? String(i), j), match: toIrMatch(m), action: shared.action, headers: shared.headers };
      if (shared.fault) route.fault = shared.fault;
      if (shared.cors) route.cors = shared.cors;
      if (shared.source) route.source = shared.source;
      routes.push(route);
    });
  });
  return routes;
}

function toAction(vs: LoadedVs, rule: HttpRoute, port: number, ctx: RouteContext): IrRouteAction {
  if (rule.redirect) return toRedirect(rule.redirect);
  if (rule.directResponse) return toDirectResponse(rule.directResponse);
  // Destinations to the same cluster add up; the first one's header operations are kept
  // (ML4013 warns when a later one's differ).
  const weighted = new Map<string, IrDestination>();
  const dests = rule.route ?? [];
  for (const d of dests) {
    const weight = dests.length === 1 ? 100 : (d.weight ?? 0);
    if (weight <= 0) continue; // Istio drops zero-weight destinations
    const cluster = destinationCluster(vs, d.destination, port, ctx);
    const prev = weighted.get(cluster);
    // A lone destination's headers are merged into the route's (computeRoutes).
    const headers = dests.length > 1 && d.headers ? toHeaderOps(undefined, d.headers) : undefined;
    if (prev) weighted.set(cluster, { ...prev, weight: prev.weight + weight });
    else weighted.set(cluster, { cluster, weight, ...(headers ? { headers } : {}) });
  }
  const mirrors: { cluster: string; percent: number }[] = [];
  if (rule.mirror) mirrors.push({ cluster: destinationCluster(vs, rule.mirror, port, ctx), percent: rule.mirrorPercentage?.value ?? 100 });
  for (const m of rule.mirrors ?? []) {
    mirrors.push({ cluster: destinationCluster(vs, m.destination, port, ctx), percent: m.percentage?.value ?? 100 });
  }
  const rw = rule.rewrite;
  const rewrite = rw
    ? {
        ...(rw.uri !== undefined ? { uri: rw.uri } : {}),
        ...(rw.uriRegexRewrite ? { uriRegex: { pattern: rw.uriRegexRewrite.match, substitution: rw.uriRegexRewrite.rewrite } } : {}),
        ...(rw.authority !== undefined ? { authority: rw.authority } : {}),
      }
    : undefined;
  const retry = rule.retries ? toRetry(rule.retries) : ctx.settings.defaultRetry;
  // Same field order as a literal with conditional spreads would give, without their garbage.
  const forward: Partial<Mutable<IrForward>> = { kind: 'forward', destinations: [...weighted.values()] };
  if (rewrite && Object.keys(rewrite).length > 0) forward.rewrite = rewrite;
  forward.timeoutMs = rule.timeout !== undefined ? (durationToWholeMs(rule.timeout) ?? 0) : ctx.settings.defaultTimeoutMs;
  if (retry) forward.retry = retry;
  forward.mirrors = mirrors;
  return forward as IrForward;
}

/** The port a destination means: its own, the service's only port, else the port the request came in on. */
export function destinationPort(dest: Destination, host: string, port: number, registry: Registry): number {
  if (dest.port?.number !== undefined) return dest.port.number;
  const svc = registry.lookupAny(host);
  if (svc?.ports.length === 1 && svc.ports[0]) return svc.ports[0].number;
  return port;
}

export function destinationHost(vs: LoadedVs, dest: Destination, settings: FrontSettings, registry: Registry): string {
  return registry.resolve(dest.host, vs.metadata.namespace);
}

function destinationCluster(vs: LoadedVs, dest: Destination, port: number, ctx: RouteContext): string {
  const host = destinationHost(vs, dest, ctx.settings, ctx.registry);
  const p = destinationPort(dest, host, port, ctx.registry);
  const subset = dest.subset ?? '';
  const name = clusterName(host, p, subset);
  if (!ctx.refs.has(name)) ctx.refs.set(name, { host, port: p, subset });
  return name;
}
