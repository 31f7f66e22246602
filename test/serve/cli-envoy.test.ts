// `meshlog serve` as a real process, with real Envoys (SotW and Delta) bootstrapped by
// `meshlog bootstrap`, watched through `meshlog status`. Traffic-level end-to-end tests
// live in test/e2e; this proves the plain commands work together.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { command as bootstrap } from '../../src/cli/commands/bootstrap.ts';
import { command as status } from '../../src/cli/commands/status.ts';
import type { CliIo } from '../../src/cli/command.ts';
import type { ServerState } from '../../src/api/server-state.ts';
import type { ProxyStatus } from '../../src/serve/proxy-status.ts';
import { startEnvoy, validateConfig, type EnvoyProcess } from '../support/envoy-process.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

function capture(): { io: CliIo; out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    io: { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd: ROOT, env: {} },
    out: () => out,
    err: () => err,
  };
}

async function until<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what} ${last ? String(last) : ''}`);
}

describe('meshlog serve + bootstrap + status with real Envoy', () => {
  let dir: string;
  let serve: ChildProcess;
  let serveOut = '';
  let serveExit: Promise<number | null>;
  let xdsPort = 0;
  let httpUrl = '';
  const envoys: EnvoyProcess[] = [];

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-serve-'));
    fs.cpSync(path.join(ROOT, 'config-repo-template'), dir, { recursive: true });
    serve = spawn(process.execPath, [path.join(ROOT, 'bin/meshlog.js'), 'serve', '--config', dir, '--xds', '127.0.0.1:0', '--http', '127.0.0.1:0', '--replica', 'r1'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    serveExit = new Promise((resolve) => serve.once('exit', (code) => resolve(code)));
    serve.stdout!.on('data', (d: Buffer) => (serveOut += d.toString()));
    serve.stderr!.resume();
    await until('serve to listen', async () => (/serving generation/.test(serveOut) ? true : undefined));
    xdsPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(serveOut)![1]);
    httpUrl = /HTTP listening on (\S+)/.exec(serveOut)![1]!;
  }, 60_000);

  afterAll(async () => {
    for (const e of envoys) await e.stop();
    if (serve.exitCode === null) {
      serve.kill('SIGKILL');
      await serveExit;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  async function proxies(): Promise<ProxyStatus[]> {
    return (await (await fetch(`${httpUrl}/api/proxies`)).json()) as ProxyStatus[];
  }

  const synced = (p: ProxyStatus | undefined): boolean =>
    !!p && (['cds', 'eds', 'lds', 'rds'] as const).every((t) => p.types[t].sent !== null && p.types[t].acked === p.types[t].sent && !p.types[t].nack);

  it('Envoy (SotW and Delta) bootstrapped by meshlog bootstrap syncs and ACKs every type', async () => {
    for (const [id, flags] of [
      ['sidecar-sotw', ['--namespace', 'bookinfo']],
      ['gateway-delta', ['--labels', 'istio=ingressgateway', '--delta']],
    ] as const) {
      const c = capture();
      expect(await bootstrap.run(['--server', `127.0.0.1:${xdsPort}`, '--node-id', id, ...flags], c.io)).toBe(0);
      const file = path.join(dir, `.${id}.yaml`);
      fs.writeFileSync(file, c.out());
      const valid = validateConfig(file);
      expect(valid.ok, valid.output).toBe(true);
      envoys.push(await startEnvoy(file));
    }
    const list = await until('both proxies synced', async () => {
      const l = await proxies();
      return l.length === 2 && l.every(synced) ? l : undefined;
    });
    expect(list.map((p) => [p.node, p.view, p.replica])).toEqual([
      ['gateway-delta', 'gateway~bookinfo~bookinfo-gateway', 'r1'],
      ['sidecar-sotw', 'sidecar~bookinfo', 'r1'],
    ]);
  }, 60_000);

  it('a valid change in the folder reaches both proxies; an invalid one reaches none', async () => {
    const gen0 = ((await (await fetch(`${httpUrl}/readyz`)).json()) as { generation: number }).generation;
    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');
    fs.writeFileSync(reviews, text.replace('weight: 90', 'weight: 40').replace('weight: 10', 'weight: 60'));
    const gen1 = await until('new generation', async () => {
      const g = ((await (await fetch(`${httpUrl}/readyz`)).json()) as { generation: number }).generation;
      return g > gen0 ? g : undefined;
    });
    await until('sidecar ACKs the new routes', async () => {
      const p = (await proxies()).find((x) => x.node === 'sidecar-sotw');
      return p && p.types.rds.acked?.startsWith(`${gen1}-`) && synced(p) ? true : undefined;
    });

    fs.writeFileSync(reviews, text.replace('weight: 90', 'weight: -1'));
    await new Promise((r) => setTimeout(r, 1500));
    const after = (await (await fetch(`${httpUrl}/readyz`)).json()) as { generation: number };
    expect(after.generation).toBe(gen1);
    expect((await proxies()).every(synced)).toBe(true);
  }, 60_000);

  it('meshlog status prints the proxies (table and json), says the latest config was refused (exit 1), and exits 3 when the server is unreachable', async () => {
    // The previous test left the folder invalid: proxies run the snapshot served, which is not the latest config.
    const t = capture();
    expect(await status.run(['--server', httpUrl], t.io)).toBe(1);
    expect(t.out()).toMatch(/^Server r1: serving generation \d+ \(content [0-9a-f]{12}\) since \S+\nLatest config: REFUSED at \S+: 1 validation error\(s\); proxies keep the snapshot above\n {2}routing\/reviews\.yaml:\d+:\d+: error ML3003: weight -1/);
    expect(t.out()).toMatch(/\n\nNODE\s+VIEW\s+REPLICA\s+SYNCED\s+CDS\s+EDS\s+LDS\s+RDS/);
    // Both Envoys ACKed everything they were sent (the earlier tests waited for it).
    expect(t.out()).toMatch(/\nsidecar-sotw\s+sidecar~bookinfo\s+r1\s+yes\s/);
    expect(t.out()).toMatch(/\ngateway-delta\s+\S+\s+r1\s+yes\s/);
    const j = capture();
    expect(await status.run(['-o', 'json'], { ...j.io, env: { MESHLOG_SERVER: httpUrl } })).toBe(1);
    const parsed = JSON.parse(j.out()) as { server: ServerState; proxies: ProxyStatus[] };
    expect(parsed.proxies.map((p) => p.node)).toEqual(['gateway-delta', 'sidecar-sotw']);
    expect(Object.keys(parsed.proxies[0]!.types)).toEqual(['cds', 'eds', 'lds', 'rds']);
    expect(parsed.server).toMatchObject({ replica: 'r1', rejected: { reason: '1 validation error(s)', errors: 1 } });
    // The sidecar runs the served snapshot: its routes (which the last valid change touched) carry its generation.
    expect(parsed.proxies[1]!.types.rds.acked).toMatch(new RegExp(`^${parsed.server.snapshot!.generation}-`));

    // Fixed: the latest config is valid again, and served.
    const reviews = path.join(dir, 'routing/reviews.yaml');
    fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace('weight: -1', 'weight: 40'));
    const ok = await until('the fix to be served', async () => {
      const c = capture();
      return (await status.run(['--server', httpUrl], c.io)) === 0 ? c.out() : undefined;
    });
    expect(ok).toContain('\nLatest config: served\n');

    const down = capture();
    expect(await status.run(['--server', 'http://127.0.0.1:1'], down.io)).toBe(3);
    expect(down.err()).toContain('cannot reach meshlog');
  });

  it('stops gracefully on SIGTERM', async () => {
    serve.kill('SIGTERM');
    const code = await Promise.race([serveExit, new Promise((r) => setTimeout(() => r('timeout'), 10_000))]);
    expect(code).toBe(0);
    expect(serveOut).toContain('shutting down');
  }, 15_000);
});
