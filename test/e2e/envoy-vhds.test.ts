// Real Envoy over Delta ADS with VHDS on (node metadata `meshlog.dev/vhds: "true"`): the
// route table arrives without its virtual hosts and each host arrives as a VirtualHost
// resource. Initial routing must work as with a whole table, and a one-route change must
// reach Envoy as one changed virtual host (the route table itself not re-sent) with no
// failed request during the swap.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../src/api/app.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { fire, request, startUpstreams, type Upstreams, type UpstreamReply } from '../support/upstreams.ts';
import { reviewsMesh, type E2eMesh } from './support/reviews-mesh.ts';
import { startSteadyLoad } from './support/steady-load.ts';
import { freePort, sleep, waitFor } from './support/wait.ts';

const REQUESTS = 1000;
const nodeId = 'e2e-vhds';

describe('Envoy over Delta ADS with VHDS', () => {
  let upstreams: Upstreams;
  let mesh: E2eMesh;
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let api: FastifyInstance;
  let envoy: EnvoyProcess;
  let listenerPort: number;

  const url = (path: string): string => `http://127.0.0.1:${listenerPort}${path}`;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({ host: mesh.host, ...extra });

  async function proxy(): Promise<ProxyStatus | undefined> {
    const res = await api.inject({ method: 'GET', url: '/api/proxies' });
    return (res.json() as ProxyStatus[]).find((p) => p.node === nodeId);
  }

  /** Until Envoy ACKed the active snapshot's route configuration (tables and hosts). */
  async function waitRoutesAcked(): Promise<void> {
    const active = source.current()!;
    await waitFor(`${nodeId} to ACK the routes of generation ${active.generation}`, async () => {
      const p = await proxy();
      const view = active.snapshot.views.find((v) => v.name === p?.view);
      return Boolean(view && p?.types.rds.acked === `${active.generation}-${view.typeHashes.rds.slice(0, 8)}`);
    }, 30_000);
  }

  /** Envoy's own counters: how many RDS and VHDS updates it accepted. */
  async function updateCounters(): Promise<{ rds: number; vhds: number }> {
    const text = await (await fetch(`${envoy.adminUrl}/stats?format=json`)).text();
    const stats = (JSON.parse(text) as { stats: { name?: string; value?: number }[] }).stats;
    const sum = (re: RegExp): number => stats.filter((s) => s.name && re.test(s.name)).reduce((a, s) => a + (s.value ?? 0), 0);
    return { rds: sum(/\.rds\.[^.]+\.update_success$/), vhds: sum(/vhds\.[^.]+\.config_reload$/) };
  }

  async function share(path: string, upstream: string, extra: Record<string, string> = {}): Promise<number> {
    const tally = await fire(url(path), REQUESTS, { headers: headers(extra), concurrency: 8 });
    const answered = Object.entries(tally.counts).filter(([k]) => k.startsWith('reviews-')).reduce((a, [, n]) => a + n, 0);
    expect(answered, JSON.stringify(tally.counts)).toBe(REQUESTS);
    return (tally.counts[upstream] ?? 0) / REQUESTS;
  }

  async function who(path: string): Promise<string> {
    const res = await request(url(path), { headers: headers() });
    return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
  }

  beforeAll(async () => {
    upstreams = await startUpstreams(['reviews-v1', 'reviews-v2', 'reviews-v3']);
    listenerPort = await freePort();
    mesh = reviewsMesh({ listener: listenerPort, v1: upstreams.port('reviews-v1'), v2: upstreams.port('reviews-v2'), v3: upstreams.port('reviews-v3') });
    source = new MemorySnapshotSource(mesh.snapshot({ weights: { v1: 80, v2: 20 }, withV3: false }));
    server = await startXdsServer({ source, port: 0, logger: silentLogger });
    api = buildApiApp({ source, status: server.status, metrics: server.metrics });
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId, cluster: 'meshlog', namespace: 'default', delta: true, vhds: true, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap), { logLevel: process.env.MESHLOG_E2E_ENVOY_LOG ?? 'warning' });
  });

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await api?.close();
    await upstreams?.close();
  });

  it('routes the initial config from virtual hosts sent apart from the route table', async () => {
    await waitRoutesAcked();
    await waitFor('the listener to serve', async () => (await who('/')).startsWith('reviews-'));
    const counters = await updateCounters();
    expect(counters.rds).toBeGreaterThanOrEqual(1);
    expect(counters.vhds).toBeGreaterThanOrEqual(1);
    // What Envoy holds: a route table with vhds set, whose hosts came over VHDS.
    const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
    expect(dump).toContain('"vhds"');
    const v1 = await share('/', 'reviews-v1');
    expect(v1).toBeGreaterThan(0.75);
    expect(v1).toBeLessThan(0.85);
    expect(await share('/', 'reviews-v2', { 'end-user': 'jason' })).toBe(1);
  });

  it('a one-route change ships one virtual host, not the table, with zero failed requests', async () => {
    const before = await updateCounters();
    const pushes = server.metrics.pushes.rds;
    const load = startSteadyLoad(url('/'), headers());
    await sleep(300);
    source.set(mesh.snapshot({ weights: { v1: 20, v2: 80 }, withV3: false }));
    await waitRoutesAcked();
    await sleep(300);
    const seen = await load.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.ok).toBeGreaterThan(20);
    const after = await updateCounters();
    // The route table was not re-sent (no RDS update); one VHDS response was.
    expect(after.rds).toBe(before.rds);
    expect(after.vhds).toBe(before.vhds + 1);
    expect(server.metrics.pushes.rds).toBe(pushes + 1);
    const v2 = await share('/', 'reviews-v2');
    expect(v2).toBeGreaterThan(0.75);
    expect(v2).toBeLessThan(0.85);
    expect(await share('/', 'reviews-v2', { 'end-user': 'jason' })).toBe(1);
  });

  it('after a server restart, the reconnected proxy keeps routing and takes the next change', async () => {
    const port = server.port;
    const load = startSteadyLoad(url('/'), headers());
    await server.close(500);
    await api.close();
    await sleep(1000);
    server = await startXdsServer({ source, port, logger: silentLogger });
    api = buildApiApp({ source, status: server.status, metrics: server.metrics });
    await waitRoutesAcked();
    const seen = await load.stop();
    expect(seen.failures).toEqual([]);
    source.set(mesh.snapshot({ weights: { v1: 90, v2: 10 }, withV3: false }));
    await waitRoutesAcked();
    const v1 = await share('/', 'reviews-v1');
    expect(v1).toBeGreaterThan(0.85);
    expect(v1).toBeLessThan(0.95);
  });
});
