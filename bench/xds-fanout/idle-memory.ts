// Live server memory per idle stream: starts a fresh `serve-memory.ts --expose-gc` per mode,
// opens N streams with the harness (run.ts: simulated Envoys in worker processes, every
// response decoded and ACKed), waits until the server is idle, and prints
// (live bytes after a full GC, synced − before) / N — the figure the "≤ 30 KB per idle
// stream" target is about. "Live" is heapUsed + external after gc(): it includes the shared
// responses the streams caused to be built (amortized over N), not garbage.
//
//   node bench/xds-fanout/idle-memory.ts [--streams 1000] [--modes sotw,delta] [--services 1000]
//        [--no-pin]   (default: server on CPU 0, load on CPU 1, as compare.ts does)
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    streams: { type: 'string', default: '1000' },
    modes: { type: 'string', default: 'sotw,delta' },
    services: { type: 'string', default: '1000' },
    timeout: { type: 'string', default: '600' },
    'no-pin': { type: 'boolean', default: false },
  },
});

const here = import.meta.dirname;
const node = process.execPath;
const pin = (cpu: number, cmd: string[]): string[] => (args['no-pin'] ? cmd : ['taskset', '-c', String(cpu), ...cmd]);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

async function waitHttp(url: string, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`server did not answer ${url} within ${ms} ms`);
}

function runJson(cmd: string[]): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    p.stdout.on('data', (d: Buffer) => (out += d.toString()));
    p.on('exit', (code) => {
      try {
        const last = out.trim().split('\n').pop() ?? '';
        resolve(JSON.parse(last) as Record<string, unknown>);
      } catch {
        reject(new Error(`harness exited with ${code}: ${out.slice(0, 500)}`));
      }
    });
  });
}

async function measure(mode: string): Promise<Record<string, unknown>> {
  const xds = await freePort();
  const http = await freePort();
  const cmd = pin(0, [node, '--expose-gc', path.join(here, 'serve-memory.ts'), '--services', args.services, '--xds', `127.0.0.1:${xds}`, '--http', `127.0.0.1:${http}`]);
  const server = spawn(cmd[0]!, cmd.slice(1), { stdio: ['ignore', 'ignore', 'inherit'] });
  try {
    const stats = `http://127.0.0.1:${http}/stats`;
    await waitHttp(stats, 60_000);
    const r = await runJson(
      pin(1, [node, path.join(here, 'run.ts'), '--addr', `127.0.0.1:${xds}`, '--streams', args.streams, '--mode', mode, '--server-pid', String(server.pid), '--stats', stats, '--timeout', args.timeout, '--json']),
    );
    if (r.error) throw new Error(String(r.error));
    return {
      mode,
      streams: Number(args.streams),
      initial_sync_ms: r.initial_sync_ms,
      live_before_bytes: r.server_live_before_bytes,
      live_synced_bytes: r.server_live_synced_bytes,
      live_per_stream_kb: Number(((r.server_live_per_stream_bytes as number) / 1000).toFixed(1)),
      rss_per_stream_kb: Number(((r.server_rss_per_stream_bytes as number) / 1000).toFixed(1)),
    };
  } finally {
    server.kill('SIGTERM');
    const t = setTimeout(() => server.kill('SIGKILL'), 3000);
    await new Promise((r) => server.once('exit', r));
    clearTimeout(t);
  }
}

for (const mode of args.modes.split(',')) {
  process.stdout.write(`${JSON.stringify(await measure(mode))}\n`);
}
