// The whole pipeline against a real Envoy: Istio YAML (test/fixtures/live/) is compiled by
// compile(), one view is turned into a static bootstrap, and Envoy started on it routes
// real HTTP requests to local upstreams as the config says: a weighted split, a header
// match, a redirect, a direct response and a fault abort.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile, type CompileResult } from '../../src/compile/index.ts';
import { checkConsistency } from '../../src/compile/xds/index.ts';
import type { SourceFile } from '../../src/ingest/source-bundle.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { fire, request, startUpstreams, type Upstreams } from '../support/upstreams.ts';

const FIXTURE = path.resolve(import.meta.dirname, '../fixtures/live');
const HOST = 'reviews.shop.svc.cluster.local';
const LISTENER = '127.0.0.1_9080';

/** The fixture's YAML with the upstream servers' ports filled in. */
function liveConfig(up: Upstreams): SourceFile[] {
  const ports: Record<string, number> = { V1: up.port('reviews-v1'), V2: up.port('reviews-v2'), V3: up.port('reviews-v3') };
  return fs
    .readdirSync(FIXTURE)
    .filter((f) => f.endsWith('.yaml'))
    .sort()
    .map((f) => {
      const text = fs.readFileSync(path.join(FIXTURE, f), 'utf8').replace(/__PORT_(V\d)__/g, (_, v: string) => String(ports[v]));
      return { path: f, bytes: new TextEncoder().encode(text) };
    });
}

describe('live: Envoy on a compiled static bootstrap', () => {
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  let base = '';

  beforeAll(async () => {
    upstreams = await startUpstreams(['reviews-v1', 'reviews-v2', 'reviews-v3']);
    const result = compile({ origin: { kind: 'folder', path: FIXTURE }, commit: null, files: liveConfig(upstreams), diagnostics: [] });
    expect(result.diagnostics).toEqual([]);
    const snapshot = result.snapshot!;
    expect(checkConsistency(snapshot)).toEqual([]);
    // The view of a proxy in the service's own namespace. Port 0: the OS picks the
    // listener port, read back from Envoy's admin API (startEnvoy moves the admin port too).
    const bootstrap = staticBootstrap(snapshot, 'sidecar~shop', { listenerPorts: { [LISTENER]: 0 } });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
    base = `http://127.0.0.1:${await envoy.listenerPort(LISTENER)}`;
  });

  afterAll(async () => {
    await envoy?.stop();
    await upstreams?.close();
  });

  it('splits 80/20 by weight within ±5 % over 2,000 requests', async () => {
    const tally = await fire(`${base}/productpage`, 2000, { headers: { host: HOST }, concurrency: 16 });
    const v1 = tally.counts['reviews-v1'] ?? 0;
    const v2 = tally.counts['reviews-v2'] ?? 0;
    expect(v1 + v2, JSON.stringify(tally.counts)).toBe(2000);
    expect(v1 / 2000).toBeGreaterThanOrEqual(0.75);
    expect(v1 / 2000).toBeLessThanOrEqual(0.85);
  });

  it('sends requests with the matching header to their own subset', async () => {
    const tally = await fire(`${base}/reviews/1`, 50, { headers: { host: HOST, 'end-user': 'jason' } });
    expect(tally.counts).toEqual({ 'reviews-v3': 50 });
    const other = await fire(`${base}/reviews/1`, 50, { headers: { host: HOST, 'end-user': 'mallory' } });
    expect(other.counts['reviews-v3']).toBeUndefined();
  });

  it('redirects with the configured status and Location', async () => {
    const res = await request(`${base}/old`, { headers: { host: HOST } });
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe('http://new.example/new');
  });

  it('answers directly with the configured status and body', async () => {
    const res = await request(`${base}/teapot`, { headers: { host: HOST } });
    expect(res.status).toBe(418);
    expect(res.body).toBe('short and stout');
  });

  it('aborts requests of a fault rule without reaching the upstream', async () => {
    const res = await request(`${base}/faulty/x`, { headers: { host: HOST } });
    expect(res.status).toBe(503);
    expect(res.body).toContain('fault filter abort');
    expect(res.headers['x-upstream']).toBeUndefined();
  });

  it('does not route hosts it has no virtual host for', async () => {
    const res = await request(`${base}/productpage`, { headers: { host: 'unknown.example' } });
    expect(res.status).toBe(404);
  });
});

// ML4033's claim, checked: a proxy listener bound to the port cannot pass a request on to the
// address the client dialled, so requests routed to a resolution NONE service get 503, by a
// VirtualService rule or by the host's default route.
describe('live: an HTTP port of a resolution NONE ServiceEntry (ML4033)', () => {
  const YAML = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [legacy.example.net, old.example.net]
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: NONE
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [legacy.example.net]
  http:
  - match: [{uri: {prefix: /v2}}]
    route: [{destination: {host: legacy.example.net}}]
`;
  let envoy: EnvoyProcess | undefined;

  afterAll(async () => {
    await envoy?.stop();
  });

  it('is reported, and Envoy answers requests for its hosts with 503, by a VirtualService route or the default one', async () => {
    const listener = '0.0.0.0_9080';
    let result: CompileResult;
    ({ envoy, result } = await runView(YAML, 'sidecar', [listener]));
    // legacy.example.net's VirtualService rule, and old.example.net's default route (at the port).
    expect(result.diagnostics.map((d) => `${d.code} ${d.line}:${d.field}`).sort()).toEqual(['ML4033 15:spec.http[0]', 'ML4033 6:spec.ports[0]']);
    const base = `http://127.0.0.1:${await envoy.listenerPort(listener)}`;
    // legacy: the VirtualService's route; old: the host's default route.
    for (const [host, p] of [['legacy.example.net', '/v2/orders'], ['old.example.net', '/anything']] as const) {
      const res = await request(`${base}${p}`, { headers: { host } });
      expect(res.status, host).toBe(503);
      expect(res.body).toBe('no healthy upstream');
    }
  });
});
