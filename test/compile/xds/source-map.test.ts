import { describe, expect, it } from 'vitest';
import { assembleSnapshot } from '../../../src/compile/xds/index.ts';
import { clusterName, edsCluster, endpoints, forward, listener, mesh, route, sidecarView } from './ir-fixtures.ts';

const HOST = 'reviews.default.svc.cluster.local';
const V1 = clusterName(HOST, 9080, 'v1');
const at = (line: number, name = 'reviews') => ({ file: `vs/${name}.yaml`, line, column: 3, kind: 'VirtualService', namespace: 'default', name, field: 'spec.http[0]' });

describe('snapshot source map', () => {
  it('maps each route name to where it was written, keys sorted, the first source seen winning', () => {
    const table = (routes: ReturnType<typeof route>[]) => ({ name: '9080', virtualHosts: [{ name: `${HOST}:9080`, domains: [HOST], routes }] });
    const first = [
      route('vs/default/reviews/http/1', forward([[V1, 100]]), { source: at(20) }),
      route('vs/default/reviews/http/0', forward([[V1, 100]]), { source: at(10) }),
      route('default/no-source', forward([[V1, 100]])),
    ];
    // Another view with its own routes array: one name again (from elsewhere), one new.
    const second = [
      route('vs/default/reviews/http/0', forward([[V1, 100]]), { source: at(99, 'other') }),
      route('vs/default/a/http/0', forward([[V1, 100]]), { source: at(5, 'a') }),
    ];
    const ir = mesh(
      [edsCluster(HOST, 9080, 'v1')],
      [endpoints(V1, ['10.0.0.1', 9080])],
      [sidecarView([listener(9080)], [table(first)], [V1]), { ...sidecarView([listener(9080)], [table(second)], [V1], 'sidecar~x'), namespaces: ['x'] }],
    );
    const s = assembleSnapshot(ir, null);
    expect(Object.keys(s.sourceMap)).toEqual(['vs/default/a/http/0', 'vs/default/reviews/http/0', 'vs/default/reviews/http/1']);
    expect(s.sourceMap['vs/default/reviews/http/0']).toEqual(at(10));
    expect(s.sourceMap['vs/default/a/http/0']).toEqual(at(5, 'a'));
    // Built once: every read gives the same object, also through a copy of the snapshot.
    expect(s.sourceMap).toBe(s.sourceMap);
    expect({ ...s }.sourceMap).toBe(s.sourceMap);
    expect(JSON.parse(JSON.stringify(s)).sourceMap).toEqual(s.sourceMap);
  });
});
