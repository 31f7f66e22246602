// diffIr never drops a change to a route, cluster or listener, and never prints `X → X`: a
// setting the summary lines leave out (or one newer than them) is shown field by field.
import { describe, expect, it } from 'vitest';
import type { IrCluster, IrHeaderOps, IrListener, IrRoute } from '../../src/compile/ir/types.ts';
import { diffIr, renderDiffMarkdown, renderDiffText } from '../../src/diff/index.ts';
import { cluster, cname, forward, mesh, NO_HEADER_OPS, route, table, view, vhost } from './ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V2 = cname('reviews', 'v2');

function reviewsMesh(routes: IrRoute[], clusters: IrCluster[] = [cluster(V1), cluster(V2)]) {
  return mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])])], clusters);
}

/** The summary of the one route that changed between two versions of route `r0`. */
function routeSummary(before: Partial<IrRoute>, after: Partial<IrRoute>): readonly string[] | undefined {
  const d = diffIr(reviewsMesh([route('r0', before)]), reviewsMesh([route('r0', after)]));
  expect(d.empty).toBe(false);
  expect(d.counts.routesChanged).toBe(1);
  return d.views[0]?.hosts[0]?.routes[0]?.summary;
}

function clusterSummary(before: Partial<IrCluster>, after: Partial<IrCluster>): readonly string[] | undefined {
  const d = diffIr(mesh([], [cluster(V1, before)]), mesh([], [cluster(V1, after)]));
  expect(d.empty).toBe(false);
  return d.clusters[0]?.summary;
}

function requestSet(name: string, value: string): IrHeaderOps {
  return { ...NO_HEADER_OPS, request: { set: [{ name, value }], add: [], remove: [] } };
}

/** No summary line reads the same before and after the arrow. */
function expectNoSameSides(lines: readonly string[] | undefined): void {
  for (const line of lines ?? []) {
    const m = /^[^:]+: (.*) → (.*)$/.exec(line);
    if (m) expect(m[1], line).not.toBe(m[2]);
  }
}

describe('diffIr: nothing hidden', () => {
  it('shows a field no summary line knows, on a route and on its action', () => {
    // Fields newer than the summaries: IR shapes a later compiler version could produce.
    const summary = routeSummary({}, { action: { ...forward([V1, 100]), hashPolicy: { header: 'x-user' } } as never, priority: 'high' } as never);
    expect(summary).toEqual(['action.hashPolicy: none → {header=x-user}', 'priority: none → high']);
    const d = diffIr(reviewsMesh([route('r0')]), reviewsMesh([route('r0', { priority: 'high' } as never)]));
    expect(renderDiffText(d)).toContain('~ r0 [any request]: priority: none → high');
    expect(renderDiffMarkdown(d)).toContain('| any request | priority: none → high |');
  });

  it('prints the fields, not `X → X`, when a description cannot tell the two apart', () => {
    // A direct response's body is clipped to 40 characters in the one-liner.
    const body = (end: string) => ({ action: { kind: 'direct_response', status: 200, body: `${'x'.repeat(50)}${end}` } }) as const;
    const summary = routeSummary(body('a'), body('b'));
    expect(summary).toEqual([`action.body: ${'x'.repeat(50)}a → ${'x'.repeat(50)}b`]);
  });

  it('adds a field line for a setting that changed beside one the line shows', () => {
    const retry = (attempts: number, previousHosts?: boolean) => ({ action: { ...forward([V1, 100]), retry: { attempts, retryOn: ['5xx'], retriableStatusCodes: [], previousHosts } } as never });
    expect(routeSummary(retry(2), retry(3, true))).toEqual(['retries: 2 attempts on 5xx → 3 attempts on 5xx', 'action.retry.previousHosts: none → true']);
  });

  it('names every CORS setting and retries to other localities', () => {
    const cors = (maxAgeSeconds: number, allowCredentials: boolean) => ({
      cors: { allowOrigins: [{ kind: 'exact', value: 'https://a.example' }], allowMethods: ['GET'], allowHeaders: ['x-a'], exposeHeaders: ['x-b'], maxAgeSeconds, allowCredentials },
    }) as const;
    const summary = routeSummary(cors(3600, false), cors(86400, true));
    expect(summary).toEqual([
      'cors: origins https://a.example; methods GET; headers x-a; expose x-b; max age 3600s; credentials not allowed → origins https://a.example; methods GET; headers x-a; expose x-b; max age 86400s; credentials allowed',
    ]);
    const retry = (retryRemoteLocalities?: boolean) => ({ action: { ...forward([V1, 100]), retry: { attempts: 2, retryOn: ['5xx'], retriableStatusCodes: [], retryRemoteLocalities } } as never });
    expect(routeSummary(retry(), retry(true))).toEqual(['retries: 2 attempts on 5xx → 2 attempts on 5xx, may retry other localities']);
  });

  it('shows headers of one destination of a split, and ignores reordered or rescaled destinations', () => {
    const split = (v2Headers?: IrHeaderOps, weights: [number, number] = [90, 10]) =>
      ({ action: { ...forward([V1, weights[0]], [V2, weights[1]]), destinations: [{ cluster: V1, weight: weights[0] }, { cluster: V2, weight: weights[1], ...(v2Headers ? { headers: v2Headers } : {}) }] } }) as const;
    expect(routeSummary(split(requestSet('x-canary', 'yes')), split(requestSet('x-canary', 'no')))).toEqual([
      'headers for reviews v2: request set x-canary: yes → request set x-canary: no',
    ]);
    expect(routeSummary(split(), split(requestSet('x-canary', 'yes'), [50, 50]))).toEqual(['reviews: v1 90→50, v2 10→50', 'headers for reviews v2: none → request set x-canary: yes']);
    const same = split(requestSet('x-canary', 'yes'));
    const reordered = { action: { ...same.action, destinations: [...same.action.destinations].reverse().map((d) => ({ ...d, weight: d.weight * 2 })) } };
    expect(diffIr(reviewsMesh([route('r0', same)]), reviewsMesh([route('r0', reordered)])).empty).toBe(true);
  });

  it('names the Host one destination of a split rewrites to (headers.request.set.host)', () => {
    const split = (v2Authority?: string) =>
      ({ action: { ...forward([V1, 90], [V2, 10]), destinations: [{ cluster: V1, weight: 90 }, { cluster: V2, weight: 10, ...(v2Authority ? { authority: v2Authority } : {}) }] } }) as const;
    expect(routeSummary(split(), split('canary.example.com'))).toEqual(["Host for reviews v2: the route's → canary.example.com"]);
    expect(routeSummary(split('a.example.com'), split('b.example.com'))).toEqual(['Host for reviews v2: a.example.com → b.example.com']);
  });

  it('shows a cluster field no summary line knows, and the pool\'s useClientProtocol', () => {
    expect(clusterSummary({}, { dnsRefreshRateMs: 5000 } as never)).toEqual(['dnsRefreshRate: none → 5s']);
    expect(clusterSummary({ connectionPool: { maxConnections: 10 } }, { connectionPool: { maxConnections: 10, useClientProtocol: true } })).toEqual([
      'connection pool: http.useClientProtocol unset → true',
    ]);
    // The pool's connect timeout alone (the cluster's is the same): still a line.
    expect(clusterSummary({ connectionPool: {} }, { connectionPool: { connectTimeoutMs: 10_000 } })).toEqual(['connection pool: tcp.connectTimeout unset → 10s']);
  });

  it('describes a load balancer whole: table and ring sizes, a cookie\'s path, ttl and attributes', () => {
    const maglev = (tableSize?: number) => ({ loadBalancer: { kind: 'maglev', hashOn: { kind: 'header', name: 'x-user' }, tableSize } }) as const;
    expect(clusterSummary(maglev(), maglev(251))).toEqual(['load balancer: maglev on header x-user → maglev on header x-user, table 251']);
    const ring = (minimumRingSize: number) => ({ loadBalancer: { kind: 'ring_hash', hashOn: { kind: 'source_ip' }, minimumRingSize } }) as const;
    expect(clusterSummary(ring(1024), ring(2048))).toEqual(['load balancer: ring_hash on source IP, ring 1024 → ring_hash on source IP, ring 2048']);
    const cookie = (path: string, ttlMs: number, secure: boolean) =>
      ({ loadBalancer: { kind: 'ring_hash', hashOn: { kind: 'cookie', name: 'session', path, ttlMs, attributes: secure ? [{ name: 'SameSite', value: 'Strict' }, { name: 'Secure' }] : [] } } }) as const;
    const summary = clusterSummary(cookie('/', 60_000, false), cookie('/shop', 120_000, true));
    expect(summary).toEqual(['load balancer: ring_hash on cookie session (path /, ttl 60s) → ring_hash on cookie session (path /shop, ttl 120s, attributes SameSite=Strict, Secure)']);
    expectNoSameSides(summary);
  });

  it('shows a TCP proxy\'s timeouts and a DNS target\'s weight', () => {
    expect(clusterSummary({ tcpProxy: { idleTimeoutMs: 3_600_000 } }, { tcpProxy: { idleTimeoutMs: 7_200_000, maxConnectionDurationMs: 60_000 } })).toEqual([
      'tcp proxy: idle timeout 3600s → 7200s, max connection duration unset → 60s',
    ]);
    expect(clusterSummary({}, { tcpProxy: { idleTimeoutMs: 60_000 } })).toEqual(['tcp proxy: idle timeout unset → 60s']);
    const dns = (weight?: number) => ({ discovery: 'strict_dns', dnsTargets: [{ address: 'db.example.com', port: 5432, weight }] }) as const;
    expect(clusterSummary(dns(), dns(2))).toEqual(['dns targets: [db.example.com:5432] → [db.example.com:5432 weight 2]']);
  });

  it('shows a listener whose only change is a field without a line of its own', () => {
    const withListener = (l: Partial<IrListener>) => {
      const v = view('sidecar', [table('9080', [vhost('reviews', [route('r0')])])]);
      return mesh([{ ...v, listeners: v.listeners.map((x) => ({ ...x, ...l })) }]);
    };
    const d = diffIr(withListener({}), withListener({ statPrefix: 'inbound_9080' }));
    expect(d.empty).toBe(false);
    expect(d.views[0]?.listenersChanged).toEqual([{ name: '0.0.0.0_9080', port: 9080, changes: [{ change: 'changed', text: 'statPrefix: outbound_9080 → inbound_9080' }] }]);
    expect(renderDiffText(d)).toContain('~ listener 0.0.0.0_9080\n        ~ statPrefix: outbound_9080 → inbound_9080');
    // Another bind address is another listener (its name is `<address>_<port>`): one gone, one new.
    const bound = diffIr(withListener({}), withListener({ name: '10.0.0.1_9080', address: '10.0.0.1' }));
    expect(bound.counts).toMatchObject({ listenersAdded: 1, listenersRemoved: 1 });
  });
});
