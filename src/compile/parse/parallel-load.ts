// Loading a large repository on two threads: the main thread and the load worker
// (load-worker.ts) claim chunks of files from a shared counter, and the main thread turns the
// worker's answers back into loads (load-wire.ts). The result is exactly what loading the
// files one by one gives (load-resources.ts merges either the same way); whenever that could
// differ — the repository's document budget runs out, a MeshConfig's default namespace was
// guessed wrong — the affected files are loaded again on the main thread, or the caller
// falls back to loading everything in order.
//
// compile() is synchronous, so the main thread waits for the worker with Atomics.wait and
// takes its messages with receiveMessageOnPort, never returning to its event loop.
import { MessageChannel, receiveMessageOnPort, Worker } from 'node:worker_threads';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { DEFAULT_MESH_CONFIG } from '../schema/index.ts';
import { loadFile, toLoaded, type Candidate, type FileLoad } from './load-file.ts';
import { loadsFromMessage, type ChunkMessage } from './load-wire.ts';
import { CONTROL, type LoadJob } from './load-worker.ts';
import type { LoadedMeshConfig } from './types.ts';

/** Below this much YAML, starting a worker costs more than it saves. */
export const PARALLEL_LOAD_BYTES = 1024 * 1024;
/** About this much YAML per chunk: small enough to balance, large enough to keep messages few. */
const CHUNK_BYTES = 64 * 1024;
/**
 * The worker has not finished a chunk for this long: the main thread stops waiting and loads
 * the worker's outstanding chunks itself. A chunk takes milliseconds; this only fires when
 * the worker is broken (or the machine badly overloaded, where loading locally is right too).
 */
const STALL_MS = 10_000;

/** How the last parallel load went: for the benchmark's report and the tests. */
export interface ParallelLoadStats {
  chunks: number;
  /** Chunks the worker loaded and the main thread took over as they were. */
  workerChunks: number;
  /** Files the worker handed back to be loaded on the main thread (see load-wire.ts). */
  redone: number;
  /** Files loaded again because the worker assumed the wrong default namespace. */
  reloaded: number;
}

let stats: ParallelLoadStats = { chunks: 0, workerChunks: 0, redone: 0, reloaded: 0 };

export function lastParallelLoad(): Readonly<ParallelLoadStats> {
  return stats;
}

/** How the files are shared; the defaults are what compile() uses, the rest is for tests. */
export interface ParallelTuning {
  /** YAML per chunk (default CHUNK_BYTES). */
  readonly chunkBytes?: number;
  /** False: the main thread leaves every chunk to the worker (tests of the worker's answers). */
  readonly mainThreadLoads?: boolean;
}

/** Whether a repository is large enough to share with the worker (MESHLOG_LOAD_WORKER=0 turns it off). */
export function worthParallel(files: readonly SourceFile[]): boolean {
  if (process.env.MESHLOG_LOAD_WORKER === '0') return false;
  let bytes = 0;
  for (const f of files) bytes += f.bytes.length;
  return bytes >= PARALLEL_LOAD_BYTES;
}

/**
 * Every file's load, in the given (path) order, each loaded with the whole `budget`; or
 * undefined when together they exceed it (only loading in order says where reading stops).
 */
export function loadInParallel(files: readonly SourceFile[], budget: number, tuning: ParallelTuning = {}): FileLoad[] | undefined {
  stats = { chunks: 0, workerChunks: 0, redone: 0, reloaded: 0 };
  const loads: (FileLoad | undefined)[] = new Array(files.length);
  // Files that may hold a MeshConfig are loaded here first: its default namespace is what the
  // worker assumes for documents that name none.
  const pool: number[] = [];
  files.forEach((f, i) => {
    if (Buffer.from(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength).includes('MeshConfig')) loads[i] = loadFile(f, { budget });
    else pool.push(i);
  });
  const assumedNamespace = defaultNamespaceOf(loads);
  shareWithWorker(files, pool, budget, assumedNamespace, loads, tuning);

  // Documents the worker loaded in a namespace that turned out wrong are loaded again here.
  const actual = defaultNamespaceOf(loads);
  let used = 0;
  for (let i = 0; i < files.length; i++) {
    let load = loads[i]!;
    if (load.assumed && actual !== assumedNamespace) {
      load = loads[i] = loadFile(files[i]!, { budget });
      stats.reloaded++;
    }
    used += load.documents;
    if (load.overBudget || used > budget) return undefined;
  }
  return loads as FileLoad[];
}

/** The default namespace the loads' MeshConfig sets, decided as load-resources.ts decides it. */
function defaultNamespaceOf(loads: readonly (FileLoad | undefined)[]): string {
  const meshDocs: Candidate[] = [];
  for (const load of loads) if (load) meshDocs.push(...load.meshDocs);
  const only = meshDocs.length === 1 ? (toLoaded(meshDocs[0]!, DEFAULT_MESH_CONFIG.defaultNamespace, []) as LoadedMeshConfig | undefined) : undefined;
  return only?.spec.defaultNamespace ?? DEFAULT_MESH_CONFIG.defaultNamespace;
}

/** Loads the `pool` files (indices into `files`) into `loads`, sharing them with the worker. */
function shareWithWorker(
  files: readonly SourceFile[],
  pool: readonly number[],
  budget: number,
  assumedNamespace: string,
  loads: (FileLoad | undefined)[],
  tuning: ParallelTuning,
): void {
  const chunkStarts = chunkBoundaries(files, pool, tuning.chunkBytes ?? CHUNK_BYTES);
  const chunks = chunkStarts.length - 1;
  stats.chunks = chunks;
  const control = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  // One chunk (a single huge file, say) has nothing to share.
  const worker = chunks > 1 ? loadWorker() : undefined;
  if (worker) {
    const job = jobFor(files, pool, chunkStarts, control, budget, assumedNamespace, port2);
    worker.postMessage(job, [job.bytes, port2]);
  }

  const mine = new Set<number>();
  const loadChunk = (chunk: number) => {
    for (let j = chunkStarts[chunk]!; j < chunkStarts[chunk + 1]!; j++) {
      const i = pool[j]!;
      loads[i] = loadFile(files[i]!, { budget });
    }
  };
  const fileOf = (j: number) => files[pool[j]!]!;
  const take = (message: ChunkMessage): number => {
    if (message.failed !== undefined) {
      loadChunk(message.chunk);
      stats.redone += chunkStarts[message.chunk + 1]! - chunkStarts[message.chunk]!;
      return 1;
    }
    stats.workerChunks++;
    for (const [j, load] of loadsFromMessage(message, fileOf)) loads[pool[j]!] = load;
    for (const j of message.redo) loads[pool[j]!] = loadFile(fileOf(j), { budget });
    stats.redone += message.redo.length;
    return 1;
  };

  let received = 0;
  const mainThreadLoads = worker === undefined || tuning.mainThreadLoads !== false;
  const claim = () => (mainThreadLoads ? Atomics.add(control, CONTROL.nextChunk, 1) : chunks);
  for (let chunk = claim(); chunk < chunks; chunk = claim()) {
    mine.add(chunk);
    loadChunk(chunk);
    // Turning the worker's answers into loads is main-thread work too: doing it as they come
    // leaves more chunks for the worker, which is what balances the two threads.
    for (let m = receiveMessageOnPort(port1); m; m = receiveMessageOnPort(port1)) received += take(m.message as ChunkMessage);
  }

  const theirs = chunks - mine.size;
  let lastProgress = performance.now();
  while (received < theirs) {
    const m = receiveMessageOnPort(port1);
    if (m) {
      received += take(m.message as ChunkMessage);
      lastProgress = performance.now();
      continue;
    }
    if (performance.now() - lastProgress > STALL_MS) {
      abandonWorker();
      break; // the chunks not received are loaded below
    }
    // The worker bumps the counter after posting a chunk: sleep until it moves (or briefly,
    // when it has moved and the message is still on its way).
    const done = Atomics.load(control, CONTROL.chunksDone);
    Atomics.wait(control, CONTROL.chunksDone, done, done > received ? 1 : 50);
  }
  port1.close();
  // Anything still missing (the worker was abandoned mid-way) is loaded here.
  for (const i of pool) loads[i] ??= loadFile(files[i]!, { budget });
}

/** Chunk boundaries over the pool (positions in `pool`), about `chunkBytes` of YAML each. */
function chunkBoundaries(files: readonly SourceFile[], pool: readonly number[], chunkBytes: number): Int32Array {
  const starts = [0];
  let bytes = 0;
  for (let j = 0; j < pool.length; j++) {
    bytes += files[pool[j]!]!.bytes.length;
    if (bytes >= chunkBytes && j + 1 < pool.length) {
      starts.push(j + 1);
      bytes = 0;
    }
  }
  starts.push(pool.length);
  return Int32Array.from(starts);
}

function jobFor(
  files: readonly SourceFile[],
  pool: readonly number[],
  chunkStarts: Int32Array,
  control: Int32Array,
  budget: number,
  assumedNamespace: string,
  port: LoadJob['port'],
): LoadJob {
  const ends = new Int32Array(pool.length);
  let total = 0;
  pool.forEach((i, j) => (ends[j] = total += files[i]!.bytes.length));
  // One buffer for every file, transferred (not copied) to the worker.
  const bytes = new Uint8Array(total);
  pool.forEach((i, j) => bytes.set(files[i]!.bytes, j === 0 ? 0 : ends[j - 1]!));
  return {
    id: ++jobs,
    control: control.buffer as SharedArrayBuffer,
    paths: pool.map((i) => files[i]!.path),
    bytes: bytes.buffer,
    ends,
    chunkStarts,
    budget,
    assumedNamespace,
    port,
  };
}

/**
 * Starts the load worker ahead of a large load (the reader calls this once it has seen enough
 * YAML to make one likely): the thread takes ~0.3 s to load its modules, which then overlaps
 * with reading the files instead of delaying the load.
 */
export function prepareLoadWorker(): void {
  if (process.env.MESHLOG_LOAD_WORKER !== '0') loadWorker();
}

let jobs = 0;
let worker: Worker | undefined;
let broken = false;

/**
 * The process's load worker, started on first use and kept for later compiles (a server
 * recompiles on every change). It never keeps the process alive. Undefined when it failed:
 * the main thread then loads everything, as it does while the worker is starting.
 */
function loadWorker(): Worker | undefined {
  if (broken) return undefined;
  if (!worker) {
    try {
      worker = new Worker(new URL('./load-worker.ts', import.meta.url));
    } catch {
      // No thread to be had (e.g. a resource limit): loading on one thread is still right.
      broken = true;
      return undefined;
    }
    worker.unref();
    worker.on('error', abandonWorker);
    worker.on('exit', () => (worker = undefined));
  }
  return worker;
}

function abandonWorker(): void {
  broken = true;
  void worker?.terminate();
  worker = undefined;
}
