// meshlog's xDS server over an in-memory snapshot of the peer-shaped mesh, for measuring the
// server's fan-out alone (no compile in the loop). Mirrors the shared peer's HTTP interface so
// the same triggers drive both:  POST /change?kind=full|route,  GET /stats.
//
//   node bench/xds-fanout/serve-memory.ts [--services 1000] [--xds 127.0.0.1:18000]
//        [--http 127.0.0.1:18001] [--streams-per-second 100000]
//        [--profile-changes DIR [--profile-seconds 5]]   (a CPU profile after each change)
//
// The new-stream rate limit defaults high here: the load generators open thousands of streams
// at once and (unlike Envoy) do not retry a refused stream.
import fs from 'node:fs';
import http from 'node:http';
import * as inspector from 'node:inspector/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { silentLogger, stderrLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer } from '../../src/serve/xds-server.ts';
import { newState } from './gen-mesh.ts';
import { PeerMesh } from './peer-mesh.ts';
import { cpuSeconds, rssBytes } from './proc-stat.ts';

const { values: args } = parseArgs({
  options: {
    services: { type: 'string', default: '1000' },
    xds: { type: 'string', default: '127.0.0.1:18000' },
    http: { type: 'string', default: '127.0.0.1:18001' },
    'streams-per-second': { type: 'string', default: '100000' },
    // Writes a CPU profile of the N seconds after each change into DIR (where a change's time goes).
    'profile-changes': { type: 'string' },
    'profile-seconds': { type: 'string', default: '5' },
  },
});

let session: inspector.Session | undefined;
let profiles = 0;
async function profileChange(): Promise<void> {
  const dir = args['profile-changes'];
  if (!dir || session) return;
  session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  setTimeout(async () => {
    const { profile } = await session!.post('Profiler.stop');
    fs.writeFileSync(path.join(dir, `change-${++profiles}.cpuprofile`), JSON.stringify(profile));
    session!.disconnect();
    session = undefined;
  }, Number(args['profile-seconds']) * 1000);
}

function hostPort(s: string): { host: string; port: number } {
  const i = s.lastIndexOf(':');
  return { host: s.slice(0, i), port: Number(s.slice(i + 1)) };
}

const state = newState(Number(args.services));
const mesh = new PeerMesh();
const source = new MemorySnapshotSource(mesh.snapshot(state));
const rate = Number(args['streams-per-second']);
const xds = hostPort(args.xds);
const server = await startXdsServer({ source, ...xds, streamsPerSecond: rate, streamBurst: rate, logger: { ...silentLogger, error: stderrLogger.error } });

const api = http.createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://x');
  if (req.method === 'POST' && url.pathname === '/change') {
    const kind = url.searchParams.get('kind');
    if (kind === 'full') {
      state.full++;
      state.shift = state.shift.map((s) => s + 1);
    } else if (kind === 'route') {
      const i = state.routes % state.services;
      state.shift[i] = (state.shift[i] ?? 0) + 1;
      state.routes++;
    } else {
      res.writeHead(400).end('kind must be full or route\n');
      return;
    }
    // Answered after the new snapshot is active, as the peer answers after SetSnapshot.
    await profileChange();
    const active = source.set(mesh.snapshot(state));
    res.writeHead(200).end(`generation ${active.generation}\n`);
    return;
  }
  if (url.pathname === '/stats') {
    // With --expose-gc, memory is measured after a full collection: what the server holds,
    // not garbage it has not collected yet (the peer's /stats reports its live heap the same way).
    const gc = (globalThis as { gc?: () => void }).gc;
    if (gc) {
      // V8 frees ArrayBuffer memory (most of `external`) on a background sweeper after the
      // collection; reading right after one gc() sometimes still counted tens of MB of
      // request buffers already dead. A second collection after a pause finishes that sweep.
      gc();
      await new Promise((r) => setTimeout(r, 200));
      gc();
    }
    const mem = process.memoryUsage();
    const body = {
      rss: rssBytes(process.pid),
      cpu_s: cpuSeconds(process.pid),
      gc: gc !== undefined,
      heap_used: mem.heapUsed,
      // Buffers (pre-encoded resources, cached responses) live outside the JS heap.
      external: mem.external,
      live_bytes: mem.heapUsed + mem.external,
      streams: server.metrics.streamsOpen,
      generation: source.current()?.generation,
    };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    return;
  }
  res.writeHead(404).end();
});
const h = hostPort(args.http);
await new Promise<void>((resolve) => api.listen(h.port, h.host, resolve));
console.error(`serve-memory: xds ${server.host}:${server.port}, http ${args.http}, ${args.services} services`);

const stop = async (): Promise<void> => {
  api.close();
  await server.close(1000);
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
