// A snapshot checks itself before anyone serves it: within each view, every route table a
// listener asks for over RDS exists, and every EDS cluster has its endpoints. Problems are
// returned as data (one sentence each); an empty list means consistent.
import protobuf from 'protobufjs';
import { messageType } from '../../envoy/proto-root.ts';
import { decodeResource } from '../../snapshot/encode.ts';
import type { Snapshot, SnapshotView } from '../../snapshot/types.ts';

/** Cluster.type (field 2) value of EDS; Cluster.eds_cluster_config is field 3, its service_name field 2. */
const EDS_TYPE = 3;
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
    const r = snapshot.resources.get(e.hash);
    if (!r) {
      problems.push(`view ${view.name}: cluster ${e.name} has no stored resource (hash ${e.hash})`);
      continue;
    }
    const eds = edsServiceName(r.bytes);
    if (eds === undefined) continue;
    const name = eds || e.name;
    if (!endpointNames.has(name)) problems.push(`view ${view.name}: EDS cluster ${e.name} has no endpoints (${name}) in the view`);
  }
  for (const [type, what] of [['eds', 'endpoints'], ['rds', 'route table']] as const) {
    for (const e of view.resources[type]) {
      if (!snapshot.resources.has(e.hash)) problems.push(`view ${view.name}: ${what} ${e.name} has no stored resource (hash ${e.hash})`);
    }
  }
  return problems;
}

/**
 * For an EDS cluster, its eds_cluster_config.service_name ('' when unset); undefined for
 * other cluster types. Reads only the two fields it needs: a large snapshot has tens of
 * thousands of clusters, and a full decode of each would dominate the check.
 */
function edsServiceName(bytes: Uint8Array): string | undefined {
  const reader = protobuf.Reader.create(bytes);
  let isEds = false;
  let serviceName = '';
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    if (field === 2 && (key & 7) === 0) isEds = reader.int32() === EDS_TYPE;
    else if (field === 3 && (key & 7) === 2) {
      const inner = protobuf.Reader.create(reader.bytes());
      while (inner.pos < inner.len) {
        const k = inner.uint32();
        if (k >>> 3 === 2 && (k & 7) === 2) serviceName = inner.string();
        else inner.skipType(k & 7);
      }
    } else reader.skipType(key & 7);
  }
  return isEds ? serviceName : undefined;
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
