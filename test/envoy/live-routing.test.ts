// A real Envoy, started on the static bootstrap meshlog compiles for a view, routes real
// HTTP requests to local upstreams as the config says: a weighted split, a header match,
// a redirect, a direct response and a fault abort.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IrRoute, MeshIR } from '../../src/compile/ir/types.ts';
import { assembleSnapshot, checkConsistency } from '../../src/compile/xds/index.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { clusterName, edsCluster, endpoints, forward, listener, mesh, route, sidecarView } from '../compile/xds/ir-fixtures.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { fire, request, startUpstreams, type Upstreams } from '../support/upstreams.ts';

const HOST = 'reviews.default.svc.cluster.local';
const V1 = clusterName(HOST, 9080, 'v1');
const V2 = clusterName(HOST, 9080, 'v2');
const V3 = clusterName(HOST, 9080, 'v3');

function liveIr(up: Upstreams): MeshIR {
  const path = (kind: 'exact' | 'prefix', value: string) => ({ path: { kind, value }, ignoreCase: false, headers: [], queryParams: [] });
  const routes: IrRoute[] = [
    route('jason', forward([[V3, 1]]), {
      match: { ignoreCase: false, headers: [{ name: 'end-user', value: { kind: 'exact', value: 'jason' }, invert: false }], queryParams: [] },
    }),
    route('moved', { kind: 'redirect', uri: '/new', authority: 'new.example', code: 301 }, { match: path('exact', '/old') }),
    route('teapot', { kind: 'direct_response', status: 418, body: 'short and stout' }, { match: path('exact', '/teapot') }),
    route('faulty', forward([[V1, 1]]), { match: path('prefix', '/faulty'), fault: { abort: { httpStatus: 503, percent: 100 } } }),
    route('split', forward([[V1, 80], [V2, 20]])),
  ];
  const table = { name: '9080', virtualHosts: [{ name: `${HOST}:9080`, domains: ['reviews', 'reviews:9080'], routes }] };
  return mesh(
    [edsCluster(HOST, 9080, 'v1'), edsCluster(HOST, 9080, 'v2'), edsCluster(HOST, 9080, 'v3')],
    [
      endpoints(V1, ['127.0.0.1', up.port('reviews-v1')]),
      endpoints(V2, ['127.0.0.1', up.port('reviews-v2')]),
      endpoints(V3, ['127.0.0.1', up.port('reviews-v3')]),
    ],
    [sidecarView([listener(9080, '127.0.0.1')], [table], [V1, V2, V3])],
  );
}

describe('live: Envoy on a compiled static bootstrap', () => {
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  let base = '';

  beforeAll(async () => {
    upstreams = await startUpstreams(['reviews-v1', 'reviews-v2', 'reviews-v3']);
    const snapshot = assembleSnapshot(liveIr(upstreams), null);
    expect(checkConsistency(snapshot)).toEqual([]);
    // Port 0: the OS picks the listener port, read back from Envoy's admin API.
    const bootstrap = staticBootstrap(snapshot, 'sidecar', { adminPort: 0, listenerPorts: { '127.0.0.1_9080': 0 } });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
    base = `http://127.0.0.1:${await envoy.listenerPort('127.0.0.1_9080')}`;
  });

  afterAll(async () => {
    await envoy?.stop();
    await upstreams?.close();
  });

  it('splits 80/20 by weight within ±5 % over 2,000 requests', async () => {
    const tally = await fire(`${base}/productpage`, 2000, { headers: { host: 'reviews' }, concurrency: 16 });
    const v1 = tally.counts['reviews-v1'] ?? 0;
    const v2 = tally.counts['reviews-v2'] ?? 0;
    expect(v1 + v2, JSON.stringify(tally.counts)).toBe(2000);
    expect(v1 / 2000).toBeGreaterThanOrEqual(0.75);
    expect(v1 / 2000).toBeLessThanOrEqual(0.85);
  });

  it('sends requests with the matching header to their own subset', async () => {
    const tally = await fire(`${base}/reviews/1`, 50, { headers: { host: 'reviews', 'end-user': 'jason' } });
    expect(tally.counts).toEqual({ 'reviews-v3': 50 });
    const other = await fire(`${base}/reviews/1`, 50, { headers: { host: 'reviews', 'end-user': 'mallory' } });
    expect(other.counts['reviews-v3']).toBeUndefined();
  });

  it('redirects with the configured status and Location', async () => {
    const res = await request(`${base}/old`, { headers: { host: 'reviews' } });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('http://new.example/new');
  });

  it('answers directly with the configured status and body', async () => {
    const res = await request(`${base}/teapot`, { headers: { host: 'reviews' } });
    expect(res.status).toBe(418);
    expect(res.body).toBe('short and stout');
  });

  it('aborts requests of a fault rule without reaching the upstream', async () => {
    const res = await request(`${base}/faulty/x`, { headers: { host: 'reviews' } });
    expect(res.status).toBe(503);
    expect(res.body).toContain('fault filter abort');
    expect(res.headers['x-upstream']).toBeUndefined();
  });

  it('does not route hosts it has no virtual host for', async () => {
    const res = await request(`${base}/productpage`, { headers: { host: 'unknown.example' } });
    expect(res.status).toBe(404);
  });
});
