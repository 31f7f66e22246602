// What a user of the front end notices, asserted directly (the golden files show the
// whole picture; these pin the points that matter most so a blind golden rewrite cannot
// quietly lose them).
import { describe, expect, it } from 'vitest';
import type { IrForward, IrRoute, IrView, MeshIR } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { explain, parseRequest } from '../../../src/explain/index.ts';
import { TEMPLATE_FILES, file } from './support.ts';


function vhost(ir: MeshIR, view: string, name: string) {
  const v = ir.views.find((x) => x.name === view);
  return v?.routeTables.flatMap((t) => t.virtualHosts).find((h) => h.name === name);
}

function forward(route: IrRoute | undefined): IrForward {
  expect(route?.action.kind).toBe('forward');
  return route!.action as IrForward;
}

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  ports: [{ name: http, port: 9080 }]
`;

describe('the config-repo template', () => {
  const result = buildIr(TEMPLATE_FILES);
  const ir = result.ir!;

  it('compiles with zero errors', () => {
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(ir).toBeDefined();
  });

  it('has a gateway view selected by the Gateway selector and a view for the bookinfo namespace', () => {
    const gw = ir.views.find((v): v is IrView => v.kind === 'gateway');
    expect(gw?.name).toBe('gateway~bookinfo~bookinfo-gateway');
    expect(gw?.workloadSelector).toEqual({ istio: 'ingressgateway' });
    expect(ir.views.map((v) => v.name)).toContain('sidecar~bookinfo');
  });

  it('routes jason to reviews v2 and splits everyone else 90/10 between v1 and v2', () => {
    const h = vhost(ir, 'sidecar~bookinfo', 'reviews.bookinfo.svc.cluster.local:9080');
    expect(h?.routes[0]?.match.headers).toEqual([{ name: 'end-user', value: { kind: 'exact', value: 'jason' }, invert: false }]);
    expect(forward(h?.routes[0]).destinations).toEqual([{ cluster: 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local', weight: 100 }]);
    expect(forward(h?.routes[1]).destinations).toEqual([
      { cluster: 'outbound|9080|v1|reviews.bookinfo.svc.cluster.local', weight: 90 },
      { cluster: 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local', weight: 10 },
    ]);
    expect(h?.routes[1]?.source?.file).toBe('routing/reviews.yaml');
  });

  it('answers to the bare short name only in the namespace\'s own view', () => {
    const own = vhost(ir, 'sidecar~bookinfo', 'reviews.bookinfo.svc.cluster.local:9080');
    const other = vhost(ir, 'sidecar', 'reviews.bookinfo.svc.cluster.local:9080');
    expect(own?.domains).toEqual(expect.arrayContaining(['reviews', 'reviews.bookinfo', 'reviews.bookinfo.svc.cluster.local']));
    expect(other?.domains).not.toContain('reviews');
    expect(other?.domains).toContain('reviews.bookinfo');
  });

  it('gives subset clusters only the endpoints with the subset labels', () => {
    const v2 = ir.endpoints.find((e) => e.clusterName === 'outbound|9080|v2|reviews.bookinfo.svc.cluster.local');
    const all = ir.endpoints.find((e) => e.clusterName === 'outbound|9080||reviews.bookinfo.svc.cluster.local');
    expect(v2?.endpoints.length).toBeGreaterThan(0);
    expect(all!.endpoints.length).toBeGreaterThan(v2!.endpoints.length);
  });
});

describe('routes', () => {
  it("get Istio's default retry policy when a rule sets none, and none with attempts: 0", () => {
    const { ir } = buildIr([
      file(
        'a.yaml',
        `${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - match: [{ uri: { prefix: /no-retry } }]
      route: [{ destination: { host: reviews } }]
      retries: { attempts: 0 }
    - match: [{ uri: { prefix: /empty-retry-on } }]
      route: [{ destination: { host: reviews } }]
      retries: { attempts: 2, retryOn: "" }
    - route: [{ destination: { host: reviews } }]
`,
      ),
    ]);
    const h = vhost(ir!, 'sidecar', 'reviews.default.svc.cluster.local:9080');
    expect(forward(h?.routes[0]).retry).toBeUndefined();
    // An empty retryOn is Istio's default conditions, as when it is left out.
    expect(forward(h?.routes[1]).retry).toEqual(forward(h?.routes[2]).retry);
    expect(forward(h?.routes[2]).retry).toEqual({
      attempts: 2,
      retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
      // As Istio: the condition without codes retries no response status (no implied 503).
      retriableStatusCodes: [],
      previousHosts: true,
    });
    expect(forward(h?.routes[2]).timeoutMs).toBe(0);
  });

  it('keep retries on the hashed host when their one destination hashes consistently, as Istio, and not otherwise', () => {
    const { ir } = buildIr([
      file(
        'a.yaml',
        `${SERVICE}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  trafficPolicy: { loadBalancer: { consistentHash: { httpHeaderName: x-user } } }
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 }, trafficPolicy: { loadBalancer: { simple: RANDOM } } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - match: [{ uri: { prefix: /hashed } }]
      route: [{ destination: { host: reviews, subset: v1 } }]
    - match: [{ uri: { prefix: /random } }]
      route: [{ destination: { host: reviews, subset: v2 } }]
    - match: [{ uri: { prefix: /split } }]
      route: [{ destination: { host: reviews, subset: v1 }, weight: 50 }, { destination: { host: reviews, subset: v2 }, weight: 50 }]
    - match: [{ uri: { prefix: /said } }]
      route: [{ destination: { host: reviews, subset: v1 } }]
      retries: { attempts: 2, retryIgnorePreviousHosts: true }
    - match: [{ uri: { prefix: /zero-weight } }]
      route: [{ destination: { host: reviews, subset: v1 }, weight: 100 }, { destination: { host: reviews, subset: v2 }, weight: 0 }]
    - match: [{ uri: { prefix: /twice } }]
      route: [{ destination: { host: reviews, subset: v1 }, weight: 50 }, { destination: { host: reviews, subset: v1 }, weight: 50 }]
`,
      ),
    ]);
    const h = vhost(ir!, 'sidecar', 'reviews.default.svc.cluster.local:9080');
    // Istio decides on the destinations as written (len(route) == 1): a rule that lists two keeps
    // retrying other hosts even when weights leave one hashed cluster to send to.
    expect(h!.routes.map((r) => forward(r).retry?.previousHosts)).toEqual([false, true, true, true, true, true]);
    expect(h!.routes.slice(4).map((r) => forward(r).destinations.length)).toEqual([1, 1]);
  });

  it('send CORS max-age in whole seconds; a max-age of part of a second is refused, as Istio refuses it', () => {
    const withMaxAge = (maxAge: string) =>
      buildIr([
        file(
          'a.yaml',
          `${SERVICE}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http:
    - corsPolicy: { allowOrigins: [{ exact: "https://a.example" }], maxAge: ${maxAge} }
      route: [{ destination: { host: reviews } }]
`,
        ),
      ]);
    const h = vhost(withMaxAge('2m').ir!, 'sidecar', 'reviews.default.svc.cluster.local:9080');
    expect(h!.routes[0]!.cors?.maxAgeSeconds).toBe(120);
    for (const maxAge of ['1500ms', '0s']) {
      const refused = withMaxAge(maxAge);
      expect(refused.ir, maxAge).toBeUndefined();
      expect(refused.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.field]), maxAge).toEqual([[maxAge === '0s' ? 'ML3007' : 'ML3006', 'spec.http[0].corsPolicy.maxAge']]);
    }
  });


  it('send a host without VirtualService to its default cluster', () => {
    const { ir } = buildIr([file('a.yaml', SERVICE)]);
    const h = vhost(ir!, 'sidecar~default', 'reviews.default.svc.cluster.local:9080');
    expect(h?.routes.map((r) => forward(r).destinations)).toEqual([[{ cluster: 'outbound|9080||reviews.default.svc.cluster.local', weight: 100 }]]);
    expect(ir!.endpoints).toEqual([{ clusterName: 'outbound|9080||reviews.default.svc.cluster.local', endpoints: [] }]);
  });
});

describe('conflicts', () => {
  it('report two VirtualServices for one host once per resource, each naming the other, and compile nothing', () => {
    const vs = (name: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: default }
spec:
  hosts: [reviews]
  http:
    - route: [{ destination: { host: reviews } }]
`;
    const result = buildIr([file('svc.yaml', SERVICE), file('a.yaml', vs('first')), file('b.yaml', vs('second'))]);
    expect(result.ir).toBeUndefined();
    const found = result.diagnostics.filter((d) => d.code === 'ML4006');
    expect(found.map((d) => [d.file, d.line, d.resource?.name, d.related?.[0]?.resource?.name, d.related?.[0]?.file])).toEqual([
      ['a.yaml', 5, 'first', 'second', 'b.yaml'],
      ['b.yaml', 5, 'second', 'first', 'a.yaml'],
    ]);
    expect(found[0]?.message).toContain('default/second (b.yaml:5)');
    expect(found[1]?.message).toContain('default/first (a.yaml:5)');
    expect(found.every((d) => d.severity === 'error' && d.field === 'spec.hosts[0]')).toBe(true);
  });

  it('make an unknown destination host an error only with strictHosts', () => {
    const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: x, namespace: default }
spec:
  hosts: [reviews]
  http:
    - route: [{ destination: { host: ratings, port: { number: 9080 } } }]
`;
    const lenient = buildIr([file('svc.yaml', SERVICE), file('vs.yaml', vs)]);
    expect(lenient.diagnostics.find((d) => d.code === 'ML4001')?.severity).toBe('warning');
    expect(lenient.ir?.clusters.map((c) => c.name)).toContain('outbound|9080||ratings.default.svc.cluster.local');
    const strict = buildIr([
      file('meshlog.yaml', 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: { name: mesh }\nspec: { strictHosts: true }\n'),
      file('svc.yaml', SERVICE),
      file('vs.yaml', vs),
    ]);
    expect(strict.diagnostics.find((d) => d.code === 'ML4001')).toMatchObject({ severity: 'error', file: 'vs.yaml', line: 7, field: 'spec.http[0].route[0].destination.host' });
    expect(strict.ir).toBeUndefined();
  });
});

describe('match entries that name gateways (Istio sourceMatchHTTP)', () => {
  const mesh = (match: string) => `apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: bookinfo }
spec:
  ports: [{ name: http, port: 9080 }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: bookinfo }
spec:
  hosts: [reviews]
  http:
  - name: canary
    match:
    - ${match}
      uri: { prefix: /beta }
    route: [{ destination: { host: reviews, port: { number: 9080 } }, headers: { response: { set: { x-canary: "yes" } } } }]
  - route: [{ destination: { host: reviews, port: { number: 9080 } } }]
`;
  /** The rule a GET /beta from a sidecar of view `view` takes (explain, on the compiled IR). */
  const ruleFor = (match: string, view: string) => {
    const result = buildIr([file('mesh.yaml', mesh(match))]);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const r = parseRequest('GET http://reviews.bookinfo:9080/beta');
    if (!r.ok) throw new Error(r.error);
    return explain(result.ir!, r.request, { view }).route?.name;
  };

  it('apply on those gateways whatever sourceNamespace says: every sidecar, not only the named namespace', () => {
    const match = 'gateways: [mesh]\n      sourceNamespace: frontend';
    expect(ruleFor(match, 'sidecar')).toBe('vs/bookinfo/reviews/http/canary/match/0');
    expect(ruleFor(match, 'sidecar~bookinfo')).toBe('vs/bookinfo/reviews/http/canary/match/0');
  });

  it('apply on those gateways whatever sourceLabels says, not left out (ML4014)', () => {
    expect(ruleFor('gateways: [mesh]\n      sourceLabels: { app: frontend }', 'sidecar')).toBe('vs/bookinfo/reviews/http/canary/match/0');
  });

  it('without gateways, sourceNamespace still limits the entry to that namespace', () => {
    expect(ruleFor('sourceNamespace: frontend', 'sidecar')).toBe('vs/bookinfo/reviews/http/1/match/0');
    expect(ruleFor('sourceNamespace: frontend', 'sidecar~frontend')).toBe('vs/bookinfo/reviews/http/canary/match/0');
  });
});
