// A ServiceEntry without `resolution` (Istio's default NONE) or with NONE passes traffic
// through to the address the client dialled, as Istio does (QA rn): an ORIGINAL_DST cluster
// with lb_policy CLUSTER_PROVIDED, not an EDS cluster with no endpoints. meshlog's listeners,
// bound to the port, cannot give that cluster the address, so a route to it draws ML4033.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { buildCluster } from '../../../src/compile/xds/cluster.ts';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { file } from './support.ts';

const entry = (resolution: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext, namespace: default }
spec:
  hosts: [api.example.com]
  location: MESH_EXTERNAL
  ports: [{ number: 80, name: http, protocol: HTTP }]
${resolution}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ext, namespace: default }
spec:
  host: api.example.com
  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ext, namespace: default }
spec:
  hosts: [api.example.com]
  http:
    - route: [{ destination: { host: api.example.com } }]
      timeout: 3s
`;

describe('ServiceEntry resolution NONE', () => {
  for (const [label, resolution] of [
    ['unset', ''],
    ['NONE', '  resolution: NONE\n'],
  ] as const) {
    it(`(${label}) compiles to an ORIGINAL_DST passthrough cluster without EDS`, () => {
      const result = buildIr([file('a.yaml', entry(resolution))]);
      expect(result.diagnostics.map((d) => `${d.code} ${d.field}`)).toEqual(['ML4033 spec.http[0]']);
      const ir = result.ir!;
      const cluster = ir.clusters.find((c) => c.name === 'outbound|80||api.example.com')!;
      expect(cluster.loadBalancer).toEqual({ kind: 'passthrough' }); // the DestinationRule's LEAST_REQUEST does not apply
      expect(ir.endpoints.map((e) => e.clusterName)).not.toContain(cluster.name);
      expect(buildCluster(cluster)).toMatchObject({ type: 'ORIGINAL_DST', lb_policy: 'CLUSTER_PROVIDED' });
      expect(buildCluster(cluster)).not.toHaveProperty('eds_cluster_config');
      const snapshot = assembleSnapshot(ir, null);
      expect(checkConsistency(snapshot)).toEqual([]);
      for (const view of snapshot.views) expect(view.resources.eds.map((e) => e.name)).not.toContain(cluster.name);
    });
  }

  it('with endpoints is an error, as Istio refuses it (endpoints NONE cannot use), set or by default', () => {
    for (const [resolution, which] of [
      ['  resolution: NONE\n', 'resolution NONE'],
      ['', 'resolution NONE (the default)'],
    ] as const) {
      const result = buildIr([file('a.yaml', entry(`${resolution}  endpoints:\n  - address: 1.2.3.4\n`))]);
      expect(result.diagnostics.filter((d) => d.severity !== 'info').map(formatDiagnostic)).toEqual([
        `a.yaml:${resolution === '' ? 8 : 9}:3: error ML3021: ${which} passes connections on to the address the client dialled and takes no endpoints (Istio refuses them); set resolution: STATIC for IP endpoints or DNS for host names, or remove the endpoints [spec.endpoints]`,
      ]);
      expect(result.ir).toBeUndefined();
    }
  });

  it('leaves STATIC entries on EDS', () => {
    const result = buildIr([file('a.yaml', entry('  resolution: STATIC\n  endpoints: [{ address: 10.0.0.9 }]\n'))]);
    const cluster = result.ir!.clusters.find((c) => c.name === 'outbound|80||api.example.com')!;
    expect(cluster.loadBalancer).toEqual({ kind: 'least_request' });
    expect(result.ir!.endpoints.find((e) => e.clusterName === cluster.name)?.endpoints).toEqual([{ address: '10.0.0.9', port: 80 }]);
  });
});
