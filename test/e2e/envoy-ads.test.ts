// Real Envoy, bootstrapped with ADS only (the `meshlog bootstrap` generator), in front of
// local identity upstreams, once over SotW and once over Delta. The scenarios follow one
// proxy through a life: initial routing, a change under load, a config Envoy rejects,
// Envoy restarting and the server restarting.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../src/api/app.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import type { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { generationOf } from '../../src/serve/versions.ts';
import { XDS_TYPES } from '../../src/snapshot/types.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import type { E2eMesh } from './support/reviews-mesh.ts';
import { expectShare, proxyStatus, startReviewsRig, type ReviewsRig } from './support/reviews-rig.ts';
import { startSteadyLoad } from './support/steady-load.ts';
import { sleep, waitFor } from './support/wait.ts';

describe.each(['sotw', 'delta'] as const)('Envoy over ADS (%s), reviews mesh from test/fixtures/e2e', (mode) => {
  const nodeId = `e2e-${mode}`;
  let rig: ReviewsRig;
  let mesh: E2eMesh;
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let api: FastifyInstance;
  let envoy: EnvoyProcess;
  let bootstrapFile: string;

  async function startServer(port: number): Promise<void> {
    server = await startXdsServer({ source, port, logger: silentLogger });
    api = buildApiApp({ source, status: server.status, metrics: server.metrics });
  }

  /** This proxy's entry in GET /api/proxies. */
  const proxy = (): Promise<ProxyStatus | undefined> => proxyStatus(api, nodeId);

  /**
   * Until Envoy has ACKed, for every type, the content of the active snapshot. The server
   * only sends a type whose content changed, so an unchanged type keeps the version
   * (`<generation>-<hash8>`) of the activation that last changed it: compare the hash part.
   */
  async function waitConverged(): Promise<ProxyStatus> {
    const active = source.current()!;
    return waitFor(`${nodeId} to ACK generation ${active.generation}`, async () => {
      const p = await proxy();
      const view = active.snapshot.views.find((v) => v.name === p?.view);
      if (!p || !view) return undefined;
      const current = XDS_TYPES.every((t) => {
        const acked = p.types[t].acked;
        return acked !== null && acked.endsWith(`-${view.typeHashes[t].slice(0, 8)}`) && generationOf(acked) <= active.generation;
      });
      return current ? p : undefined;
    }, 30_000);
  }

  beforeAll(async () => {
    rig = await startReviewsRig();
    ({ mesh, source } = rig);
    await startServer(0);
    bootstrapFile = writeConfigFile(
      adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId, cluster: 'meshlog', namespace: 'default', delta: mode === 'delta', adminPort: 0 }),
    );
    envoy = await startEnvoy(bootstrapFile);
  });

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await api?.close();
    await rig?.close();
  });

  it('routes the initial config: 80/20 split and the end-user header match', async () => {
    await waitConverged();
    await waitFor('the listener to serve', async () => (await rig.who('/')).startsWith('reviews-'));
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.8);
    expect(await rig.share('/', 'reviews-v2', { 'end-user': 'jason' })).toBe(1);
  });

  it('converges on a new split plus a new subset with zero failed requests under load', async () => {
    const load = startSteadyLoad(rig.url('/'), rig.headers());
    const jasonLoad = startSteadyLoad(rig.url('/'), rig.headers({ 'end-user': 'jason' }), 1);
    await sleep(300);
    source.set(mesh.snapshot({ weights: { v1: 20, v2: 80 }, withV3: true }));
    await waitConverged();
    await waitFor('/v3 to reach the new subset', async () => (await rig.who('/v3')) === 'reviews-v3');
    await sleep(300);
    const seen = await load.stop();
    const jason = await jasonLoad.stop();
    expect(seen.failures).toEqual([]);
    expect(jason.failures).toEqual([]);
    expect(seen.ok).toBeGreaterThan(20);
    expect(Object.keys(jason.byUpstream)).toEqual(['reviews-v2']);
    const v2 = await rig.share('/', 'reviews-v2');
    expectShare(v2, 0.8);
  });

  it('a route table Envoy rejects: NACK with its error in status, parked, traffic on the previous config', async () => {
    const before = await proxy();
    const { generation } = source.set(mesh.snapshot({ weights: { v1: 20, v2: 80 }, withV3: true, badRegex: true }));
    const nacked = await waitFor('the NACK to show in /api/proxies', async () => {
      const p = await proxy();
      return p?.types.rds.nack?.version.startsWith(`${generation}-`) ? p : undefined;
    });
    // Envoy's own words: the regex it could not compile.
    expect(nacked.types.rds.nack?.message).toContain('/bad((');
    expect(nacked.types.rds.acked).toBe(before?.types.rds.acked);
    const pushes = server.metrics.pushes.rds;
    const nacks = server.metrics.nacks.rds;
    await sleep(2000);
    // Parked: no resend of the rejected version (no new RDS response, no second NACK).
    expect(server.metrics.pushes.rds).toBe(pushes);
    expect(server.metrics.nacks.rds).toBe(nacks);
    // Envoy keeps the last good route table.
    const v2 = await rig.share('/', 'reviews-v2');
    expectShare(v2, 0.8);
    expect(await rig.who('/v3')).toBe('reviews-v3');

    source.set(mesh.snapshot({ weights: { v1: 50, v2: 50 }, withV3: true }));
    await waitConverged();
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.5);
  });

  it('a restarted Envoy gets the current config', async () => {
    await envoy.stop();
    envoy = await startEnvoy(bootstrapFile);
    await waitConverged();
    await waitFor('the listener to serve again', async () => (await rig.who('/')).startsWith('reviews-'));
    // The proxy's status may still be the stopped Envoy's: ask the new one which route table it
    // holds (its config dump names the table's resource hash) before measuring where it routes.
    const tables = source.current()!.snapshot.views.flatMap((v) => v.resources.rds.map((e) => e.hash));
    await waitFor('the restarted Envoy to hold the current route table', async () => {
      const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
      return mode === 'delta' ? tables.some((h) => dump.includes(h)) || undefined : dump.includes('reviews') || undefined;
    });
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.5);
    expect(await rig.who('/v3')).toBe('reviews-v3');
    expect((await api.inject({ method: 'GET', url: '/api/proxies' })).json().filter((p: ProxyStatus) => p.node === nodeId)).toHaveLength(1);
  });

  it('keeps routing while the server is down and resyncs when it is back on the same port', async () => {
    const port = server.port;
    const load = startSteadyLoad(rig.url('/'), rig.headers());
    await server.close(500);
    await api.close();
    await sleep(1500);
    await startServer(port);
    await waitConverged();
    const seen = await load.stop();
    expect(seen.failures).toEqual([]);
    expect(seen.ok).toBeGreaterThan(20);
    // The proxy follows the restarted server: a new split reaches it.
    source.set(mesh.snapshot({ weights: { v1: 90, v2: 10 }, withV3: true }));
    await waitConverged();
    const v1 = await rig.share('/', 'reviews-v1');
    expectShare(v1, 0.9);
  });
});
