import { describe, expect, it } from 'vitest';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { edsServiceName } from '../../../src/compile/xds/cluster-wire.ts';
import { encodeResource } from '../../../src/snapshot/encode.ts';
import type { Snapshot, SnapshotView, ViewEntry } from '../../../src/snapshot/types.ts';
import { clusterName, edsCluster, endpoints, forward, listener, mesh, route, sidecarView } from './ir-fixtures.ts';

const HOSTS = ['a.ns.svc.cluster.local', 'b.ns.svc.cluster.local', 'c.ns.svc.cluster.local'];
const NAMES = HOSTS.map((h) => clusterName(h, 80));

/** Three services seen by a default and a namespace view (equal cluster lists: shared arrays). */
function snapshot(): Snapshot {
  const table = () => ({
    name: '80',
    virtualHosts: HOSTS.map((h, i) => ({ name: `${h}:80`, domains: [h], routes: [route(`r${i}`, forward([[NAMES[i]!, 100]]))] })),
  });
  return assembleSnapshot(
    mesh(
      HOSTS.map((h) => edsCluster(h, 80)),
      NAMES.map((n, i) => endpoints(n, [`10.0.0.${i}`, 80])),
      [sidecarView([listener(80)], [table()], NAMES), { ...sidecarView([listener(80)], [table()], NAMES, 'sidecar~ns'), namespaces: ['ns'] }],
    ),
    null,
  );
}

function withViews(s: Snapshot, edit: (v: SnapshotView) => Partial<SnapshotView['resources']>): Snapshot {
  return { ...s, views: s.views.map((v) => ({ ...v, resources: { ...v.resources, ...edit(v) } })) };
}

describe('checkConsistency', () => {
  it('reports a problem in a list two views share once per view, in each view’s words', () => {
    const s = snapshot();
    expect(s.views[0]!.resources.eds).toBe(s.views[1]!.resources.eds); // the case this guards
    const eds = s.views[0]!.resources.eds.filter((e) => e.name !== NAMES[1]);
    expect(checkConsistency(withViews(s, () => ({ eds })))).toEqual([
      `view sidecar: EDS cluster ${NAMES[1]} has no endpoints (${NAMES[1]}) in the view`,
      `view sidecar~ns: EDS cluster ${NAMES[1]} has no endpoints (${NAMES[1]}) in the view`,
    ]);
  });

  it('names entries whose resources are not stored, per type and view', () => {
    const s = snapshot();
    const gone = (list: readonly ViewEntry[], name: string) => list.map((e) => (e.name === name ? { ...e, hash: 'f'.repeat(64) } : e));
    const broken = withViews(s, (v) => ({
      cds: gone(v.resources.cds, NAMES[0]!),
      eds: gone(v.resources.eds, NAMES[2]!),
      ...(v.name === 'sidecar' ? { lds: gone(v.resources.lds, '0.0.0.0_80'), rds: gone(v.resources.rds, '80') } : {}),
    }));
    const f = 'f'.repeat(64);
    expect(checkConsistency(broken)).toEqual([
      `view sidecar: listener 0.0.0.0_80 has no stored resource (hash ${f})`,
      `view sidecar: cluster ${NAMES[0]} has no stored resource (hash ${f})`,
      `view sidecar: endpoints ${NAMES[2]} has no stored resource (hash ${f})`,
      `view sidecar: route table 80 has no stored resource (hash ${f})`,
      `view sidecar~ns: cluster ${NAMES[0]} has no stored resource (hash ${f})`,
      `view sidecar~ns: endpoints ${NAMES[2]} has no stored resource (hash ${f})`,
    ]);
  });

  it('finds endpoints named by eds service_name, in any order relative to the cluster names', () => {
    const s = snapshot();
    // Cluster z → endpoints "a…" (before it in name order), cluster 0 → endpoints "zz" (after all).
    const cluster = (name: string, service: string) =>
      encodeResource('cds', name, { name, type: 'EDS', eds_cluster_config: { eds_config: { ads: {} }, service_name: service } });
    const extra = [cluster('0-first', 'zz-endpoints'), cluster('z-last', NAMES[0]!), cluster('m-missing', 'nowhere')];
    const resources = new Map(s.resources);
    for (const r of extra) resources.set(r.hash, r);
    const eds = encodeResource('eds', 'zz-endpoints', { cluster_name: 'zz-endpoints' });
    resources.set(eds.hash, eds);
    const byName = (a: ViewEntry, b: ViewEntry) => (a.name < b.name ? -1 : 1);
    const broken = withViews({ ...s, resources }, (v) => ({
      cds: [...v.resources.cds, ...extra.map((r) => ({ name: r.name, hash: r.hash }))].sort(byName),
      eds: [...v.resources.eds, { name: eds.name, hash: eds.hash }].sort(byName),
    }));
    expect(checkConsistency(broken)).toEqual([
      'view sidecar: EDS cluster m-missing has no endpoints (nowhere) in the view',
      'view sidecar~ns: EDS cluster m-missing has no endpoints (nowhere) in the view',
    ]);
  });
});

describe('edsServiceName', () => {
  it('reads the EDS service name from wire bytes, and nothing for other cluster types', () => {
    const bytes = (c: Record<string, unknown>) => encodeResource('cds', 'c', { name: 'c', ...c }).bytes;
    expect(edsServiceName(bytes({ type: 'EDS', eds_cluster_config: { eds_config: { ads: {} }, service_name: 'svc-é' } }))).toBe('svc-é');
    expect(edsServiceName(bytes({ type: 'EDS', connect_timeout: { seconds: 1 }, eds_cluster_config: { eds_config: { ads: {} } } }))).toBe('');
    expect(edsServiceName(bytes({ type: 'STRICT_DNS', common_lb_config: { healthy_panic_threshold: { value: 12.5 } } }))).toBeUndefined();
    expect(edsServiceName(bytes({ eds_cluster_config: { service_name: 'x'.repeat(300) } }))).toBeUndefined(); // type STATIC
    expect(edsServiceName(bytes({ type: 'EDS', eds_cluster_config: { service_name: 'x'.repeat(300) } }))).toBe('x'.repeat(300));
  });
});
