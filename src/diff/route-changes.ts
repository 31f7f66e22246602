// What changed between two versions of one route: the human summary lines and the leaf
// field changes. Names and sources are identity and location, not behaviour, so they are
// left out of the comparison.
import type { IrForward, IrHeaderOps, IrRoute, IrRouteAction } from '../compile/ir/types.ts';
import { settingsFrom } from '../compile/istio/settings.ts';
import { fieldLine, partLines, uncoveredLines } from './change-lines.ts';
import {
  clusterLabel,
  describeAction,
  describeCors,
  describeFault,
  describeHeaderOps,
  describeMatch,
  describeMirrors,
  describeRetry,
  formatMs,
  formatPercent,
  parseClusterName,
  percentages,
  type ClusterLabel,
} from './describe.ts';
import type { FieldChange } from './types.ts';
import { canonicalJson, diffValues, formatValue, sameValue } from './value-diff.ts';

const IGNORED = new Set(['name', 'source']);

/**
 * Istio's built-in retry policy, which every rule without `retries` gets (with either host
 * choice, as routes settle it): not worth a line on a new route.
 */
const ISTIO_DEFAULT = settingsFrom(undefined).defaultRetry;
const ISTIO_DEFAULT_RETRIES = ISTIO_DEFAULT ? [true, false].map((previousHosts) => ({ ...ISTIO_DEFAULT, previousHosts })) : [];

export interface RouteDelta {
  readonly summary: string[];
  readonly fields: FieldChange[];
}

/** The route's own parts the summary lines describe, besides its action (see actionParts). */
const ROUTE_PARTS = ['match', 'fault', 'cors', 'headers'];
/** A forward action's parts, each with its lines in actionLines. */
const FORWARD_PARTS = ['action.kind', 'action.destinations', 'action.timeoutMs', 'action.retry', 'action.rewrite', 'action.mirrors'];

export function routeDelta(before: IrRoute, after: IrRoute): RouteDelta {
  const fields = stripWeightNoise(diffValues(before, after, '', IGNORED), before, after);
  const summary = [
    ...partLines('match', 'match', before.match, after.match, describeMatch),
    ...actionLines(before.action, after.action),
    ...partLines('fault', 'fault', before.fault, after.fault, describeFault),
    ...partLines('cors', 'cors', before.cors, after.cors, describeCors),
    ...partLines('headers', 'headers', before.headers, after.headers, describeHeaderOps),
    // A field none of the lines above is about (one newer than them): never dropped.
    ...uncoveredLines(fields, [...ROUTE_PARTS, ...actionParts(before.action, after.action)]),
  ];
  // The lines above cover every field; should one ever fall through, the change still shows.
  if (summary.length === 0) summary.push(...fields.map(fieldLine));
  return { summary, fields };
}

/**
 * What an added or removed route does: the same fields a changed route reports (forwarding
 * or redirect/direct response, a destination's own headers, timeout, retries, rewrite,
 * mirror, fault, CORS, headers), each only when set, so a new rule's rewrite or timeout is as
 * visible as an edited one's. Retries are named when they are not Istio's default policy.
 */
export function describeRoute(r: IrRoute): string[] {
  const out = [describeAction(r.action)];
  const a = r.action;
  if (a.kind === 'forward') {
    out.push(...destinationHeaders(a));
    if (a.timeoutMs) out.push(`timeout: ${formatMs(a.timeoutMs)}`);
    if (a.retry && !ISTIO_DEFAULT_RETRIES.some((d) => sameValue(a.retry, d))) out.push(`retries: ${describeRetry(a.retry)}`);
    if (a.rewrite) out.push(`rewrite: ${formatValue(a.rewrite)}`);
    if (a.mirrors.length > 0) out.push(`mirror: ${describeMirrors(a.mirrors)}`);
  }
  if (r.fault) out.push(`fault: ${describeFault(r.fault)}`);
  if (r.cors) out.push(`cors: ${describeCors(r.cors)}`);
  const headers = describeHeaderOps(r.headers);
  if (headers !== 'none') out.push(`headers: ${headers}`);
  return out;
}

/**
 * `headers for reviews v2: request set x-canary: yes` and `Host for reviews v2: canary.example.com`,
 * per destination of a split that has any.
 */
function destinationHeaders(f: IrForward): string[] {
  const clusters = f.destinations.map((d) => d.cluster);
  const lines: string[] = [];
  for (const d of f.destinations) {
    const who = splitLabel(d.cluster, clusters);
    if (d.headers && describeHeaderOps(d.headers) !== 'none') lines.push(`headers for ${who}: ${describeHeaderOps(d.headers)}`);
    if (d.authority !== undefined) lines.push(`Host for ${who}: ${d.authority}`);
  }
  return lines;
}

/** Which parts of the action the lines of actionLines cover. */
function actionParts(a: IrRouteAction, b: IrRouteAction): string[] {
  return a.kind === 'forward' && b.kind === 'forward' ? FORWARD_PARTS : ['action'];
}

function actionLines(a: IrRouteAction, b: IrRouteAction): string[] {
  if (sameValue(a, b)) return [];
  // Another kind of action: both sides described whole (a probe of one field would mix kinds).
  if (a.kind !== b.kind) return [`action: ${describeAction(a)} → ${describeAction(b)}`];
  if (a.kind !== 'forward' || b.kind !== 'forward') return partLines('action', 'action', a, b, describeAction);
  return [
    ...destinationLines(a, b),
    ...partLines('timeout', 'action.timeoutMs', a.timeoutMs, b.timeoutMs, formatMs),
    ...partLines('retries', 'action.retry', a.retry, b.retry, describeRetry),
    ...partLines('rewrite', 'action.rewrite', a.rewrite, b.rewrite, formatValue),
    ...partLines('mirror', 'action.mirrors', a.mirrors, b.mirrors, describeMirrors),
  ];
}

/**
 * Where a split sends requests: the shares that moved (weightSummary), then per destination
 * the header operations that changed (Istio `route[].headers` on a weighted split: they apply
 * to that destination's share only, so they are named after it). Neither the destinations'
 * order nor weights rescaled to the same shares change anything. A destination's setting
 * newer than these lines is shown field by field.
 */
function destinationLines(a: IrForward, b: IrForward): string[] {
  const weights = weightSummary(a, b);
  const lines = weights ? [weights] : [];
  const clusters = [...new Set([...b.destinations, ...a.destinations].map((d) => d.cluster))];
  const staying = clusters.filter((c) => b.destinations.some((d) => d.cluster === c)).sort((x, y) => compareClusters(parseClusterName(x), parseClusterName(y)));
  for (const c of staying) {
    const who = splitLabel(c, clusters);
    lines.push(...partLines(`headers for ${who}`, `action.destinations[${who}].headers`, headersOf(a, c), headersOf(b, c), describeHeaderList));
    lines.push(...partLines(`Host for ${who}`, `action.destinations[${who}].authority`, authorityOf(a, c), authorityOf(b, c), (v) => v ?? "the route's"));
  }
  if (!sameValue(restOf(a), restOf(b))) lines.push(fieldLine({ field: 'action.destinations', before: a.destinations, after: b.destinations }));
  return lines;
}

/**
 * The header operations of a cluster's destinations in a split (one, unless it is named
 * twice); a destination without any is left out, as is a cluster the split did not send to.
 */
function headersOf(f: IrForward, cluster: string): readonly IrHeaderOps[] {
  return f.destinations.filter((d) => d.cluster === cluster && d.headers && describeHeaderOps(d.headers) !== 'none').map((d) => d.headers!);
}

/** The Host a cluster's destination in a split rewrites to (Istio: a destination's `headers.request.set.host`). */
function authorityOf(f: IrForward, cluster: string): string | undefined {
  return f.destinations.find((d) => d.cluster === cluster && d.authority !== undefined)?.authority;
}

function describeHeaderList(list: readonly IrHeaderOps[]): string {
  return list.length === 0 ? 'none' : list.map(describeHeaderOps).join(' / ');
}

/** A destination's settings besides its cluster's share, headers and Host, by cluster (a field newer than destinationLines). */
function restOf(f: IrForward): Record<string, string> {
  const rest: Record<string, string> = {};
  for (const { cluster, weight: _w, headers: _h, authority: _a, ...others } of f.destinations) {
    if (Object.values(others).some((v) => v !== undefined)) rest[cluster] = canonicalJson(others);
  }
  return rest;
}

/** `reviews v2`, with the port when the split sends to the host on several ports. */
function splitLabel(cluster: string, clusters: readonly string[]): string {
  return clusterLabel(cluster, needsPort(clusters, parseClusterName(cluster).host));
}

/** Share of traffic per cluster, as Envoy computes it from relative weights. */
export function trafficShares(f: Pick<IrForward, 'destinations'>): Map<string, number> {
  const pcts = percentages(f.destinations.map((d) => d.weight));
  const shares = new Map<string, number>();
  f.destinations.forEach((d, i) => shares.set(d.cluster, (shares.get(d.cluster) ?? 0) + (pcts[i] ?? 0)));
  return shares;
}

/**
 * `reviews: v1 90→50, v2 10→50`, grouped by host, only the clusters whose share moved.
 * Relative weights that give the same shares (9/1 vs 90/10) are no change to Envoy's behaviour.
 */
export function weightSummary(a: Pick<IrForward, 'destinations'>, b: Pick<IrForward, 'destinations'>): string | undefined {
  const before = trafficShares(a);
  const after = trafficShares(b);
  const clusters = [...new Set([...after.keys(), ...before.keys()])];
  const changed = clusters
    .filter((c) => Math.abs((before.get(c) ?? 0) - (after.get(c) ?? 0)) >= 0.005)
    .sort((x, y) => compareClusters(parseClusterName(x), parseClusterName(y)));
  if (changed.length === 0) return undefined;
  const groups = new Map<string, string[]>();
  for (const c of changed) {
    const label = parseClusterName(c);
    const host = label.port && needsPort(clusters, label.host) ? `${label.shortHost}:${label.port}` : label.shortHost;
    const entry = `${label.subset || '(all)'} ${formatPercent(before.get(c) ?? 0)}→${formatPercent(after.get(c) ?? 0)}`;
    groups.set(host, [...(groups.get(host) ?? []), entry]);
  }
  return [...groups].map(([host, entries]) => `${host}: ${entries.join(', ')}`).join('; ');
}

/** Host, then port, then subset: a stable reading order whatever the rule's order. */
function compareClusters(a: ClusterLabel, b: ClusterLabel): number {
  const key = (c: ClusterLabel) => [c.shortHost, c.host, c.port.padStart(5, '0'), c.subset];
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < ka.length; i++) if (ka[i] !== kb[i]) return ka[i]! < kb[i]! ? -1 : 1;
  return 0;
}

function needsPort(clusters: readonly string[], host: string): boolean {
  const ports = new Set(clusters.map(parseClusterName).filter((c) => c.host === host).map((c) => c.port));
  return ports.size > 1;
}

/**
 * Drop the raw destination fields when the split does the same as before: weights rescaled to
 * the same shares, or the destinations listed in another order.
 */
function stripWeightNoise(fields: FieldChange[], before: IrRoute, after: IrRoute): FieldChange[] {
  if (before.action.kind !== 'forward' || after.action.kind !== 'forward') return fields;
  if (destinationLines(before.action, after.action).length > 0) return fields;
  return fields.filter((f) => !f.field.startsWith('action.destinations'));
}
