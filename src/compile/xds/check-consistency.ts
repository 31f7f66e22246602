// A snapshot checks itself before anyone serves it: within each view, every route table a
// listener asks for over RDS exists, every cluster a TCP listener proxies to exists, and
// every EDS cluster has its endpoints. Problems are
// returned as data (one sentence each); an empty list means consistent.
//
// Views share entry lists (assemble.ts hands equal CDS/EDS lists out as one array), and a
// list holds tens of thousands of entries at scale: each distinct list, or pair of lists, is
// checked once and its findings are worded for every view that holds it.
import { messageType } from '../../envoy/proto-root.ts';
import { decodeResource } from '../../snapshot/encode.ts';
import type { Snapshot, SnapshotView, ViewEntry } from '../../snapshot/types.ts';
import { edsServiceName } from './cluster-wire.ts';

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';
const TCP_PROXY_TYPE = 'envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy';

/** What a listener needs from its view: route tables (RDS) and clusters (TCP proxies). */
interface ListenerNeeds {
  readonly rds: string[];
  readonly clusters: string[];
}

/** One finding, worded once the view's name is known. */
type Finding = (view: string) => string;

export function checkConsistency(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  const check = viewChecker(snapshot);
  for (const view of snapshot.views) for (const finding of check(view)) problems.push(finding(view.name));
  return problems;
}

function viewChecker(snapshot: Snapshot): (view: SnapshotView) => Finding[] {
  const missing = (what: string, e: ViewEntry): Finding => (view) =>
    `view ${view}: ${what} ${e.name} has no stored resource (hash ${e.hash})`;
  // What each listener needs, per listener resource (undefined: not stored).
  const listenerNeeds = new Map<string, ListenerNeeds | undefined>();
  const needsOf = (hash: string): ListenerNeeds | undefined => {
    if (!listenerNeeds.has(hash)) {
      const r = snapshot.resources.get(hash);
      listenerNeeds.set(hash, r ? needsOfListener(decodeResource(r)) : undefined);
    }
    return listenerNeeds.get(hash);
  };
  const clusterFindings = memoPerList((cds: readonly ViewEntry[], eds: readonly ViewEntry[]): Finding[] => {
    const found: Finding[] = [];
    const hasEndpoints = nameLookup(eds);
    for (const e of cds) {
      const r = snapshot.resources.get(e.hash);
      if (!r) {
        found.push(missing('cluster', e));
        continue;
      }
      const eds = edsServiceName(r.bytes);
      if (eds === undefined) continue;
      const name = eds || e.name;
      if (!hasEndpoints(name)) found.push((view) => `view ${view}: EDS cluster ${e.name} has no endpoints (${name}) in the view`);
    }
    return found;
  });
  const storedFindings = memoPerList((entries: readonly ViewEntry[], what: 'endpoints' | 'route table'): Finding[] =>
    entries.filter((e) => !snapshot.resources.has(e.hash)).map((e) => missing(what, e)),
  );

  return (view) => {
    const found: Finding[] = [];
    const routeNames = new Set(view.resources.rds.map((e) => e.name));
    let clusterNames: ((name: string) => boolean) | undefined;
    for (const e of view.resources.lds) {
      const needs = needsOf(e.hash);
      if (!needs) {
        found.push(missing('listener', e));
        continue;
      }
      for (const rds of needs.rds) {
        if (!routeNames.has(rds)) found.push((v) => `view ${v}: listener ${e.name} needs route table ${rds}, which the view lacks`);
      }
      for (const cluster of needs.clusters) {
        clusterNames ??= nameLookup(view.resources.cds);
        if (!clusterNames(cluster)) found.push((v) => `view ${v}: listener ${e.name} proxies to cluster ${cluster}, which the view lacks`);
      }
    }
    found.push(...clusterFindings(view.resources.cds, view.resources.eds));
    found.push(...storedFindings(view.resources.eds, 'endpoints'));
    found.push(...storedFindings(view.resources.rds, 'route table'));
    return found;
  };
}

/** `check` once per distinct (list object, second argument) pair. */
function memoPerList<B>(check: (list: readonly ViewEntry[], b: B) => Finding[]): (list: readonly ViewEntry[], b: B) => Finding[] {
  const seen = new Map<readonly ViewEntry[], { readonly b: B; readonly found: Finding[] }[]>();
  return (list, b) => {
    let forList = seen.get(list);
    const hit = forList?.find((s) => s.b === b);
    if (hit) return hit.found;
    const found = check(list, b);
    if (!forList) seen.set(list, (forList = []));
    forList.push({ b, found });
    return found;
  };
}

/**
 * Whether `entries` (sorted by name) hold `name`. Clusters are looked up in name order and
 * mostly by their own name, so a cursor moving forward through the list answers almost
 * every lookup; anything else falls back to a set, built on first need.
 */
function nameLookup(entries: readonly ViewEntry[]): (name: string) => boolean {
  let at = 0;
  let names: Set<string> | undefined;
  return (name) => {
    while (at < entries.length && entries[at]!.name < name) at++;
    if (entries[at]?.name === name) return true;
    names ??= new Set(entries.map((e) => e.name));
    return names.has(name);
  };
}

function needsOfListener(listener: Record<string, unknown>): ListenerNeeds {
  const names: string[] = [];
  const clusters: string[] = [];
  const hcm = messageType(HCM_TYPE);
  const chains = (listener.filter_chains ?? []) as { filters?: { typed_config?: { type_url: string; value: Uint8Array } }[] }[];
  for (const chain of chains) {
    for (const filter of chain.filters ?? []) {
      const any = filter.typed_config;
      if (any?.type_url.endsWith(`/${TCP_PROXY_TYPE}`)) {
        const proxy = messageType(TCP_PROXY_TYPE).decode(any.value) as unknown as { cluster?: string; weighted_clusters?: { clusters?: { name: string }[] } };
        if (proxy.cluster) clusters.push(proxy.cluster);
        for (const c of proxy.weighted_clusters?.clusters ?? []) clusters.push(c.name);
        continue;
      }
      if (!any || !any.type_url.endsWith(`/${HCM_TYPE}`)) continue;
      const decoded = hcm.decode(any.value) as unknown as { rds?: { route_config_name?: string } };
      if (decoded.rds?.route_config_name) names.push(decoded.rds.route_config_name);
    }
  }
  // gRPC views: an API listener holds its connection manager directly.
  const api = (listener.api_listener as { api_listener?: { type_url: string; value: Uint8Array } } | undefined)?.api_listener;
  if (api?.type_url.endsWith(`/${HCM_TYPE}`)) {
    const decoded = hcm.decode(api.value) as unknown as { rds?: { route_config_name?: string } };
    if (decoded.rds?.route_config_name) names.push(decoded.rds.route_config_name);
  }
  return { rds: names, clusters };
}
