// A snapshot checks itself before anyone serves it: within each view, every route table a
// listener asks for over RDS exists, and every EDS cluster has its endpoints. Problems are
// returned as data (one sentence each); an empty list means consistent.
import { messageType } from '../../envoy/proto-root.ts';
import { decodeResource } from '../../snapshot/encode.ts';
import type { Snapshot, SnapshotView } from '../../snapshot/types.ts';

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export function checkConsistency(snapshot: Snapshot): string[] {
  const problems: string[] = [];
  for (const view of snapshot.views) problems.push(...checkView(snapshot, view));
  return problems;
}

function checkView(snapshot: Snapshot, view: SnapshotView): string[] {
  const problems: string[] = [];
  const load = (hash: string, what: string): Record<string, unknown> | undefined => {
    const r = snapshot.resources.get(hash);
    if (!r) problems.push(`view ${view.name}: ${what} has no stored resource (hash ${hash})`);
    return r ? decodeResource(r) : undefined;
  };
  const routeNames = new Set(view.resources.rds.map((e) => e.name));
  for (const e of view.resources.lds) {
    const listener = load(e.hash, `listener ${e.name}`);
    if (!listener) continue;
    for (const rds of rdsNamesOf(listener)) {
      if (!routeNames.has(rds)) problems.push(`view ${view.name}: listener ${e.name} needs route table ${rds}, which the view lacks`);
    }
  }
  const endpointNames = new Set(view.resources.eds.map((e) => e.name));
  for (const e of view.resources.cds) {
    const cluster = load(e.hash, `cluster ${e.name}`);
    if (!cluster || cluster.type !== 3 /* EDS */) continue;
    const eds = cluster.eds_cluster_config as { service_name?: string } | undefined;
    const name = eds?.service_name || e.name;
    if (!endpointNames.has(name)) problems.push(`view ${view.name}: EDS cluster ${e.name} has no endpoints (${name}) in the view`);
  }
  for (const e of view.resources.eds) load(e.hash, `endpoints ${e.name}`);
  for (const e of view.resources.rds) load(e.hash, `route table ${e.name}`);
  return problems;
}

function rdsNamesOf(listener: Record<string, unknown>): string[] {
  const names: string[] = [];
  const hcm = messageType(HCM_TYPE);
  const chains = (listener.filter_chains ?? []) as { filters?: { typed_config?: { type_url: string; value: Uint8Array } }[] }[];
  for (const chain of chains) {
    for (const filter of chain.filters ?? []) {
      const any = filter.typed_config;
      if (!any || !any.type_url.endsWith(`/${HCM_TYPE}`)) continue;
      const decoded = hcm.decode(any.value) as unknown as { rds?: { route_config_name?: string } };
      if (decoded.rds?.route_config_name) names.push(decoded.rds.route_config_name);
    }
  }
  return names;
}
