// VirtualService http rules → IrRoutes for one virtual host (a host and port, seen by one
// scope: the sidecars of a namespace, or one gateway). Rules keep their order; each match
// entry becomes one route (`vs/<ns>/<name>/http/<rule name, else i>/match/<j>`), a rule
// without match one catch-all route. Entries that do not apply here (another port, another
// gateway, another source namespace; see httpScope) are left out, and a rule left with no
// entry is skipped.
import type { IrMatch, IrRoute } from '../ir/types.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { HttpMatchRequest, HttpRoute, L4Match, VirtualServiceSpec } from '../schema/index.ts';
import { isCatchAll, toIrMatch } from './match.ts';
import type { ClusterCatalog, ClusterCollector } from './cluster-catalog.ts';
import { exact } from './exact.ts';
import { ruleSegments, vsRouteName } from './names.ts';
import type { Registry } from './registry.ts';
import { toAction } from './route-action.ts';
import { toCors, toFault, toHeaderOps } from './route-parts.ts';
import type { FrontSettings } from './settings.ts';
import { httpRuleField, sourceOf } from './where.ts';

export type LoadedVs = Loaded<'VirtualService', VirtualServiceSpec>;

/** Who receives the routes: sidecars (of a namespace; null = default view) or one gateway (`ns/name`). */
export type Scope =
  | { readonly kind: 'mesh'; readonly viewNamespace: string | null }
  /**
   * A gateway view's virtual host reached through a Gateway of the view that binds the
   * VirtualService (`<ns>/<name>`; a list so a caller may match for several at once). `tls`:
   * the port terminates TLS (HTTPS servers), so a request on it is https (Istio's isTLS); it
   * matters only to redirects, so tcp and tls rules leave it out.
   */
  | { readonly kind: 'gateway'; readonly gateways: readonly string[]; readonly namespace: string; readonly tls?: boolean };

/** A cluster some route needs; clusters.ts turns each into an IrCluster. */
export interface ClusterRef {
  readonly host: string;
  readonly port: number;
  readonly subset: string;
}

export interface RouteContext {
  readonly settings: FrontSettings;
  readonly registry: Registry;
  /** Every cluster of the compile, by id; routes name clusters through it. */
  readonly catalog: ClusterCatalog;
  /** Collects the id of every cluster a route or mirror refers to (vsRoutes). */
  readonly clusters: ClusterCollector;
  /** Shared by all views of one compile: the same VS, port and scope give the same routes. */
  readonly cache: RouteCache;
  /** Whether the cluster of this id balances by consistent hashing (its DestinationRule's policy). */
  hashesConsistently(id: number): boolean;
}

/** A plain Map (not a WeakMap): it lives for one compile, and WeakMaps cost the GC dearly at 10,000 entries. */
export type RouteCache = Map<LoadedVs, PerVs>;

/**
 * One VirtualService's routes per (port, scope) key. Nearly every VirtualService is routed for
 * one key only (its port, on sidecars), so the results are a short list, not a Map per VirtualService.
 */
interface PerVs {
  readonly bySource: boolean;
  keys: string[];
  results: RoutesEntry[];
}

/** Routes for one (VirtualService, port, scope), and the clusters they refer to. */
export interface RoutesEntry {
  readonly routes: IrRoute[];
  /** Cluster ids (ClusterCatalog), each once. */
  readonly ids: readonly number[];
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

/** The conditions of an http or tcp match entry that say where it applies. */
export type ScopeConditions = Pick<HttpMatchRequest, 'port' | 'sourceLabels' | 'gateways' | 'sourceNamespace'> & Pick<L4Match, 'destinationSubnets'>;

/**
 * The condition of a match entry that meshlog cannot compile, if any (ML4014): the entry never
 * applies. Source labels select workloads, which views do not; destination subnets select the
 * address a connection goes to, which listeners bound per port do not know.
 */
export function uncompiledCondition(m: ScopeConditions): 'sourceLabels' | 'destinationSubnets' | undefined {
  if (m.sourceLabels !== undefined && Object.keys(m.sourceLabels).length > 0) return 'sourceLabels';
  if (m.destinationSubnets !== undefined && m.destinationSubnets.length > 0) return 'destinationSubnets';
  return undefined;
}

/**
 * The conditions of an http match entry that decide where it applies, as Istio reads them
 * (route.go sourceMatchHTTP): an entry that names `gateways` applies on those, and its
 * `sourceLabels` and `sourceNamespace` are not looked at; they count only in an entry without
 * `gateways`. (tcp and tls entries must meet all of their conditions: tls.go matchTCP, matchTLS.)
 */
export function httpScope(m: HttpMatchRequest | undefined): ScopeConditions | undefined {
  if (!m?.gateways?.length || (m.sourceNamespace === undefined && m.sourceLabels === undefined)) return m;
  return m.port === undefined ? { gateways: m.gateways } : { port: m.port, gateways: m.gateways };
}

/** Does match entry `m` (or the rule without match) apply to `scope` on `port`? (http entries: through httpScope.) */
export function matchApplies(vs: LoadedVs, m: ScopeConditions | undefined, scope: Scope, port: number): boolean {
  if (m?.port !== undefined && m.port !== port) return false;
  if (m && uncompiledCondition(m)) return false; // ML4014
  const gateways = m?.gateways?.length ? m.gateways.map((r) => normalizeGateway(r, vs.metadata.namespace)) : vsGateways(vs);
  if (scope.kind === 'mesh' ? !gateways.includes(MESH) : !scope.gateways.some((g) => gateways.includes(g))) return false;
  if (m?.sourceNamespace !== undefined) {
    const ns = scope.kind === 'mesh' ? scope.viewNamespace : scope.namespace;
    if (ns !== m.sourceNamespace) return false;
  }
  return true;
}

export function vsRoutes(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext): IrRoute[] {
  const hit = vsRoutesEntry(vs, port, scope, ctx);
  ctx.clusters.addAll(hit.ids);
  return hit.routes;
}

/** Does the VirtualService route differently per sidecar namespace (a match on sourceNamespace)? */
export function routesBySource(vs: LoadedVs, ctx: RouteContext): boolean {
  return perVsCache(vs, ctx).bySource;
}

/** vsRoutes without collecting: the (cached) routes and the clusters they refer to. */
export function vsRoutesEntry(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext): RoutesEntry {
  const perVs = perVsCache(vs, ctx);
  const key = `${port}|${scope.kind === 'gateway' ? `${scope.gateways.join(',')}${scope.tls ? '|tls' : ''}` : perVs.bySource ? `mesh:${scope.viewNamespace ?? ''}` : 'mesh'}`;
  const k = perVs.keys.indexOf(key);
  if (k >= 0) return perVs.results[k]!;
  const ids: number[] = [];
  const routes = computeRoutes(vs, port, scope, ctx, ids);
  const entry = { routes: exact(routes), ids: exact(ids) };
  if (perVs.keys.length === 0) {
    // Literals for the first (nearly always the only) result: exact size (exact.ts).
    perVs.keys = [key];
    perVs.results = [entry];
  } else {
    perVs.keys.push(key);
    perVs.results.push(entry);
  }
  return entry;
}

/** Shared by every VirtualService before its first result (replaced, never pushed to). */
const NO_KEYS: string[] = [];
const NO_RESULTS: RoutesEntry[] = [];

function perVsCache(vs: LoadedVs, ctx: RouteContext): PerVs {
  let perVs = ctx.cache.get(vs);
  if (!perVs) {
    // Sidecar views differ only through sourceNamespace; without it, every mesh scope shares one result.
    ctx.cache.set(vs, (perVs = { bySource: matchesSourceNamespace(vs), keys: NO_KEYS, results: NO_RESULTS }));
  }
  return perVs;
}

function matchesSourceNamespace(vs: LoadedVs): boolean {
  const rules = vs.spec.http;
  if (!rules) return false;
  for (let i = 0; i < rules.length; i++) {
    const matches = rules[i]!.match;
    if (matches) for (let j = 0; j < matches.length; j++) if (httpScope(matches[j]!)?.sourceNamespace !== undefined) return true;
  }
  return false;
}

/**
 * `ids` collects the clusters the routes refer to. Like Istio, routes stop at the first one
 * that takes every request: later rules could never match (ML4007), and on a gateway, where
 * catch-all routes of merged VirtualServices go last (from-gateway.ts), a rule after one
 * would otherwise come alive.
 */
function computeRoutes(vs: LoadedVs, port: number, scope: Scope, ctx: RouteContext, ids: number[]): IrRoute[] {
  const routes: IrRoute[] = [];
  const { namespace, name } = vs.metadata;
  const rules = vs.spec.http ?? [];
  const segments = ruleSegments(rules);
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    const entries = rule.match?.length ? rule.match : NO_MATCH_LIST;
    // Everything but the match is the rule's: built once, shared by its match entries.
    let shared: RuleParts | undefined;
    for (let j = 0; j < entries.length; j++) {
      const m = entries[j];
      if (!matchApplies(vs, httpScope(m), scope, port)) continue;
      shared ??= ruleParts(vs, rule, i, port, ctx, ids, scope.kind === 'gateway' && scope.tls === true);
      const match = toIrMatch(m);
      routes.push(routeOf(vsRouteName(namespace, name, segments[i] ?? String(i), j), match, shared));
      if (isCatchAll(match)) return routes;
    }
  }
  return routes;
}

/** A rule without match is one catch-all entry. */
const NO_MATCH_LIST: readonly (HttpMatchRequest | undefined)[] = Object.freeze([undefined]);

/** What every route of one rule shares. */
type RuleParts = Omit<IrRoute, 'name' | 'match'>;

/** `https`: the routes serve a gateway port that terminates TLS (sidecars' HTTP ports are plain HTTP: Istio's isTLS false). */
function ruleParts(vs: LoadedVs, rule: HttpRoute, i: number, port: number, ctx: RouteContext, ids: number[], https: boolean): RuleParts {
  const fault = toFault(rule.fault);
  const cors = toCors(rule.corsPolicy);
  const single = rule.route?.length === 1 ? rule.route[0]?.headers : undefined;
  const parts: Mutable<RuleParts> = { action: toAction(vs, rule, port, ctx, ids, https), headers: toHeaderOps(rule.headers, single) };
  if (fault) parts.fault = fault;
  if (cors) parts.cors = cors;
  parts.source = sourceOf(vs, ['spec', 'http', i], httpRuleField(i));
  return parts;
}

/** One route object per match entry, its fields in the IR's order; no copies of `parts`. */
function routeOf(name: string, match: IrMatch, parts: RuleParts): IrRoute {
  const { action, headers, fault, cors, source } = parts;
  // The common case (no fault, no CORS) as one literal: its object has room for every field.
  if (!fault && !cors && source) return { name, match, action, headers, source };
  const route: Mutable<IrRoute> = { name, match, action, headers };
  if (fault) route.fault = fault;
  if (cors) route.cors = cors;
  if (source) route.source = source;
  return route;
}
