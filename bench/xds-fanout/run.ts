// xDS fan-out benchmark harness. Opens N ADS streams from simulated Envoys in separate
// worker processes against ANY ADS server (meshlog, or go-control-plane's peer), measures
// the initial sync, then runs a trigger command (a config change) and measures the time
// until the last stream ACKed the expected types, with the server's CPU and RSS from /proc.
//
//   node bench/xds-fanout/run.ts --addr 127.0.0.1:18000 --streams 1000 --mode delta \
//     --trigger 'node bench/xds-fanout/change.ts /tmp/mesh route' --expect rds --repeat 3 \
//     --server-pid $PID [--workers 2] [--per-conn 100] [--batch 1000] [--timeout 120] [--json]
//     [--vhds]   (Delta: opt in to VHDS; a one-route change is then `--expect vhds`)
//
// See bench/xds-fanout/README.md for the scenarios and the side-by-side run with xds-load.
import { fork, spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { XDS_TYPES } from '../../src/snapshot/types.ts';
import { cpuSeconds, rssBytes, waitIdle } from './proc-stat.ts';
import { HARNESS_TYPES, type HarnessType } from './resource-decoder.ts';
import type { FromWorker, PhaseCounters, ToWorker } from './worker.ts';

const { values: args } = parseArgs({
  options: {
    addr: { type: 'string', default: '127.0.0.1:18000' },
    streams: { type: 'string', default: '100' },
    mode: { type: 'string', default: 'sotw' },
    workers: { type: 'string', default: '2' },
    'per-conn': { type: 'string', default: '100' },
    batch: { type: 'string' },
    trigger: { type: 'string' },
    expect: { type: 'string', default: 'cds,eds,lds,rds' },
    repeat: { type: 'string', default: '1' },
    'server-pid': { type: 'string' },
    // Optional: the server's GET /stats (serve-memory.ts or the peer), for live memory after GC.
    stats: { type: 'string' },
    settle: { type: 'string', default: '500' },
    timeout: { type: 'string', default: '120' },
    json: { type: 'boolean', default: false },
    vhds: { type: 'boolean', default: false },
  },
});

const streams = Number(args.streams);
const mode = args.mode === 'delta' ? 'delta' : 'sotw';
const workerCount = Math.max(1, Math.min(Number(args.workers), streams));
const batch = args.batch ? Number(args.batch) : streams;
const vhds = args.vhds && mode === 'delta';
const expect = args.expect.split(',').filter((t): t is HarnessType => (HARNESS_TYPES as readonly string[]).includes(t));
/** What a synced stream holds: the four types, plus its virtual hosts with VHDS. */
const synced: readonly HarnessType[] = vhds ? [...XDS_TYPES, 'vhds'] : XDS_TYPES;
const repeat = args.trigger ? Number(args.repeat) : 0;
const serverPid = args['server-pid'] ? Number(args['server-pid']) : undefined;
// Seconds, with or without an 's' (xds-load's flags take Go durations like 900s).
const timeoutMs = Number(args.timeout.replace(/s$/, '')) * 1000;
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const now = (): number => performance.timeOrigin + performance.now();

interface Worker {
  readonly child: ChildProcess;
  readonly inbox: FromWorker[];
  wake?: () => void;
}

let failure: string | undefined;

function startWorker(): Worker {
  const child = fork(path.join(import.meta.dirname, 'worker.ts'), [args.addr, mode, args['per-conn'], vhds ? '1' : '0'], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const w: Worker = { child, inbox: [] };
  child.on('message', (m: FromWorker) => {
    if (m.op === 'error') failure ??= m.message;
    else w.inbox.push(m);
    w.wake?.();
  });
  child.on('exit', (code) => {
    if (code !== 0) failure ??= `worker exited with ${code}`;
    w.wake?.();
  });
  return w;
}

/** Next message of `op` from w, bounded by the deadline; a worker error fails the run. */
async function next<T extends FromWorker['op']>(w: Worker, op: T, deadline: number): Promise<Extract<FromWorker, { op: T }>> {
  for (;;) {
    if (failure) throw new Error(failure);
    const i = w.inbox.findIndex((m) => m.op === op);
    if (i >= 0) return w.inbox.splice(i, 1)[0] as Extract<FromWorker, { op: T }>;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${op}`);
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, left);
      w.wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }
}

const workers = Array.from({ length: workerCount }, startWorker);
const tell = (m: ToWorker): void => workers.forEach((w) => w.child.send(m));

async function phase(need: readonly HarnessType[]): Promise<void> {
  tell({ op: 'phase', need: [...need] });
  const deadline = Date.now() + timeoutMs;
  for (const w of workers) await next(w, 'phase-ok', deadline);
}

let seq = 0;
async function waitAll(): Promise<PhaseCounters[]> {
  seq++;
  tell({ op: 'wait', seq });
  const deadline = Date.now() + timeoutMs;
  const out: PhaseCounters[] = [];
  for (const w of workers) out.push(await next(w, 'done', deadline));
  return out;
}

function sum(cs: PhaseCounters[]): { bytes: number; responses: Record<HarnessType, number>; resources: number; last: number } {
  const responses = { cds: 0, eds: 0, lds: 0, rds: 0, vhds: 0 };
  for (const c of cs) for (const t of HARNESS_TYPES) responses[t] += c.responses[t];
  return {
    bytes: cs.reduce((a, c) => a + c.bytes, 0),
    resources: cs.reduce((a, c) => a + c.resources, 0),
    last: Math.max(...cs.map((c) => c.last)),
    responses,
  };
}

async function settle(): Promise<void> {
  await new Promise((r) => setTimeout(r, Number(args.settle)));
  if (serverPid) await waitIdle(serverPid);
}

function runTrigger(command: string): Promise<number> {
  const start = now();
  return new Promise((resolve, reject) => {
    const p = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    p.on('exit', (code) => (code === 0 ? resolve(now() - start) : reject(new Error(`trigger exited with ${code}`))));
  });
}

/** Live bytes the server reports holding (after GC): ours `live_bytes`, the peer's Go heap. */
async function liveBytes(): Promise<number | undefined> {
  if (!args.stats) return undefined;
  try {
    const j = (await (await fetch(args.stats)).json()) as { live_bytes?: number; go_heap_live_bytes?: number };
    return j.live_bytes ?? j.go_heap_live_bytes;
  } catch {
    return undefined;
  }
}

async function main(): Promise<Record<string, unknown>> {
  const result: Record<string, unknown> = { addr: args.addr, streams, mode, vhds, workers: workerCount, batch, expect, cpu: os.cpus()[0]?.model, cores: os.cpus().length };
  if (serverPid) result.server_rss_before_bytes = rssBytes(serverPid);
  const liveBefore = await liveBytes();

  await phase(synced);
  const t0 = now();
  let opened = 0;
  let initial: ReturnType<typeof sum> | undefined;
  while (opened < streams) {
    const count = Math.min(batch, streams - opened);
    // Spread the batch over the workers (stream ids stay global: node-<i>).
    for (let k = 0; k < workerCount; k++) {
      const share = Math.floor(count / workerCount) + (k < count % workerCount ? 1 : 0);
      if (share > 0) workers[k]!.child.send({ op: 'open', from: opened, count: share } satisfies ToWorker);
      opened += share;
    }
    initial = sum(await waitAll());
    log(`synced ${opened}/${streams} streams after ${((now() - t0) / 1000).toFixed(1)} s`);
  }
  result.initial_sync_ms = Math.round(initial!.last - t0);
  result.initial_bytes_per_stream = Math.round(initial!.bytes / streams);
  await settle();
  if (serverPid) {
    const synced = rssBytes(serverPid);
    result.server_rss_synced_bytes = synced;
    const before = result.server_rss_before_bytes as number | undefined;
    if (synced !== undefined && before !== undefined) result.server_rss_per_stream_bytes = Math.round((synced - before) / streams);
  }
  const liveSynced = await liveBytes();
  if (liveBefore !== undefined && liveSynced !== undefined) {
    result.server_live_before_bytes = liveBefore;
    result.server_live_synced_bytes = liveSynced;
    result.server_live_per_stream_bytes = Math.round((liveSynced - liveBefore) / streams);
  }

  const changes: Record<string, unknown>[] = [];
  for (let k = 0; k < repeat; k++) {
    await phase(expect);
    const cpu0 = serverPid ? cpuSeconds(serverPid) : undefined;
    const start = now();
    const triggerMs = await runTrigger(args.trigger!);
    const done = sum(await waitAll());
    const cpu1 = serverPid ? cpuSeconds(serverPid) : undefined;
    const change = {
      converge_ms: Math.round(done.last - start),
      trigger_ms: Math.round(triggerMs),
      bytes_per_stream: Math.round(done.bytes / streams),
      responses: done.responses,
      server_cpu_s: cpu0 !== undefined && cpu1 !== undefined ? Number((cpu1 - cpu0).toFixed(2)) : undefined,
    };
    changes.push(change);
    log(`change ${k + 1}: converged in ${change.converge_ms} ms, ${change.bytes_per_stream} B/stream, responses ${JSON.stringify(done.responses)}`);
    await settle();
  }
  result.changes = changes;
  if (serverPid) result.server_rss_end_bytes = rssBytes(serverPid);
  return result;
}

let exitCode = 0;
try {
  const r = await main();
  if (args.json) process.stdout.write(`${JSON.stringify(r)}\n`);
  else log(JSON.stringify(r, null, 2));
} catch (err) {
  exitCode = 1;
  log(`run failed: ${(err as Error).message}`);
  if (args.json) process.stdout.write(`${JSON.stringify({ error: (err as Error).message })}\n`);
} finally {
  tell({ op: 'stop' });
  // Bounded: a worker that has not exited 3 s after 'stop' is killed.
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline && workers.some((w) => w.child.exitCode === null)) await new Promise((r) => setTimeout(r, 50));
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
}
process.exit(exitCode);
