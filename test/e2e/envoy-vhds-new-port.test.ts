// A VHDS proxy (Delta ADS, node metadata `meshlog.dev/vhds: "true"`) whose mesh gains a
// service port after its first sync: the new listener's route table arrives over RDS and its
// virtual hosts over VHDS. Envoy files VirtualHosts under the table named by their `<table>/`
// prefix, and only once it holds that table: hosts that arrive earlier are dropped. So the
// new port must route (200), not stay warming and then 404 with an empty table. And the same
// after a restart of the server, when Envoy reconnects reporting what it holds, and for a
// table Envoy rejected and then took in a fixed version.
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../src/api/app.ts';
import { formatDiagnostic } from '../../src/core/diagnostics.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import type { Snapshot } from '../../src/snapshot/types.ts';
import { messageType } from '../../src/envoy/proto-root.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';
import { rawResource, withResource } from './support/hand-snapshot.ts';
import { proxyStatus } from './support/reviews-rig.ts';
import { freePort, sleep, waitFor } from './support/wait.ts';
import { compileYaml } from '../support/compile-yaml.ts';

const nodeId = 'e2e-vhds-ports';
const SERVICES = ['reviews', 'ratings', 'details', 'productpage'] as const;
type Service = (typeof SERVICES)[number];
const host = (s: Service): string => `${s}.e2e.svc.cluster.local`;

/** A ServiceEntry per service, each on its own port (its own listener and route table). */
function meshSnapshot(services: readonly Service[], ports: Partial<Record<Service, number>>, upstreams: Upstreams): Snapshot {
  const yaml = [
    `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  listeners:
    bindAddress: 127.0.0.1
`,
    ...services.map(
      (s) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${s}, namespace: e2e}
spec:
  hosts: [${host(s)}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: ${ports[s]!}, name: http, protocol: HTTP}
  endpoints:
  - {address: 127.0.0.1, ports: {http: ${upstreams.port(s)}}}
`,
    ),
  ].join('---\n');
  const result = compileYaml(yaml, 'mesh');
  if (!result.valid || !result.snapshot) throw new Error(`mesh does not compile:\n${result.diagnostics.map((d) => formatDiagnostic(d)).join('\n')}`);
  return result.snapshot;
}

/**
 * `snapshot` with the route table of `port` in `view` made one Envoy rejects (it may not remove
 * `:status`). The field is appended to the compiled bytes (protobuf merges concatenated
 * messages), so the table's virtual hosts keep their bytes, and with them their versions.
 */
function withRejectedTable(snapshot: Snapshot, view: string, port: number): Snapshot {
  const type = messageType('envoy.config.route.v3.RouteConfiguration');
  const entry = snapshot.views.find((v) => v.name === view)!.resources.rds.find((e) => e.name === String(port))!;
  const extra = type.encode(type.fromObject({ response_headers_to_remove: [':status'] })).finish();
  const bytes = Buffer.concat([snapshot.resources.get(entry.hash)!.bytes, extra]);
  return withResource(snapshot, rawResource('rds', entry.name, bytes));
}

describe('Envoy over VHDS: a port added after the first sync', () => {
  let upstreams: Upstreams;
  /** Each service's port, taken when the service is added (a port held free for long may be taken). */
  const ports: Partial<Record<Service, number>> = {};
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let api: FastifyInstance;
  let envoy: EnvoyProcess;

  async function snapshot(services: readonly Service[]): Promise<Snapshot> {
    for (const s of services) ports[s] ??= await freePort();
    return meshSnapshot(services, ports, upstreams);
  }

  /** Which upstream answered a request for `s` through its port on Envoy (`status:<code>` when none). */
  async function through(s: Service): Promise<string> {
    const res = await request(`http://127.0.0.1:${ports[s]!}/`, { headers: { host: host(s) }, timeoutMs: 5000 }).catch((err: Error) => ({ status: 0, body: err.message }));
    return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
  }

  /**
   * Until Envoy routes `s` to its upstream. The wait outlasts Envoy's 15 s initial fetch
   * timeout: a new listener whose hosts never come goes active with an empty table then, and
   * answers 404, which is what this fails with, not a slow success.
   */
  async function routes(s: Service): Promise<void> {
    let last = '';
    await waitFor(`Envoy to route ${host(s)} on port ${ports[s]!}`, async () => (last = await through(s)) === s, 30_000, 200).catch(async (err: Error) => {
      const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
      throw new Error(`${err.message}; last answer ${last}; Envoy's route tables: ${dump.slice(0, 3000)}`);
    });
  }

  /** Until Envoy ACKed every type of the active snapshot (what `meshlog status` calls synced). */
  async function synced(): Promise<ProxyStatus> {
    const active = source.current()!;
    return waitFor(`${nodeId} to ACK generation ${active.generation}`, async () => {
      const p = await proxyStatus(api, nodeId);
      const view = active.snapshot.views.find((v) => v.name === p?.view);
      const ok = view && (['cds', 'lds', 'rds'] as const).every((t) => p!.types[t].acked === `${active.generation}-${view.typeHashes[t].slice(0, 8)}`);
      return ok ? p : undefined;
    }, 30_000);
  }

  async function startServer(port = 0): Promise<void> {
    server = await startXdsServer({ source, port, logger: silentLogger });
    api = buildApiApp({ source, status: server.status, metrics: server.metrics });
  }

  beforeAll(async () => {
    upstreams = await startUpstreams(SERVICES);
    source = new MemorySnapshotSource(await snapshot(['reviews']));
    await startServer();
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId, cluster: 'meshlog', namespace: 'e2e', delta: true, vhds: true, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap), { logLevel: process.env.MESHLOG_E2E_ENVOY_LOG ?? 'warning' });
  });

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await api?.close();
    await upstreams?.close();
  });

  it('routes the first port, then a port added later (its hosts follow its route table)', async () => {
    await routes('reviews');
    await synced();
    source.set(await snapshot(['reviews', 'ratings']));
    await routes('ratings');
    const p = await synced();
    expect(p.types.rds.nack).toBeNull();
    expect(await through('reviews')).toBe('reviews');
    // Envoy holds the new table with its host, as the listener needs it.
    const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
    expect(dump).toContain(`${ports.ratings!}/${host('ratings')}:${ports.ratings!}`);
  }, 90_000);

  it('after a server restart, the reconnected proxy keeps both ports and takes a port added then', async () => {
    const port = server.port;
    await server.close(500);
    await api.close();
    await sleep(500);
    await startServer(port);
    await synced();
    expect(await through('reviews')).toBe('reviews');
    expect(await through('ratings')).toBe('ratings');
    source.set(await snapshot(['reviews', 'ratings', 'details']));
    await routes('details');
    await synced();
    expect(await through('ratings')).toBe('ratings');
  }, 90_000);

  it('a table Envoy rejected, then fixed: its hosts come with the fixed table', async () => {
    const all = ['reviews', 'ratings', 'details', 'productpage'] as const;
    const { view } = (await proxyStatus(api, nodeId))!;
    source.set(withRejectedTable(await snapshot(all), view!, ports.productpage!));
    const nack = await waitFor('the rejected route table in status', async () => (await proxyStatus(api, nodeId))?.types.rds.nack ?? undefined, 30_000);
    expect(nack.message).toMatch(/may not be removed/);
    // The fixed table: Envoy takes it now, and only now watches its hosts.
    source.set(await snapshot(all));
    await routes('productpage');
    expect(await through('details')).toBe('details');
  }, 90_000);
});
