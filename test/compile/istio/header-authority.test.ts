// A request `set`/`add` of `host` or `:authority` rewrites the authority, as Istio:
// validation.go ValidateHTTPHeaderWithAuthorityOperationName allows them (only there:
// ValidateHTTPHeaderOperationName refuses them in `remove` and on responses), and route.go
// compiles them into host_rewrite_literal: the rule's (unless rewrite.authority; validation
// refuses both, validateAuthorityRewrite), a lone destination's when the rule has none, a
// weighted destination's on its cluster weight. They are never header operations.
import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../../src/compile/index.ts';
import { routeTableEncoder } from '../../../src/compile/xds/fast-encode.ts';
import { buildRouteConfiguration } from '../../../src/compile/xds/route.ts';
import { decodeResource, encodeResource } from '../../../src/snapshot/encode.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

const SERVICES = `apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  ports: [{name: http, port: 8000}]
---
apiVersion: v1
kind: Service
metadata: {name: other, namespace: default}
spec:
  ports: [{name: http, port: 8000}]
---
`;

const vs = (http: string) => `${SERVICES}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [httpbin]
  http:
${http}`;

interface EnvoyRoute {
  route?: { cluster?: string; host_rewrite_literal?: string; weighted_clusters?: { clusters: { name: string; host_rewrite_literal?: string; request_headers_to_add?: unknown[] }[] } };
  request_headers_to_add?: { header: { key: string } }[];
}

/** The first route of httpbin's virtual host in the default sidecar view, as Envoy gets it; both encoders must agree. */
function httpbinRoute(yaml: string): EnvoyRoute {
  const result = buildIr([file('mesh.yaml', yaml)]);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const table = result.ir!.views.find((v) => v.name === 'sidecar')!.routeTables.find((t) => t.virtualHosts.some((h) => h.name.startsWith('httpbin.')))!;
  const clusters = new Map(result.ir!.clusters.map((c) => [c.name, c]));
  const plain = encodeResource('rds', table.name, buildRouteConfiguration(table, clusters));
  expect(Buffer.concat(routeTableEncoder(clusters)(table)).equals(Buffer.from(plain.bytes))).toBe(true);
  const decoded = decodeResource(plain) as { virtual_hosts: { name: string; routes: EnvoyRoute[] }[] };
  return decoded.virtual_hosts.find((h) => h.name.startsWith('httpbin.'))!.routes[0]!;
}

const errors = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.field}`);

describe('request set/add of Host or :authority', () => {
  it('rewrites the route\'s authority, not as a header operation (set host, add :authority)', () => {
    for (const ops of ['set: {host: api.example.com, x-a: "1"}', 'add: {":authority": api.example.com, x-a: "1"}', 'set: {Host: api.example.com, x-a: "1"}']) {
      const route = httpbinRoute(vs(`  - headers: {request: {${ops}}}\n    route: [{destination: {host: httpbin}}]\n`));
      expect(route.route?.host_rewrite_literal, ops).toBe('api.example.com');
      expect(route.request_headers_to_add?.map((h) => h.header.key)).toEqual(['x-a']);
    }
  });

  it('takes a lone destination\'s when the rule has none, and the rule\'s (or rewrite.authority) over it', () => {
    const dest = (rule: string) => vs(`  - ${rule}route: [{destination: {host: httpbin}, headers: {request: {set: {host: dest.example.com}}}}]\n`);
    expect(httpbinRoute(dest('')).route?.host_rewrite_literal).toBe('dest.example.com');
    expect(httpbinRoute(dest('headers: {request: {add: {host: rule.example.com}}}\n    ')).route?.host_rewrite_literal).toBe('rule.example.com');
    expect(httpbinRoute(dest('rewrite: {authority: rw.example.com}\n    ')).route?.host_rewrite_literal).toBe('rw.example.com');
  });

  it('sets a weighted destination\'s on its cluster weight; the route keeps its own', () => {
    const route = httpbinRoute(
      vs(`  - rewrite: {authority: rw.example.com}
    route:
    - {destination: {host: httpbin}, weight: 60, headers: {request: {set: {":authority": a.example.com}}}}
    - {destination: {host: other}, weight: 40}
`),
    );
    expect(route.route?.host_rewrite_literal).toBe('rw.example.com');
    expect(route.route?.weighted_clusters?.clusters.map((c) => [c.name, c.host_rewrite_literal || undefined])).toEqual([
      ['outbound|8000||httpbin.default.svc.cluster.local', 'a.example.com'],
      ['outbound|8000||other.default.svc.cluster.local', undefined],
    ]);
    expect(route.route?.weighted_clusters?.clusters[0]!.request_headers_to_add ?? []).toEqual([]);
  });

  it('keeps a weighted split whose other destinations have weight 0 as a weighted cluster, so the Host is kept', () => {
    const route = httpbinRoute(
      vs(`  - route:
    - {destination: {host: httpbin}, weight: 100, headers: {request: {add: {host: a.example.com}}}}
    - {destination: {host: other}, weight: 0}
`),
    );
    expect(route.route?.cluster || undefined).toBeUndefined(); // decoded: '' when unset
    expect(route.route?.weighted_clusters?.clusters).toEqual([expect.objectContaining({ name: 'outbound|8000||httpbin.default.svc.cluster.local', host_rewrite_literal: 'a.example.com' })]);
  });

  it('is refused where Istio refuses it: remove, responses, other pseudo-headers, the authority named twice in a rule', () => {
    const r = compileYaml(
      vs(`  - headers:
      request: {remove: [host, ":authority"], set: {":path": /x}}
      response: {set: {host: x}}
    route: [{destination: {host: httpbin}}]
  - rewrite: {authority: rw.example.com}
    headers: {request: {set: {host: h.example.com}}}
    route: [{destination: {host: httpbin}}]
  - headers: {request: {set: {host: a.example.com}, add: {":authority": b.example.com}}}
    route: [{destination: {host: httpbin}}]
  - route:
    - {destination: {host: httpbin}, weight: 50, headers: {request: {set: {host: a.example.com, ":authority": b.example.com}}}}
    - {destination: {host: other}, weight: 50, headers: {request: {set: {host: a.example.com}, add: {host: b.example.com}}}}
`),
    );
    expect(errors(r)).toEqual([
      'ML3011 spec.http[0].headers.request.remove[0]',
      'ML3011 spec.http[0].headers.request.remove[1]',
      'ML3011 spec.http[0].headers.request.set[":path"]',
      'ML3011 spec.http[0].headers.response.set.host',
      'ML3030 spec.http[1].headers.request.set.host',
      'ML3030 spec.http[2].headers.request.add[":authority"]',
      'ML3030 spec.http[3].route[0].headers.request.set[":authority"]',
    ]);
  });
});
