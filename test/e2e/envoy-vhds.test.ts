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
import type { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import type { E2eMesh } from './support/reviews-mesh.ts';
import { expectShare, proxyStatus, startReviewsRig, type ReviewsRig } from './support/reviews-rig.ts';
import { startSteadyLoad } from './support/steady-load.ts';
import { sleep, waitFor } from './support/wait.ts';

const nodeId = 'e2e-vhds';

describe('Envoy over Delta ADS with VHDS', () => {
  let rig: ReviewsRig;
  let mesh: E2eMesh;
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let api: FastifyInstance;
  let envoy: EnvoyProcess;

  const proxy = (): Promise<ProxyStatus | undefined> => proxyStatus(api, nodeId);

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

  beforeAll(async () => {
    rig = await startReviewsRig();
    ({ mesh, source } = rig);
    server = await startXdsServer({ source, port: 0, logger: silentLogger });
    api = buildApiApp({ source, status: server.status, metrics: server.metrics });
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId, cluster: 'meshlog', namespace: 'default', delta: true, vhds: true, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap), { logLevel: process.env.MESHLOG_E2E_ENVOY_LOG ?? 'warning' });
  });

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await api?.close();
    await rig?.close();
  });

  it('routes the initial config from virtual hosts sent apart from the route table', async () => {
    await waitRoutesAcked();
    await waitFor('the listener to serve', async () => (await rig.who('/')).startsWith('reviews-'));
    const counters = await updateCounters();
    expect(counters.rds).toBeGreaterThanOrEqual(1);
    expect(counters.vhds).toBeGreaterThanOrEqual(1);
    // What Envoy holds: a route table with vhds set, whose hosts came over VHDS.
    const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
    expect(dump).toContain('"vhds"');
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.8);
    expect(await rig.share('/', 'reviews-v2', { 'end-user': 'jason' })).toBe(1);
  });

  it('a one-route change ships one virtual host, not the table, with zero failed requests', async () => {
    const before = await updateCounters();
    const pushes = server.metrics.pushes.rds;
    const load = startSteadyLoad(rig.url('/'), rig.headers());
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
    const v2 = await rig.share('/', 'reviews-v2');
    expectShare(v2, 0.8);
    expect(await rig.share('/', 'reviews-v2', { 'end-user': 'jason' })).toBe(1);
  });

  it('after a server restart, the reconnected proxy keeps routing and takes the next change', async () => {
    const port = server.port;
    const load = startSteadyLoad(rig.url('/'), rig.headers());
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
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.9);
  });
});
