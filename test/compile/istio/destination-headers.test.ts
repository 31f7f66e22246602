// Per-destination header operations on a weighted split (`route[].headers`, QA item 8)
// reach Envoy as the weighted cluster's own header operations, through both the plain and
// the fast route encoder; only two entries for one destination with different operations
// are still reported (ML4013).
import { describe, expect, it } from 'vitest';
import type { IrForward } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { routeTableEncoder } from '../../../src/compile/xds/fast-encode.ts';
import { buildRouteConfiguration } from '../../../src/compile/xds/route.ts';
import { decodeResource, encodeResource } from '../../../src/snapshot/encode.ts';
import { file } from './support.ts';

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  ports: [{ name: http, port: 9080 }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - route:
`;

const SPLIT = `        - destination: { host: reviews, subset: v1 }
          weight: 25
          headers:
            request: { set: { x-canary: "no" }, remove: [x-debug] }
            response: { add: { x-served-by: v1 } }
        - destination: { host: reviews, subset: v2 }
          weight: 75
`;

describe('destination headers on a weighted split', () => {
  it('become the weighted cluster\'s header operations, identically in both encoders', () => {
    const result = buildIr([file('a.yaml', SERVICE + SPLIT)]);
    expect(result.diagnostics).toEqual([]);
    const view = result.ir!.views.find((v) => v.name === 'sidecar~default')!;
    const table = view.routeTables[0]!;
    const action = table.virtualHosts.find((h) => h.name.startsWith('reviews.'))!.routes[0]!.action as IrForward;
    expect(action.destinations).toEqual([
      {
        cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local',
        weight: 25,
        headers: {
          request: { set: [{ name: 'x-canary', value: 'no' }], add: [], remove: ['x-debug'] },
          response: { set: [], add: [{ name: 'x-served-by', value: 'v1' }], remove: [] },
        },
      },
      { cluster: 'outbound|9080|v2|reviews.default.svc.cluster.local', weight: 75 },
    ]);

    const clusters = new Map(result.ir!.clusters.map((c) => [c.name, c]));
    const plain = encodeResource('rds', table.name, buildRouteConfiguration(table, clusters));
    const fast = routeTableEncoder(clusters)(table);
    expect(Buffer.concat(fast).equals(Buffer.from(plain.bytes))).toBe(true);
    const decoded = JSON.stringify(decodeResource(plain));
    expect(decoded).toContain('"request_headers_to_add":[{"header":{"key":"x-canary","value":"no"}');
    expect(decoded).toContain('"request_headers_to_remove":["x-debug"]');
    expect(decoded).toContain('"response_headers_to_add":[{"header":{"key":"x-served-by","value":"v1"}');
  });

  it('warns only when two entries for one destination carry different operations', () => {
    const twice = `        - destination: { host: reviews, subset: v1 }
          weight: 50
          headers: { request: { set: { x-a: "1" } } }
        - destination: { host: reviews, subset: v1, port: { number: 9080 } }
          weight: 50
          headers: { request: { set: { x-a: "2" } } }
`;
    const result = buildIr([file('a.yaml', SERVICE + twice)]);
    expect(result.diagnostics.map((d) => [d.code, d.field])).toEqual([['ML4013', 'spec.http[0].route[1].headers']]);
    const action = result.ir!.views[0]!.routeTables[0]!.virtualHosts.find((h) => h.name.startsWith('reviews.'))!.routes[0]!.action as IrForward;
    expect(action.destinations).toEqual([
      { cluster: 'outbound|9080|v1|reviews.default.svc.cluster.local', weight: 100, headers: expect.objectContaining({ request: { set: [{ name: 'x-a', value: '1' }], add: [], remove: [] } }) },
    ]);
  });
});
