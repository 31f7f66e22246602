// HTTP/2 keepalive on the xDS server, with a real Envoy: a proxy that stops answering (frozen
// with SIGSTOP here; a partitioned or powered-off host alike) leaves /api/proxies and the
// metrics once a keepalive ping goes unanswered, instead of staying "connected" for good.
// Envoy's own keepalive pings (connection_keepalive on its xDS cluster) are answered, not
// refused: a live proxy keeps its one stream. Short intervals, passed as server options; each
// side pings every second but waits 5 s for the answer, so a loaded machine that stalls
// either process for a moment does not cut a live connection, while a frozen proxy still
// goes within ~6 s.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildApiApp } from '../../src/api/app.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startXdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, type EnvoyProcess } from '../support/envoy-process.ts';
import { sleep, waitFor } from '../e2e/support/wait.ts';
import { basicResources, makeSnapshot } from './support/snapshots.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('xDS server keepalive, real Envoy', () => {
  it('drops a frozen proxy from status and metrics; a live one, pinging too, keeps its stream', async () => {
    const source = new MemorySnapshotSource(makeSnapshot([{ name: 'sidecar', resources: basicResources({ port: 0 }) }]), 1);
    const server = await startXdsServer({ source, port: 0, logger: silentLogger, keepaliveTimeMs: 1000, keepaliveTimeoutMs: 5000 });
    cleanups.push(() => server.close(500));
    const api = buildApiApp({ source, status: server.status, metrics: server.metrics });
    cleanups.push(() => api.close());
    const proxies = async (): Promise<ProxyStatus[]> => (await api.inject({ method: 'GET', url: '/api/proxies' })).json() as ProxyStatus[];
    const metric = async (name: string): Promise<string | undefined> =>
      (await api.inject({ method: 'GET', url: '/metrics' })).body.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));

    // Envoy pings the server too, every second, as often as the server pings it.
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'frozen-1', cluster: 'c', delta: false, adminPort: 0 }) as {
      static_resources: { clusters: Record<string, unknown>[] };
    };
    const xdsCluster = bootstrap.static_resources.clusters.find((c) => c.name === 'xds_cluster')!;
    xdsCluster.typed_extension_protocol_options = {
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: { connection_keepalive: { interval: '1s', timeout: '5s' } } },
      },
    };
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-keepalive-')), 'envoy.json');
    fs.writeFileSync(file, JSON.stringify(bootstrap));
    const envoy: EnvoyProcess = await startEnvoy(file);
    let frozen = false;
    cleanups.push(async () => {
      if (frozen) process.kill(envoy.pid, 'SIGCONT');
      await envoy.stop();
    });

    await waitFor('Envoy to ACK its clusters', async () => (await proxies())[0]?.types.cds.acked ?? undefined);
    const connectedAt = (await proxies())[0]!.connectedAt;
    // Several rounds of pings both ways (one a second): still the one stream, never dropped.
    await sleep(4000);
    expect((await proxies()).map((p) => [p.node, p.connectedAt])).toEqual([['frozen-1', connectedAt]]);
    expect(server.metrics.streamsTotal).toBe(1);
    // Envoy's pings were answered in time, and the server never told it off (GOAWAY).
    expect(await envoy.stat('cluster.xds_cluster.http2.keepalive_timeout')).toBe(0);
    expect(await envoy.stat('cluster.xds_cluster.upstream_cx_destroy_remote')).toBe(0);

    process.kill(envoy.pid, 'SIGSTOP');
    frozen = true;
    // The next ping goes unanswered: dropped within 1 s + 5 s.
    await waitFor('the frozen proxy to leave /api/proxies', async () => (await proxies()).length === 0, 30_000);
    expect(await metric('meshlog_xds_proxies')).toBe('meshlog_xds_proxies 0');
    expect(await metric('meshlog_xds_streams')).toBe('meshlog_xds_streams{mode="sotw"} 0');

    // Thawed, it connects again and is back in status.
    process.kill(envoy.pid, 'SIGCONT');
    frozen = false;
    await waitFor('the proxy back in /api/proxies', async () => (await proxies())[0]?.types.cds.acked ?? undefined, 30_000);
  }, 90_000);
});
