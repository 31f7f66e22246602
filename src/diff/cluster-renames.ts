// Subsets the cluster diff found renamed (same host, port, settings and endpoints under a new
// name): every route and TCP proxy that sent to the old cluster now sends to the new one, and
// that is the rename again, not a traffic shift. Paired routes are compared with the old side's
// cluster names translated, so `reviews: canary 0→100, v2 100→0` does not appear for a rule
// whose traffic goes exactly where it went.
import type { IrRoute, IrRouteAction } from '../compile/ir/types.ts';
import type { ClusterChange } from './types.ts';

/** Old cluster name → new. */
export type ClusterRenames = ReadonlyMap<string, string>;

export const NO_RENAMES: ClusterRenames = new Map();

export function clusterRenames(clusters: readonly ClusterChange[]): ClusterRenames {
  const renamed = clusters.filter((c) => c.previousName !== undefined);
  return renamed.length === 0 ? NO_RENAMES : new Map(renamed.map((c) => [c.previousName!, c.name]));
}

/** `route` as it reads with the renamed clusters under their new names. */
export function renameRouteClusters(route: IrRoute, renames: ClusterRenames): IrRoute {
  if (renames.size === 0 || route.action.kind !== 'forward') return route;
  return { ...route, action: renameActionClusters(route.action, renames) };
}

function renameActionClusters(action: IrRouteAction & { kind: 'forward' }, renames: ClusterRenames): IrRouteAction {
  return {
    ...action,
    destinations: renameDestinations(action.destinations, renames),
    mirrors: action.mirrors.map((m) => ({ ...m, cluster: renames.get(m.cluster) ?? m.cluster })),
  };
}

/** Destinations (of a route or a TCP proxy) with the renamed clusters under their new names. */
export function renameDestinations<T extends { readonly cluster: string }>(destinations: readonly T[], renames: ClusterRenames): T[] {
  return destinations.map((d) => (renames.has(d.cluster) ? { ...d, cluster: renames.get(d.cluster)! } : d));
}
