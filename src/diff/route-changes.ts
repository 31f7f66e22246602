// What changed between two versions of one route: the human summary lines and the leaf
// field changes. Names and sources are identity and location, not behaviour, so they are
// left out of the comparison.
import type { IrForward, IrRoute } from '../compile/ir/types.ts';
import { settingsFrom } from '../compile/istio/settings.ts';
import {
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
import { diffValues, formatValue, sameValue } from './value-diff.ts';

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

export function routeDelta(before: IrRoute, after: IrRoute): RouteDelta {
  const fields = diffValues(before, after, '', IGNORED);
  const summary: string[] = [];
  if (!sameValue(before.match, after.match)) summary.push(`match: ${describeMatch(before.match)} → ${describeMatch(after.match)}`);
  summary.push(...actionSummary(before, after));
  if (!sameValue(before.fault, after.fault)) summary.push(`fault: ${describeFault(before.fault)} → ${describeFault(after.fault)}`);
  if (!sameValue(before.cors, after.cors)) summary.push(`cors: ${describeCors(before.cors)} → ${describeCors(after.cors)}`);
  if (!sameValue(before.headers, after.headers)) {
    summary.push(`headers: ${describeHeaderOps(before.headers)} → ${describeHeaderOps(after.headers)}`);
  }
  return { summary, fields: stripWeightNoise(fields, before, after) };
}

/**
 * What an added or removed route does: the same fields a changed route reports (forwarding
 * or redirect/direct response, timeout, retries, rewrite, mirror, fault, CORS, headers), each
 * only when set, so a new rule's rewrite or timeout is as visible as an edited one's.
 * Retries are named when they are not Istio's default policy.
 */
export function describeRoute(r: IrRoute): string[] {
  const out = [describeAction(r.action)];
  const a = r.action;
  if (a.kind === 'forward') {
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

function actionSummary(before: IrRoute, after: IrRoute): string[] {
  const a = before.action;
  const b = after.action;
  if (sameValue(a, b)) return [];
  if (a.kind !== 'forward' || b.kind !== 'forward') return [`action: ${describeAction(a)} → ${describeAction(b)}`];
  const out: string[] = [];
  const weights = weightSummary(a, b);
  if (weights) out.push(weights);
  if (a.timeoutMs !== b.timeoutMs) out.push(`timeout: ${formatMs(a.timeoutMs)} → ${formatMs(b.timeoutMs)}`);
  if (!sameValue(a.retry, b.retry)) out.push(`retries: ${describeRetry(a.retry)} → ${describeRetry(b.retry)}`);
  if (!sameValue(a.rewrite, b.rewrite)) out.push(`rewrite: ${formatValue(a.rewrite)} → ${formatValue(b.rewrite)}`);
  if (!sameValue(a.mirrors, b.mirrors)) out.push(`mirror: ${describeMirrors(a.mirrors)} → ${describeMirrors(b.mirrors)}`);
  return out;
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

/** Drop raw weight fields when every share is unchanged (pure rescaling). */
function stripWeightNoise(fields: FieldChange[], before: IrRoute, after: IrRoute): FieldChange[] {
  if (before.action.kind !== 'forward' || after.action.kind !== 'forward') return fields;
  if (weightSummary(before.action, after.action) !== undefined) return fields;
  if (!sameValue(before.action.destinations.map((d) => d.cluster), after.action.destinations.map((d) => d.cluster))) return fields;
  return fields.filter((f) => !f.field.startsWith('action.destinations'));
}

