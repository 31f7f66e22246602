// gRPC's own xDS client (@grpc/grpc-js-xds) as a second, independent xDS implementation:
// a client with target xds:///echo resolves through meshlog's ADS server and its calls
// follow the weighted split of the served route table.
//
// The snapshot is hand-built. A compiled snapshot, served as is to grpc-js-xds 1.14, fails
// four ways (each checked against the library on 2026-11-23):
//   1. no Listener named after the target authority with an `api_listener` (the compiler
//      emits socket listeners `<addr>_<port>`), so resolution of xds:///<host>:<port> waits;
//   2. its HTTP connection manager lists envoy.filters.http.cors without `is_optional`,
//      and gRPC NACKs the Listener ("envoy.filters.http.cors filter validation failed");
//   3. clusters use lb_policy LEAST_REQUEST (Istio's default), which gRPC rejects ("load_
//      balancing_policy unset and unsupported lb_policy") — ROUND_ROBIN or a
//      load_balancing_policy list ending in round_robin works;
//   4. LocalityLbEndpoints carry no `locality` ("endpoints[0].locality unset") and no locality
//      weight (gRPC ignores unweighted localities).
// The resources below are what gRPC accepts (see envoy-resources.ts apiListener/loadAssignment).
import { spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { apiListener, edsCluster, loadAssignment, routeConfig } from './support/envoy-resources.ts';
import { startEchoServer, type EchoServer } from './support/grpc-echo.ts';
import { handSnapshot } from './support/hand-snapshot.ts';

const CALLS = 1000;

interface ClientResult {
  readonly counts: Record<string, number>;
  readonly errors: number;
  readonly firstError: string;
}

/**
 * Runs the gRPC xDS client in a child process; `whileConnected` runs after its calls, while
 * its ADS stream is still open. The child is always ended (stdin closed, then killed).
 */
async function runClient(port: number, target: string, calls: number, whileConnected?: () => void): Promise<ClientResult> {
  const bootstrap = {
    xds_servers: [{ server_uri: `127.0.0.1:${port}`, channel_creds: [{ type: 'insecure' }], server_features: ['xds_v3'] }],
    node: { id: 'grpc-e2e-client', cluster: 'grpc-clients', metadata: { NAMESPACE: 'default' }, locality: {} },
  };
  const script = path.join(import.meta.dirname, 'support/grpc-xds-client.ts');
  const child = spawn(process.execPath, [script, target, String(calls)], {
    env: { ...process.env, GRPC_XDS_BOOTSTRAP_CONFIG: JSON.stringify(bootstrap), GRPC_XDS_BOOTSTRAP: '' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  try {
    const result = await new Promise<ClientResult>((resolve, reject) => {
      let out = '';
      let err = '';
      const timer = setTimeout(() => reject(new Error(`grpc client timed out: ${err}`)), 50_000);
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        resolve(JSON.parse(out.split('\n')[0]!) as ClientResult);
      });
      child.on('exit', (code) => reject(new Error(`grpc client exited ${code}: ${err}`)));
    });
    whileConnected?.();
    return result;
  } finally {
    child.stdin.end();
    const exited = new Promise((r) => child.once('exit', r));
    const killer = setTimeout(() => child.kill('SIGKILL'), 3000);
    if (child.exitCode === null) await exited;
    clearTimeout(killer);
  }
}

function echoSnapshot(a: EchoServer, b: EchoServer, weightA: number) {
  return handSnapshot({
    lds: [apiListener('echo', 'echo-route')],
    rds: [
      routeConfig('echo-route', [
        {
          name: 'echo',
          domains: ['echo'],
          routes: [{ name: 'split', prefix: '', action: { weighted: [{ cluster: 'echo-a', weight: weightA }, { cluster: 'echo-b', weight: 100 - weightA }] } }],
        },
      ]),
    ],
    cds: [edsCluster('echo-a', { http2: true }), edsCluster('echo-b', { http2: true })],
    eds: [
      loadAssignment('echo-a', [{ address: '127.0.0.1', port: a.port }], 1),
      loadAssignment('echo-b', [{ address: '127.0.0.1', port: b.port }], 1),
    ],
  });
}

describe('gRPC xDS client (grpc-js-xds) against meshlog ADS', () => {
  let a: EchoServer;
  let b: EchoServer;
  let server: XdsServer;
  let source: MemorySnapshotSource;

  beforeAll(async () => {
    a = await startEchoServer('echo-a');
    b = await startEchoServer('echo-b');
    source = new MemorySnapshotSource(echoSnapshot(a, b, 80));
    server = await startXdsServer({ source, port: 0, logger: silentLogger });
  });

  afterAll(async () => {
    await server?.close(1000);
    await a?.close();
    await b?.close();
  });

  it('resolves xds:///echo through the server and splits calls 80/20', async () => {
    const r = await runClient(server.port, 'echo', CALLS);
    expect(r.firstError).toBe('');
    expect(r.errors).toBe(0);
    const share = (r.counts['echo-a'] ?? 0) / CALLS;
    expect(share).toBeGreaterThan(0.75);
    expect(share).toBeLessThan(0.85);
    expect((r.counts['echo-a'] ?? 0) + (r.counts['echo-b'] ?? 0)).toBe(CALLS);
  });

  it('follows a new split after the snapshot changes, and ACKs every type', async () => {
    const next = source.set(echoSnapshot(a, b, 10));
    let status = server.status.list();
    const r = await runClient(server.port, 'echo', CALLS, () => (status = server.status.list()));
    expect(r.errors).toBe(0);
    const share = (r.counts['echo-b'] ?? 0) / CALLS;
    expect(share).toBeGreaterThan(0.85);
    expect(share).toBeLessThan(0.95);
    const proxy = status.find((p) => p.node === 'grpc-e2e-client');
    expect(proxy).toBeDefined();
    // gRPC ACKed every type at the new generation, and NACKed nothing.
    for (const t of ['cds', 'eds', 'lds', 'rds'] as const) {
      expect(proxy!.types[t].acked).toMatch(new RegExp(`^${next.generation}-[0-9a-f]{8}$`));
      expect(proxy!.types[t].nack).toBeNull();
    }
  });
});
