// A compiled snapshot printed like Envoy's admin /config_dump, once per view: what each
// class of proxy would hold after it has ACKed everything. `meshlog compile -o json|yaml`
// prints this object; the golden tests compare it.
//
// Shape: { commit, contentHash, views: [{ name, kind, namespaces, workloadSelector?, mergedGateways?,
//   configs: [ClustersConfigDump, EndpointsConfigDump, ListenersConfigDump, RoutesConfigDump] }] }
// Each config entry has Envoy's "@type" and its dynamic_* list. Resources are decoded from
// the stored bytes, so the dump shows exactly what would be sent.
import type { Snapshot, SnapshotView, XdsType } from '../snapshot/types.ts';
import { MESSAGE_NAMES } from '../snapshot/types.ts';
import { decodeToJson, type Json } from './proto-json.ts';

type JsonObject = { [key: string]: Json };
const ADMIN = 'type.googleapis.com/envoy.admin.v3.';

export function configDump(snapshot: Snapshot): JsonObject {
  return {
    commit: snapshot.commit,
    contentHash: snapshot.contentHash,
    views: snapshot.views.map((view) => viewDump(snapshot, view)),
  };
}

function viewDump(snapshot: Snapshot, view: SnapshotView): JsonObject {
  const decoded = (type: XdsType): JsonObject[] =>
    view.resources[type].map((e) => {
      const r = snapshot.resources.get(e.hash);
      if (!r) throw new Error(`configDump: resource ${e.hash} missing from the snapshot`);
      return decodeToJson(MESSAGE_NAMES[type], r.bytes);
    });
  const out: JsonObject = { name: view.name, kind: view.kind, namespaces: [...view.namespaces] };
  if (view.workloadSelector) out.workloadSelector = { ...view.workloadSelector };
  if (view.mergedGateways) out.mergedGateways = [...view.mergedGateways];
  out.configs = [
    {
      '@type': `${ADMIN}ClustersConfigDump`,
      dynamic_active_clusters: decoded('cds').map((cluster) => ({ cluster: { '@type': `type.googleapis.com/${MESSAGE_NAMES.cds}`, ...cluster } })),
    },
    {
      '@type': `${ADMIN}EndpointsConfigDump`,
      dynamic_endpoint_configs: decoded('eds').map((cla) => ({
        endpoint_config: { '@type': `type.googleapis.com/${MESSAGE_NAMES.eds}`, ...cla },
      })),
    },
    {
      '@type': `${ADMIN}ListenersConfigDump`,
      dynamic_listeners: decoded('lds').map((listener) => ({
        name: listener.name ?? '',
        active_state: { listener: { '@type': `type.googleapis.com/${MESSAGE_NAMES.lds}`, ...listener } },
      })),
    },
    {
      '@type': `${ADMIN}RoutesConfigDump`,
      dynamic_route_configs: decoded('rds').map((rc) => ({
        route_config: { '@type': `type.googleapis.com/${MESSAGE_NAMES.rds}`, ...rc },
      })),
    },
  ];
  return out;
}
