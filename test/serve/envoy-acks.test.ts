// Real Envoy over SotW: meshlog_xds_acks_total counts each response the proxy accepted once.
// When a new listener names a route table the proxy's view already holds, Envoy asks for the
// longer RDS name list repeating the nonce and version it ACKed last; that request ACKs
// nothing new. So ACKs never outnumber the responses sent.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { XDS_TYPES } from '../../src/snapshot/types.ts';
import { startEnvoy, type EnvoyProcess } from '../support/envoy-process.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { basicResources, listener, makeSnapshot, routeConfig, type ResourceSpec } from './support/snapshots.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** Two route tables no listener uses yet, besides the basic set (listeners on port 0). */
const snap = (extra: ResourceSpec[] = []) =>
  makeSnapshot([
    {
      name: 'sidecar',
      resources: [...basicResources({ port: 0 }), routeConfig('spare_1', 'outbound|9080||reviews'), routeConfig('spare_2', 'outbound|9080||ratings'), ...extra],
    },
  ]);

describe('real Envoy, SotW: ACK counts', () => {
  it('a request that only adds route names (same nonce, same version) is no second ACK', async () => {
    const source = new MemorySnapshotSource(snap(), 1);
    const server: XdsServer = await startXdsServer({ source, port: 0, logger: silentLogger });
    cleanups.push(() => server.close(500));
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-acks-')), 'envoy.json');
    fs.writeFileSync(file, JSON.stringify(adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'e', cluster: 'c', delta: false, adminPort: 0 })));
    const envoy: EnvoyProcess = await startEnvoy(file);
    cleanups.push(() => envoy.stop());

    const gen = (): number => source.current()!.generation;
    /** Envoy ACKed every type at the current generation, or the type was not sent again. */
    const inSync = async (): Promise<void> => {
      await waitFor(`Envoy in sync with generation ${gen()}`, () => {
        const p = server.status.list()[0];
        return p !== undefined && XDS_TYPES.every((t) => p.types[t].sent !== null && p.types[t].acked === p.types[t].sent) && p.types.lds.acked!.startsWith(`${gen()}-`);
      });
      // The requests Envoy sends for the new listener's route name follow its LDS ACK.
      await waitFor('Envoy to use every route table', async () => {
        const dump = await (await fetch(`${envoy.adminUrl}/config_dump?resource=dynamic_route_configs`)).text();
        return (dump.match(/"route_config":/g) ?? []).length === 1 + (gen() - 1);
      });
    };
    await inSync();

    // New listeners for route tables the view already has: RDS content does not change, only
    // the names Envoy asks for.
    source.set(snap([listener('spare_1_listener', 0, 'spare_1')]));
    await inSync();
    source.set(snap([listener('spare_1_listener', 0, 'spare_1'), listener('spare_2_listener', 0, 'spare_2')]));
    await inSync();
    const p = server.status.list()[0]!;
    expect(p.types.rds.nack).toBeNull();
    expect(server.metrics.nacks.rds).toBe(0);
    // Each response is ACKed once (an ACK of one superseded meanwhile would be stale, not counted).
    expect(server.metrics.acks.rds).toBeGreaterThanOrEqual(3);
    expect(server.metrics.acks.rds).toBeLessThanOrEqual(server.metrics.pushes.rds);
  }, 40_000);
});
