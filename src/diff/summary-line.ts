// The one-line headline of a diff ("2 routes changed, 1 cluster added in 1 view"), shared
// by the text and markdown renderers so both say the same thing.
import type { IrDiff } from './types.ts';

export function summaryLine(diff: IrDiff): string {
  if (diff.empty) return 'No routing changes';
  const c = diff.counts;
  const parts: string[] = [];
  const add = (n: number, one: string, many: string, verb: string, into = parts) => {
    if (n > 0) into.push(`${n} ${n === 1 ? one : many} ${verb}`);
  };
  add(c.viewsAdded, 'view', 'views', 'added');
  add(c.viewsRemoved, 'view', 'views', 'removed');
  add(c.viewsRenamed, 'view', 'views', 'renamed');
  add(c.selectorsChanged, 'gateway selector', 'gateway selectors', 'changed');
  add(c.listenersAdded, 'listener', 'listeners', 'added');
  add(c.listenersRemoved, 'listener', 'listeners', 'removed');
  add(c.listenersChanged, 'listener', 'listeners', 'changed');
  add(c.hostsAdded, 'host', 'hosts', 'added');
  add(c.hostsRemoved, 'host', 'hosts', 'removed');
  add(c.hostsRenamed, 'host', 'hosts', 'renamed');
  add(c.routesAdded, 'route', 'routes', 'added');
  add(c.routesRemoved, 'route', 'routes', 'removed');
  add(c.routesChanged, 'route', 'routes', 'changed');
  add(c.routesReordered, 'route', 'routes', 'reordered');
  // Clusters and endpoints are the mesh's, not a view's: "in N views" counts only the views
  // whose own listeners, hosts or routes changed, so it is said of those parts alone.
  const meshWide: string[] = [];
  add(c.clustersAdded, 'cluster', 'clusters', 'added', meshWide);
  add(c.clustersRemoved, 'cluster', 'clusters', 'removed', meshWide);
  add(c.clustersChanged, 'cluster', 'clusters', 'changed', meshWide);
  add(c.endpointSetsChanged, 'endpoint set', 'endpoint sets', 'changed', meshWide);
  const views = diff.views.length;
  const perView = parts.length > 0 ? `${parts.join(', ')}${views > 0 ? ` in ${views} ${views === 1 ? 'view' : 'views'}` : ''}` : '';
  return [perView, meshWide.join(', ')].filter((p) => p !== '').join('; ');
}
