// The fan-out harness against a real meshlog server process (serve-memory.ts): simulated
// Envoys in worker processes sync, and after a one-route change every stream gets (and
// ACKs) exactly one new RDS response and nothing else; with VHDS, exactly one new
// VirtualHost response and no route table. Small sizes: this guards the harness,
// it does not measure anything.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, waitFor } from '../e2e/support/wait.ts';

const bench = path.resolve(import.meta.dirname, '../../bench/xds-fanout');
const STREAMS = 30;

function run(args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.join(bench, 'run.ts'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('bench/xds-fanout harness', () => {
  let server: ChildProcess;
  let xds = '';
  let http = '';

  beforeAll(async () => {
    xds = `127.0.0.1:${await freePort()}`;
    http = `127.0.0.1:${await freePort()}`;
    server = spawn(process.execPath, ['--expose-gc', path.join(bench, 'serve-memory.ts'), '--services', '20', '--xds', xds, '--http', http], { stdio: 'ignore' });
    await waitFor('serve-memory to answer /stats', () => fetch(`http://${http}/stats`).then((r) => r.ok), 30_000, 200);
  });

  afterAll(async () => {
    if (server && server.exitCode === null) {
      const gone = new Promise((r) => server.once('exit', r));
      server.kill('SIGTERM');
      const t = setTimeout(() => server.kill('SIGKILL'), 3000);
      await gone;
      clearTimeout(t);
    }
  });

  it.each(['sotw', 'delta'] as const)('%s: syncs every stream and measures a one-route change', async (mode) => {
    const res = await run(
      ['--addr', xds, '--streams', String(STREAMS), '--mode', mode, '--server-pid', String(server.pid), '--stats', `http://${http}/stats`,
        '--trigger', `curl -sf -X POST 'http://${http}/change?kind=route'`, '--expect', 'rds', '--repeat', '1', '--timeout', '40', '--json'],
      55_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
      initial_sync_ms: number;
      initial_bytes_per_stream: number;
      server_live_per_stream_bytes?: number;
      changes: { converge_ms: number; bytes_per_stream: number; responses: Record<string, number> }[];
    };
    expect(r.initial_sync_ms).toBeGreaterThan(0);
    // 20 services: 80 clusters and endpoint sets, a listener and a route table reached each stream.
    expect(r.initial_bytes_per_stream).toBeGreaterThan(20_000);
    expect(r.server_live_per_stream_bytes).toBeTypeOf('number');
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]!.responses).toEqual({ cds: 0, eds: 0, lds: 0, rds: STREAMS, vhds: 0 });
    expect(r.changes[0]!.converge_ms).toBeGreaterThan(0);
  });

  it('delta with VHDS: a one-route change reaches every stream as one virtual host, not a route table', async () => {
    const res = await run(
      ['--addr', xds, '--streams', String(STREAMS), '--mode', 'delta', '--vhds', '--server-pid', String(server.pid),
        '--trigger', `curl -sf -X POST 'http://${http}/change?kind=route'`, '--expect', 'vhds', '--repeat', '1', '--timeout', '40', '--json'],
      55_000,
    );
    expect(res.code, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout.trim().split('\n').pop()!) as {
      changes: { converge_ms: number; bytes_per_stream: number; responses: Record<string, number> }[];
    };
    expect(r.changes).toHaveLength(1);
    expect(r.changes[0]!.responses).toEqual({ cds: 0, eds: 0, lds: 0, rds: 0, vhds: STREAMS });
    // One virtual host of a 20-service table: far less than the table itself.
    expect(r.changes[0]!.bytes_per_stream).toBeLessThan(2_000);
  });
});
