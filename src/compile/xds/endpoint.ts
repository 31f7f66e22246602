// IrEndpointSet → envoy.config.endpoint.v3.ClusterLoadAssignment.
// Endpoints are grouped by locality (`region/zone/subzone`, any part may be empty); groups
// are sorted by locality and keep the IR's endpoint order inside, so output is stable.
import type { IrEndpoint, IrEndpointSet } from '../ir/types.ts';
import { endpointAddress, wrap, type ProtoObject } from './proto-values.ts';

export function buildLoadAssignment(set: IrEndpointSet): ProtoObject {
  return {
    cluster_name: set.clusterName,
    endpoints: groupByLocality(set).map(([key, eps]) => {
      const out: ProtoObject = { lb_endpoints: eps.map(lbEndpoint) };
      if (key !== '') out.locality = locality(key);
      return out;
    }),
  };
}

/** Endpoints grouped by locality key, groups sorted by key, IR order kept inside a group. */
export function groupByLocality(set: IrEndpointSet): [string, IrEndpoint[]][] {
  const groups = new Map<string, IrEndpoint[]>();
  for (const ep of set.endpoints) {
    const key = ep.locality ?? '';
    const list = groups.get(key);
    if (list) list.push(ep);
    else groups.set(key, [ep]);
  }
  return [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function lbEndpoint(ep: IrEndpoint): ProtoObject {
  const out: ProtoObject = { endpoint: { address: endpointAddress(ep.address, ep.port) } };
  // Envoy rejects weight 0; the IR only sets weights ≥ 1, and absent means Envoy's default 1.
  if (ep.weight !== undefined && ep.weight > 0) out.load_balancing_weight = wrap(ep.weight);
  return out;
}

export function locality(key: string): ProtoObject {
  const [region = '', zone = '', subZone = ''] = key.split('/');
  const out: ProtoObject = {};
  if (region) out.region = region;
  if (zone) out.zone = zone;
  if (subZone) out.sub_zone = subZone;
  return out;
}
