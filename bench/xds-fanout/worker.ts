// A load worker: one child process running many simulated Envoys (run.ts forks several, so
// clients are separate processes, as separate Envoys would be). It tracks, per phase, which
// xDS types each of its streams has ACKed, and tells the parent when all of them have the
// types the phase needs. Messages (IPC):
//   parent → worker: {op:'phase', need}   {op:'open', from, count}   {op:'wait', seq}   {op:'stop'}
//   worker → parent: {op:'phase-ok'}   {op:'done', seq, ...counters}   {op:'error', message}
import * as grpc from '@grpc/grpc-js';
import { ResourceDecoder, type HarnessType } from './resource-decoder.ts';
import { SimulatedEnvoy, type Mode } from './simulated-envoy.ts';

export type ToWorker =
  | { op: 'phase'; need: HarnessType[] }
  | { op: 'open'; from: number; count: number }
  | { op: 'wait'; seq: number }
  | { op: 'stop' };

export interface PhaseCounters {
  /** Epoch ms (sub-ms precision) of the ACK that completed the phase for the last stream. */
  last: number;
  bytes: number;
  responses: Record<HarnessType, number>;
  resources: number;
  decoded: number;
  cpuMs: number;
  rss: number;
}

export type FromWorker = { op: 'phase-ok' } | ({ op: 'done'; seq: number } & PhaseCounters) | { op: 'error'; message: string };

const BIT: Record<HarnessType, number> = { cds: 1, eds: 2, lds: 4, rds: 8, vhds: 16 };
const now = (): number => performance.timeOrigin + performance.now();

const [addr = '', mode = 'sotw', perConnArg = '100', vhdsArg = '0'] = process.argv.slice(2);
const vhds = vhdsArg === '1';
const streamsPerConn = Math.max(1, Number(perConnArg));
const decoder = new ResourceDecoder();
const envoys: SimulatedEnvoy[] = [];
const clients: grpc.Client[] = [];
const got: number[] = [];

let need = 0;
let pending = 0;
let last = 0;
let bytes = 0;
let resources = 0;
let responses: Record<HarnessType, number> = { cds: 0, eds: 0, lds: 0, rds: 0, vhds: 0 };
let waiting: number | undefined;
let failed = false;

function send(m: FromWorker): void {
  process.send?.(m);
}

function finishIfDone(): void {
  if (waiting === undefined || pending > 0) return;
  const cpu = process.cpuUsage();
  send({ op: 'done', seq: waiting, last, bytes, responses, resources, decoded: decoder.decodedCount, cpuMs: (cpu.user + cpu.system) / 1000, rss: process.memoryUsage.rss() });
  waiting = undefined;
}

const events = {
  received(_stream: number, type: HarnessType, size: number, count: number): void {
    bytes += size;
    responses[type]++;
    resources += count;
  },
  acked(stream: number, type: HarnessType): void {
    const before = got[stream] ?? 0;
    const after = before | BIT[type];
    got[stream] = after;
    if ((before & need) !== need && (after & need) === need) {
      pending--;
      last = now();
      finishIfDone();
    }
  },
  failed(stream: number, error: Error): void {
    if (failed) return;
    failed = true;
    send({ op: 'error', message: `stream ${stream}: ${error.message}` });
  },
};

function client(): grpc.Client {
  const window = 256 * 1024 * 1024;
  return new grpc.Client(addr, grpc.credentials.createInsecure(), {
    // Its own connection per client, not one shared by the whole process.
    'grpc.use_local_subchannel_pool': 1,
    'grpc.max_receive_message_length': -1,
    'grpc.max_send_message_length': -1,
    // Large windows and session memory: flow control must never be what slows the server.
    'grpc-node.flow_control_window': window,
    'grpc-node.max_session_memory': 4096,
  });
}

function open(from: number, count: number): void {
  for (let i = from; i < from + count; i++) {
    const local = envoys.length;
    if (local % streamsPerConn === 0) clients.push(client());
    const c = clients[clients.length - 1]!;
    const envoy = new SimulatedEnvoy(c, i, mode as Mode, decoder, {
      received: (_s, t, b, n) => events.received(local, t, b, n),
      acked: (_s, t) => events.acked(local, t),
      failed: (s, e) => events.failed(s, e),
    }, vhds);
    envoys.push(envoy);
    got.push(0);
    pending++;
    envoy.start();
  }
}

process.on('message', (m: ToWorker) => {
  if (m.op === 'phase') {
    need = m.need.reduce((acc, t) => acc | BIT[t], 0);
    got.fill(0);
    pending = need === 0 ? 0 : got.length;
    bytes = 0;
    resources = 0;
    responses = { cds: 0, eds: 0, lds: 0, rds: 0, vhds: 0 };
    send({ op: 'phase-ok' });
  } else if (m.op === 'open') {
    open(m.from, m.count);
  } else if (m.op === 'wait') {
    waiting = m.seq;
    finishIfDone();
  } else {
    for (const e of envoys) e.close();
    for (const c of clients) c.close();
    process.exit(0);
  }
});

