import { describe, expect, it } from 'vitest';
import { diffIr, renderDiffText } from '../../src/diff/index.ts';
import { cluster, cname, endpoints, forward, match, mesh, route, table, view, vhost } from './ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V2 = cname('reviews', 'v2');
const R1 = cname('ratings', 'v1');

function reviewsMesh(routes: ReturnType<typeof route>[], extraHosts: ReturnType<typeof vhost>[] = []) {
  return mesh([view('sidecar', [table('9080', [vhost('reviews', routes), ...extraHosts])])], [cluster(V1), cluster(V2)]);
}

describe('diffIr', () => {
  it('finds nothing between identical meshes, whatever the key order', () => {
    const a = reviewsMesh([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    const b = JSON.parse(JSON.stringify(a, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v)));
    const d = diffIr(a, b);
    expect(d.empty).toBe(true);
    expect(renderDiffText(d)).toBe('No routing changes\n');
  });

  it('summarises a weight change per host and subset', () => {
    const a = reviewsMesh([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    const b = reviewsMesh([route('r0', { action: forward([V1, 50], [V2, 50]) })]);
    const d = diffIr(a, b);
    const r = d.views[0]?.hosts[0]?.routes[0];
    expect(r?.change).toBe('changed');
    expect(r?.summary).toEqual(['reviews: v1 90→50, v2 10→50']);
    expect(d.counts.routesChanged).toBe(1);
    expect(renderDiffText(d)).toContain('~ r0 [any request]: reviews: v1 90→50, v2 10→50');
  });

  it('counts a change once per proxy kind: the gRPC table mirrors the sidecar one, a gateway is its own', () => {
    const meshWith = (v1: number) => {
      const routes = [route('r0', { action: forward([V1, v1], [V2, 100 - v1]) })];
      return mesh(
        [
          view('sidecar', [table('9080', [vhost('reviews', routes)])]),
          view('sidecar~shop', [table('9080', [vhost('reviews', routes)])]),
          view('grpc', [table('grpc.9080', [vhost('reviews', routes)])]),
          view('gateway~shop~gw', [table('http.9080', [vhost('reviews', routes)])], 'gateway'),
        ],
        [cluster(V1), cluster(V2)],
      );
    };
    const d = diffIr(meshWith(90), meshWith(50));
    expect(d.views.map((v) => v.name)).toEqual(['gateway~shop~gw', 'grpc', 'sidecar', 'sidecar~shop']);
    expect(d.counts.routesChanged).toBe(2); // the sidecars' (and gRPC clients') routing, and the gateway's
    expect(d.counts.hostsChanged).toBe(2);
  });

  it('treats rescaled relative weights with the same shares as no change', () => {
    const a = reviewsMesh([route('r0', { action: forward([V1, 9], [V2, 1]) })]);
    const b = reviewsMesh([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    expect(diffIr(a, b).empty).toBe(true);
  });

  it('reports a cluster moving to another host with both hosts named', () => {
    const a = reviewsMesh([route('r0', { action: forward([V1, 100]) })]);
    const b = reviewsMesh([route('r0', { action: forward([R1, 100]) })]);
    const r = diffIr(a, b).views[0]?.hosts[0]?.routes[0];
    expect(r?.summary).toEqual(['ratings: v1 0→100; reviews: v1 100→0']);
  });

  it('pairs routes by match when a rule is inserted above them, so only the new one is added', () => {
    const jason = match({ headers: [{ name: 'end-user', value: { kind: 'exact', value: 'jason' }, invert: false }] });
    const a = reviewsMesh([route('vs/default/reviews/http/0/match/0')]);
    const b = reviewsMesh([
      route('vs/default/reviews/http/0/match/0', { match: jason, action: forward([V2, 100]) }),
      route('vs/default/reviews/http/1/match/0'),
    ]);
    const d = diffIr(a, b);
    const routes = d.views[0]?.hosts[0]?.routes ?? [];
    expect(routes.map((r) => [r.change, r.name, r.match])).toEqual([
      ['added', 'vs/default/reviews/http/0/match/0', 'header end-user=jason'],
    ]);
    expect(d.counts).toMatchObject({ routesAdded: 1, routesChanged: 0, routesRemoved: 0, routesReordered: 0 });
  });

  it('shows an edited match on the same rule as a match change', () => {
    const a = reviewsMesh([route('r0', { match: match({ path: { kind: 'prefix', value: '/v1' } }) })]);
    const b = reviewsMesh([route('r0', { match: match({ path: { kind: 'prefix', value: '/v2' }, ignoreCase: true }) })]);
    const r = diffIr(a, b).views[0]?.hosts[0]?.routes[0];
    expect(r?.summary).toEqual(['match: prefix /v1 → prefix /v2 (any case)']);
  });

  it('flags routes whose relative order changed', () => {
    const m1 = match({ path: { kind: 'exact', value: '/a' } });
    const m2 = match({ path: { kind: 'regex', value: '/b.*' } });
    const a = reviewsMesh([route('x', { match: m1 }), route('y', { match: m2 })]);
    const b = reviewsMesh([route('y', { match: m2 }), route('x', { match: m1 })]);
    const d = diffIr(a, b);
    const routes = d.views[0]?.hosts[0]?.routes ?? [];
    expect(routes).toHaveLength(1);
    expect(routes[0]?.reordered).toBe(true);
    expect(routes[0]?.summary[0]).toMatch(/^moved from position \d to \d$/);
    expect(d.counts.routesReordered).toBe(1);
    expect(d.counts.routesChanged).toBe(0);
  });

  it('lists a removed route at its old place', () => {
    const a = reviewsMesh([route('a', { match: match({ path: { kind: 'exact', value: '/a' } }) }), route('b'), route('c', { match: match({ path: { kind: 'exact', value: '/c' } }) })]);
    const b = reviewsMesh([route('a', { match: match({ path: { kind: 'exact', value: '/a' } }) }), route('c', { match: match({ path: { kind: 'exact', value: '/c' } }) })]);
    const routes = diffIr(a, b).views[0]?.hosts[0]?.routes ?? [];
    expect(routes.map((r) => [r.change, r.name, r.position])).toEqual([['removed', 'b', { before: 2 }]]);
  });

  it('describes action changes: redirect, direct response, timeout, retries, fault, mirror, headers, cors', () => {
    const base = route('r0');
    const a = reviewsMesh([base, route('r1'), route('r2', { match: match({ path: { kind: 'prefix', value: '/z' } }) })]);
    const b = reviewsMesh([
      route('r0', { action: { kind: 'redirect', uri: '/new', code: 301 } }),
      route('r1', {
        action: { ...forward([V1, 100]), timeoutMs: 5000, retry: { attempts: 3, retryOn: ['5xx'], retriableStatusCodes: [] }, mirrors: [{ cluster: V2, percent: 10 }] } as never,
        fault: { abort: { httpStatus: 503, percent: 20 } },
        headers: { request: { set: [{ name: 'x-a', value: '1' }], add: [], remove: [] }, response: { set: [], add: [], remove: ['server'] } },
        cors: { allowOrigins: [{ kind: 'exact', value: 'https://a.example' }], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [] },
      }),
      route('r2', { match: match({ path: { kind: 'prefix', value: '/z' } }), action: { kind: 'direct_response', status: 418, body: 'teapot' } }),
    ]);
    const routes = diffIr(a, b).views[0]?.hosts[0]?.routes ?? [];
    const byName = Object.fromEntries(routes.map((r) => [r.name, r.summary]));
    expect(byName['r0']).toEqual(['action: forward to reviews v1 100% → redirect 301 to path /new']);
    expect(byName['r1']).toEqual([
      'timeout: none → 5s',
      'retries: none → 3 attempts on 5xx',
      'mirror: none → reviews v2 10%',
      'fault: none → abort HTTP 503 for 20%',
      'cors: none → origins https://a.example; methods GET',
      'headers: none → request set x-a: 1; response remove server',
    ]);
    expect(byName['r2']).toEqual(['action: forward to reviews v1 100% → direct response 418 "teapot"']);
    const r1 = routes.find((r) => r.name === 'r1');
    expect(r1?.fields.map((f) => f.field)).toContain('action.timeoutMs');
  });

  it('shows what an added or removed route does, not only where it forwards', () => {
    const full = route('r1', {
      match: match({ path: { kind: 'prefix', value: '/v2' } }),
      action: { ...forward([V2, 100]), timeoutMs: 2000, retry: { attempts: 2, retryOn: ['reset'], retriableStatusCodes: [] }, rewrite: { uri: '/' }, mirrors: [{ cluster: V1, percent: 5 }] } as never,
      fault: { delay: { fixedDelayMs: 100, percent: 1 } },
      headers: { request: { set: [{ name: 'x-version', value: 'v2' }], add: [], remove: [] }, response: { set: [], add: [], remove: [] } },
    });
    const expected = [
      'forward to reviews v2 100%',
      'timeout: 2s',
      'retries: 2 attempts on reset',
      'rewrite: {uri=/}',
      'mirror: reviews v1 5%',
      'fault: delay 100ms for 1%',
      'headers: request set x-version: v2',
    ];
    const added = diffIr(reviewsMesh([route('r0')]), reviewsMesh([full, route('r0')])).views[0]?.hosts[0]?.routes ?? [];
    expect(added.map((r) => [r.change, r.summary])).toEqual([['added', ['added at position 1 of 2, before r0', ...expected]]]);
    const removed = diffIr(reviewsMesh([full, route('r0')]), reviewsMesh([route('r0')])).views[0]?.hosts[0]?.routes ?? [];
    expect(removed.map((r) => [r.change, r.summary])).toEqual([['removed', expected]]);
    // A plain route still reads as one line, Istio's default retries included.
    const istioRetry = { attempts: 2, retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'], retriableStatusCodes: [], previousHosts: true };
    const plain = diffIr(reviewsMesh([]), reviewsMesh([route('r0', { action: { ...forward([V1, 100]), retry: istioRetry } as never })])).views[0]?.hosts[0]?.routes[0];
    expect(plain?.summary).toEqual(['forward to reviews v1 100%']);
  });

  it('names only the settings that changed in a connection pool or outlier detection, in Istio terms', () => {
    const before = cluster(V1, {
      outlierDetection: { consecutive5xxErrors: 5, intervalMs: 10_000, baseEjectionTimeMs: 30_000, maxEjectionPercent: 50 },
      connectionPool: { maxConnections: 100, connectTimeoutMs: 2000, tcpIdleTimeoutMs: 3_600_000, tcpKeepalive: { timeMs: 7_200_000 } },
      connectTimeoutMs: 2000,
    });
    const after = cluster(V1, {
      outlierDetection: { consecutiveGatewayErrors: 3, intervalMs: 10_000, baseEjectionTimeMs: 60_000, maxEjectionPercent: 100 },
      connectionPool: { maxConnections: 200, connectTimeoutMs: 1000, tcpIdleTimeoutMs: 600_000, maxConnectionDurationMs: 86_400_000, tcpKeepalive: { timeMs: 600_000 }, idleTimeoutMs: 30_000, retryBudget: { percent: 20, minRetryConcurrency: 3 } },
      connectTimeoutMs: 1000,
    });
    const d = diffIr(mesh([], [before], []), mesh([], [after], []));
    expect(d.clusters[0]?.summary).toEqual([
      'connection pool: http.idleTimeout unset → 30s, tcp.maxConnectionDuration unset → 86400s, tcp.maxConnections 100 → 200, retryBudget unset → {minRetryConcurrency=3, percent=20}, tcp.idleTimeout 3600s → 600s, tcp.tcpKeepalive.time 7200s → 600s',
      'outlier detection: baseEjectionTime 30s → 60s, consecutive5xxErrors 5 → unset, consecutiveGatewayErrors unset → 3, maxEjectionPercent 50 → 100',
      'connect timeout: 2s → 1s',
    ]);
  });

  it('reads a renamed subset (same host, port, settings and endpoints) as one renamed cluster', () => {
    const V3 = cname('reviews', 'v3');
    const BETA = cname('reviews', 'v3-beta');
    const a = mesh([], [cluster(V1), cluster(V3)], [endpoints(V1, ['10.0.0.1:9080']), endpoints(V3, ['10.0.0.3:9080'])]);
    const renamed = mesh([], [cluster(V1), cluster(BETA)], [endpoints(V1, ['10.0.0.1:9080']), endpoints(BETA, ['10.0.0.3:9080'])]);
    const d = diffIr(a, renamed);
    expect(d.clusters).toEqual([{ change: 'changed', name: BETA, previousName: V3, summary: ['subset renamed v3 → v3-beta: same endpoints and settings'], fields: [] }]);
    expect(renderDiffText(d)).toContain(`~ ${BETA} (was ${V3})`);
    // Other endpoints: a different subset, not a rename.
    const moved = mesh([], [cluster(V1), cluster(BETA)], [endpoints(V1, ['10.0.0.1:9080']), endpoints(BETA, ['10.0.0.9:9080'])]);
    expect(diffIr(a, moved).clusters.map((c) => [c.change, c.name])).toEqual([
      ['added', BETA],
      ['removed', V3],
    ]);
    // No endpoints listed on either side: nothing shows it is the same pods, so no rename.
    const bare = (subset: string) => mesh([], [cluster(V1), cluster(subset)], []);
    expect(diffIr(bare(V3), bare(BETA)).clusters.map((c) => c.change)).toEqual(['added', 'removed']);
  });

  it('reports clusters added, removed and changed, and endpoint changes', () => {
    const a = mesh([], [cluster(V1), cluster(V2, { loadBalancer: { kind: 'round_robin' } })], [endpoints(V1, ['10.0.0.1:9080', '10.0.0.2:9080']), endpoints(V2, [])]);
    const b = mesh(
      [],
      [cluster(V2, { loadBalancer: { kind: 'least_request' }, outlierDetection: { consecutive5xxErrors: 5 } }), cluster(R1)],
      [endpoints(V2, ['10.0.0.9:9080']), endpoints(R1, ['10.0.1.1:9080'])],
    );
    const d = diffIr(a, b);
    expect(d.clusters.map((c) => [c.change, c.name])).toEqual([
      ['added', R1],
      ['removed', V1],
      ['changed', V2],
    ]);
    expect(d.clusters[2]?.summary).toEqual([
      'load balancer: round_robin → least_request',
      'outlier detection: none → {consecutive5xxErrors=5}',
    ]);
    expect(d.endpoints).toEqual([{ cluster: V2, before: 0, after: 1, added: ['10.0.0.9:9080'], removed: [], changed: [] }]);
    const text = renderDiffText(d);
    expect(text).toContain(`+ ${R1}`);
    expect(text).toContain(`~ ${V2}: 0 → 1 endpoints +10.0.0.9:9080`);
  });

  it('reads a host that only changed its name (same table, same routes) as one renamed host', () => {
    const gw = (host: string) => mesh([view('gateway~default~gw', [table('http.80', [vhost(host, [route('g0'), route('g1')], 80)])], 'gateway')]);
    const d = diffIr(gw('bookinfo'), gw('shop'));
    expect(d.views[0]?.hosts).toEqual([
      expect.objectContaining({ change: 'changed', name: 'shop.default.svc.cluster.local:80', previousName: 'bookinfo.default.svc.cluster.local:80', routes: [] }),
    ]);
    expect(d.counts).toMatchObject({ hostsAdded: 0, hostsRemoved: 0, hostsRenamed: 1, routesAdded: 0, routesRemoved: 0 });
    expect(renderDiffText(d)).toContain('~ shop.default.svc.cluster.local:80 (was bookinfo.default.svc.cluster.local:80; same routes) (route table http.80)');
    // Other routes under the new name: a host removed and another added.
    const other = mesh([view('gateway~default~gw', [table('http.80', [vhost('shop', [route('g0')], 80)])], 'gateway')]);
    expect(diffIr(gw('bookinfo'), other).views[0]?.hosts.map((h) => h.change)).toEqual(['removed', 'added']);
  });

  it('reports listeners, hosts and views added and removed', () => {
    const a = mesh([view('sidecar', [table('9080', [vhost('reviews', [route('r')])])])]);
    const b = mesh([
      view('sidecar', [table('9080', [vhost('details', [route('d')])]), table('9090', [vhost('ratings', [route('q')], 9090)])]),
      view('gateway~default~gw', [table('http.80', [vhost('reviews', [route('g')], 80)])], 'gateway'),
    ]);
    const d = diffIr(a, b);
    expect(d.views.map((v) => [v.change, v.name])).toEqual([
      ['added', 'gateway~default~gw'],
      ['changed', 'sidecar'],
    ]);
    const sidecar = d.views[1];
    expect(sidecar?.listenersAdded).toEqual([{ name: '0.0.0.0_9090', port: 9090 }]);
    expect(sidecar?.hosts.map((h) => [h.change, h.name])).toEqual([
      ['added', 'details.default.svc.cluster.local:9080'],
      ['added', 'ratings.default.svc.cluster.local:9090'],
      ['removed', 'reviews.default.svc.cluster.local:9080'],
    ]);
    expect(d.counts).toMatchObject({ viewsAdded: 1, listenersAdded: 2, hostsAdded: 3, hostsRemoved: 1 });
  });

  it('counts a listener once across sidecar views, and once more per gateway that gets it', () => {
    const sidecars = (ports: string[], gatewayPorts: string[]) =>
      mesh([
        view('sidecar', ports.map((p) => table(p, [vhost('reviews', [route('r')], Number(p))]))),
        view('sidecar~shop', ports.map((p) => table(p, [vhost('reviews', [route('r')], Number(p))]))),
        view('gateway~shop~a', gatewayPorts.map((p) => table(`http.${p}`, [vhost('reviews', [route('g')], Number(p))])), 'gateway'),
        view('gateway~shop~b', gatewayPorts.map((p) => table(`http.${p}`, [vhost('reviews', [route('g')], Number(p))])), 'gateway'),
      ]);
    const added = diffIr(sidecars(['9080'], ['80']), sidecars(['9080', '8080'], ['80', '443']));
    expect(added.views.filter((v) => v.listenersAdded.length > 0)).toHaveLength(4);
    expect(added.counts.listenersAdded).toBe(3); // 0.0.0.0_8080 for the sidecars, 0.0.0.0_443 on each gateway
    expect(renderDiffText(added).split('\n')[0]).toMatch(/^3 listeners added, /);
    const removed = diffIr(sidecars(['9080', '8080'], ['80']), sidecars(['9080'], ['80']));
    expect(removed.counts.listenersRemoved).toBe(1);
  });

  it('reports domain changes on a host', () => {
    const a = mesh([view('sidecar', [table('9080', [vhost('reviews', [route('r')], 9080, ['reviews', 'reviews:9080'])])])]);
    const b = mesh([view('sidecar', [table('9080', [vhost('reviews', [route('r')], 9080, ['reviews:9080', 'rv'])])])]);
    const h = diffIr(a, b).views[0]?.hosts[0];
    expect(h?.domainsAdded).toEqual(['rv']);
    expect(h?.domainsRemoved).toEqual(['reviews']);
  });
});
