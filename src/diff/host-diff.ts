// Route-level diff of one virtual host. Routes are paired as route-pairing.ts tells (by
// identical match, so inserting a rule above others, which renumbers their names, does not
// mark them all as changed; then a named rule by name, so editing its match shows as a match
// change; an unnamed rule by what it does), and whatever is left is added or removed. Paired
// routes that swapped places are flagged as reordered; an added route says where it was
// inserted (insertion-place.ts).
import type { IrRoute, IrVirtualHost } from '../compile/ir/types.ts';
import { NO_RENAMES, renameRouteClusters, type ClusterRenames } from './cluster-renames.ts';
import { describeMatch } from './describe.ts';
import { insertionPlaces, type Neighbour } from './insertion-place.ts';
import { describeRoute, routeDelta } from './route-changes.ts';
import type { HostDiff, RouteChange } from './types.ts';
import { pairRoutes } from './route-pairing.ts';
import { sameValue } from './value-diff.ts';

/** `renames`: subsets renamed (cluster-renames.ts), so a route that follows its subset's new name is unchanged. */
export function diffHost(routeTable: string, before: IrVirtualHost | undefined, after: IrVirtualHost | undefined, renames: ClusterRenames = NO_RENAMES): HostDiff | undefined {
  const name = (after ?? before)?.name ?? '';
  const beforeDomains = new Set(before?.domains ?? []);
  const afterDomains = new Set(after?.domains ?? []);
  const routes = before && after ? diffRoutesMemo(before.routes, after.routes, renames) : diffRoutes(before?.routes ?? [], after?.routes ?? []);
  const domainsAdded = before ? [...afterDomains].filter((d) => !beforeDomains.has(d)).sort() : [];
  const domainsRemoved = after ? [...beforeDomains].filter((d) => !afterDomains.has(d)).sort() : [];
  const change = !before ? 'added' : !after ? 'removed' : 'changed';
  if (change === 'changed' && routes.length === 0 && domainsAdded.length === 0 && domainsRemoved.length === 0) return undefined;
  return { change, name, routeTable, domainsAdded, domainsRemoved, routes };
}

type PairMemo = WeakMap<readonly IrRoute[], WeakMap<readonly IrRoute[], RouteChange[]>>;
/** Per set of renames (one per diff), since they decide what a pair of lists differs in. */
const memo = new WeakMap<ClusterRenames, PairMemo>();

/**
 * The IR shares route lists between views, so a pair of lists repeats once per view:
 * compute each pair once. Equal lists (the common case) cost one deep comparison.
 */
function diffRoutesMemo(before: readonly IrRoute[], after: readonly IrRoute[], renames: ClusterRenames): RouteChange[] {
  let pairs = memo.get(renames);
  if (!pairs) memo.set(renames, (pairs = new WeakMap()));
  let inner = pairs.get(before);
  if (!inner) pairs.set(before, (inner = new WeakMap()));
  let result = inner.get(after);
  if (!result) inner.set(after, (result = sameValue(before, after) ? [] : diffRoutes(before, after, renames)));
  return result;
}

export function diffRoutes(before: readonly IrRoute[], after: readonly IrRoute[], renames: ClusterRenames = NO_RENAMES): RouteChange[] {
  const pairOfAfter = pairRoutes(before, after, renames); // after index → before index

  const inOrder = longestIncreasing([...pairOfAfter].sort((a, b) => a[0] - b[0]).map(([, bi]) => bi));
  const placeOf = insertionPlaces(after, pairOfAfter);
  const changes: { sortKey: number; change: RouteChange }[] = [];

  after.forEach((r, ai) => {
    const bi = pairOfAfter.get(ai);
    if (bi === undefined) {
      // Where it went first, as for a moved route: order decides which route matches.
      const place = placeOf?.(ai);
      const summary = place ? [place.line, ...describeRoute(r)] : describeRoute(r);
      changes.push({ sortKey: ai, change: routeEntry('added', r, { after: ai + 1 }, false, summary, [], place?.neighbour) });
      return;
    }
    const b = before[bi]!;
    // Compared as the old route reads with renamed subsets under their new names.
    const delta = routeDelta(renameRouteClusters(b, renames), r);
    const reordered = !inOrder.has(bi);
    if (delta.summary.length === 0 && !reordered) return;
    const summary = reordered ? [`moved from position ${bi + 1} to ${ai + 1}`, ...delta.summary] : delta.summary;
    const entry = routeEntry('changed', r, { before: bi + 1, after: ai + 1 }, reordered, summary, delta.fields);
    changes.push({ sortKey: ai, change: b.name === r.name ? entry : { ...entry, previousName: b.name } });
  });

  const usedBefore = new Set(pairOfAfter.values());
  before.forEach((r, bi) => {
    if (usedBefore.has(bi)) return;
    // Place a removed route just after the paired route that preceded it before.
    let anchor = -0.5;
    for (const [ai, pbi] of pairOfAfter) if (pbi < bi && ai + 0.5 > anchor) anchor = ai + 0.5;
    changes.push({ sortKey: anchor + bi / (before.length + 1) / 2, change: routeEntry('removed', r, { before: bi + 1 }, false, describeRoute(r), []) });
  });
  return changes.sort((a, b) => a.sortKey - b.sortKey).map((c) => c.change);
}

function routeEntry(
  change: RouteChange['change'],
  r: IrRoute,
  position: RouteChange['position'],
  reordered: boolean,
  summary: readonly string[],
  fields: RouteChange['fields'],
  neighbour: Neighbour = {},
): RouteChange {
  return { change, name: r.name, match: describeMatch(r.match), position, reordered, ...neighbour, summary, fields, ...(r.source ? { source: r.source } : {}) };
}

/** The before-indexes that keep their relative order (longest increasing subsequence). */
function longestIncreasing(seq: readonly number[]): Set<number> {
  const n = seq.length;
  const len = new Array<number>(n).fill(1);
  const prev = new Array<number>(n).fill(-1);
  let best = -1;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (seq[j]! < seq[i]! && len[j]! + 1 > len[i]!) {
        len[i] = len[j]! + 1;
        prev[i] = j;
      }
    }
    if (best < 0 || len[i]! > len[best]!) best = i;
  }
  const keep = new Set<number>();
  for (let i = best; i >= 0; i = prev[i]!) keep.add(seq[i]!);
  return keep;
}
