import { describe, expect, it } from 'vitest';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { decodeToJson } from '../../../src/envoy/proto-json.ts';
import type { Snapshot, SnapshotView, XdsType } from '../../../src/snapshot/types.ts';
import { MESSAGE_NAMES } from '../../../src/snapshot/types.ts';
import { clusterName, edsCluster, endpoints, forward, listener, mesh, route, sidecarView } from './ir-fixtures.ts';
import type { JsonObject } from './round-trip.ts';

const HOST = 'reviews.default.svc.cluster.local';
const V1 = clusterName(HOST, 9080, 'v1');
const V2 = clusterName(HOST, 9080, 'v2');
const SOURCE = { file: 'vs/reviews.yaml', line: 7, column: 5, kind: 'VirtualService', namespace: 'default', name: 'reviews', field: 'spec.http[0]' };

/** Built from scratch on every call, so two calls share no objects. */
function bookinfo(weights: [number, number] = [80, 20]): MeshIR {
  const table = () => ({
    name: '9080',
    virtualHosts: [
      {
        name: `${HOST}:9080`,
        domains: ['reviews', 'reviews.default', `${HOST}`],
        routes: [route('vs/default/reviews/http/0', forward([[V1, weights[0]], [V2, weights[1]]]), { source: { ...SOURCE } })],
      },
    ],
  });
  const ns = { ...sidecarView([listener(9080)], [table()], [V1, V2], 'sidecar~prod'), namespaces: ['prod'] };
  return mesh(
    [edsCluster(HOST, 9080, 'v2'), edsCluster(HOST, 9080, 'v1')],
    [endpoints(V2, ['10.0.0.2', 9080]), endpoints(V1, ['10.0.0.1', 9080])],
    [sidecarView([listener(9080)], [table()], [V1, V2]), ns],
  );
}

function decoded(snapshot: Snapshot, view: SnapshotView, type: XdsType, name: string): JsonObject {
  const entry = view.resources[type].find((e) => e.name === name);
  const res = entry && snapshot.resources.get(entry.hash);
  if (!res) throw new Error(`no ${type} ${name}`);
  return decodeToJson(MESSAGE_NAMES[type], res.bytes);
}

describe('assembleSnapshot', () => {
  it('gives independently built equal IRs byte-identical resources and the same content hash', () => {
    const a = assembleSnapshot(bookinfo(), 'c1');
    const b = assembleSnapshot(JSON.parse(JSON.stringify(bookinfo())) as MeshIR, 'c2');
    expect(b.contentHash).toBe(a.contentHash);
    expect([...b.resources.keys()].sort()).toEqual([...a.resources.keys()].sort());
    for (const [hash, r] of a.resources) expect(Buffer.from(b.resources.get(hash)!.bytes).equals(Buffer.from(r.bytes))).toBe(true);
    expect(b.views).toEqual(a.views);
  });

  it('changes the content hash, and only the affected hashes, when routing changes', () => {
    const a = assembleSnapshot(bookinfo([80, 20]), null);
    const b = assembleSnapshot(bookinfo([50, 50]), null);
    expect(b.contentHash).not.toBe(a.contentHash);
    const [va, vb] = [a.views[0]!, b.views[0]!];
    expect(vb.typeHashes.rds).not.toBe(va.typeHashes.rds);
    expect(vb.typeHashes.cds).toBe(va.typeHashes.cds);
    expect(vb.typeHashes.lds).toBe(va.typeHashes.lds);
  });

  it('stores shared resources once and lists each view’s entries sorted by name', () => {
    const s = assembleSnapshot(bookinfo(), null);
    expect(s.views.map((v) => v.name)).toEqual(['sidecar', 'sidecar~prod']);
    const [def, prod] = s.views;
    expect(def!.resources.cds.map((e) => e.name)).toEqual([V1, V2]);
    expect(def!.resources.eds.map((e) => e.name)).toEqual([V1, V2]);
    expect(prod!.resources).toEqual(def!.resources); // same content ⇒ same hashes
    // 2 clusters + 2 endpoint sets + 1 listener + 1 route table, stored once for both views.
    expect(s.resources.size).toBe(6);
    for (const [hash, r] of s.resources) expect(r.hash).toBe(hash);
    expect(prod!.namespaces).toEqual(['prod']);
  });

  it('builds an HCM listener that fetches its route table over ADS', () => {
    const s = assembleSnapshot(bookinfo(), null);
    const l = decoded(s, s.views[0]!, 'lds', '0.0.0.0_9080');
    expect(l.address).toEqual({ socket_address: { address: '0.0.0.0', port_value: 9080 } });
    const [chain] = l.filter_chains as JsonObject[];
    const [filter] = chain!.filters as JsonObject[];
    expect(filter!.name).toBe('envoy.filters.network.http_connection_manager');
    const hcm = filter!.typed_config as JsonObject;
    expect(hcm.stat_prefix).toBe('outbound_9080');
    expect(hcm.rds).toEqual({ route_config_name: '9080', config_source: { ads: {}, resource_api_version: 'V3' } });
    expect(hcm.use_remote_address).toBe(false);
    // Istio's: no idle limit on streams (Envoy's 5 minutes would cut long polls with a 504).
    expect(hcm.stream_idle_timeout).toBe('0s');
    expect(hcm.normalize_path).toBe(true);
    expect(hcm.upgrade_configs).toEqual([{ upgrade_type: 'websocket' }]);
    expect(hcm.server_name).toBeUndefined(); // sidecars keep Envoy's; gateways say istio-envoy
    expect((hcm.http_filters as JsonObject[]).map((f) => f.name)).toEqual([
      'envoy.filters.http.fault',
      'envoy.filters.http.cors',
      'envoy.filters.http.router',
    ]);
  });

  it('maps route names to their source, outside the content hash', () => {
    const a = assembleSnapshot(bookinfo(), null);
    expect(a.sourceMap).toEqual({ 'vs/default/reviews/http/0': SOURCE });
    const moved = bookinfo();
    const r = moved.views[0]!.routeTables[0]!.virtualHosts[0]!.routes[0]!;
    (r as { source: unknown }).source = { ...SOURCE, line: 99 };
    expect(assembleSnapshot(moved, null).contentHash).toBe(a.contentHash);
  });

  it('is consistent, and checkConsistency names what a broken view lacks', () => {
    const s = assembleSnapshot(bookinfo(), null);
    expect(checkConsistency(s)).toEqual([]);
    const [view] = s.views;
    const broken: Snapshot = {
      ...s,
      views: [{ ...view!, resources: { ...view!.resources, rds: [], eds: view!.resources.eds.slice(1) } }],
    };
    expect(checkConsistency(broken)).toEqual([
      'view sidecar: listener 0.0.0.0_9080 needs route table 9080, which the view lacks',
      `view sidecar: EDS cluster ${V1} has no endpoints (${V1}) in the view`,
    ]);
  });

  it('gives an EDS cluster without known endpoints an empty assignment so it still warms', () => {
    const ir = bookinfo();
    const s = assembleSnapshot({ ...ir, endpoints: [] }, null);
    expect(checkConsistency(s)).toEqual([]);
    expect(decoded(s, s.views[0]!, 'eds', V1)).toEqual({ cluster_name: V1 });
  });
});
