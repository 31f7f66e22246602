// Reads and compiles a config folder in a worker thread: what `meshlog serve` does on start
// and on every change. At 10,000 services a compile takes seconds and about 550 MB; in the serving
// thread it would stop every ADS stream, /healthz and /metrics for that long. In a worker the
// serving thread only receives and unpacks the result (snapshot/transfer.ts).
//
// One worker per compile, so the compile's memory goes back when it ends (a kept worker would
// keep its grown heap). The next worker is started when a compile ends and loads the
// compiler's modules while it waits (~0.5 s), so a change is not delayed by that start-up.
//
// A worker that dies (out of memory on a runaway repository, or a crash) is a failed compile,
// never a dead server: the caller keeps serving what it had.
import { getCompileCacheDir } from 'node:module';
import { Worker, type ResourceLimits } from 'node:worker_threads';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Snapshot } from '../snapshot/types.ts';
import { unpackSnapshot, type PackedSnapshot } from '../snapshot/transfer.ts';
import { checkFolder } from '../verify/envoy-verify.ts';

/** What the worker is sent (compile-worker.ts). */
export interface CompileRequest {
  readonly folder: string;
  /** Run the pre-serve Envoy check on a valid result, unless its content hash is this one (already served). */
  readonly envoyCheck?: { readonly envoyPath: string; readonly workDir: string; readonly unlessContentHash?: string };
}

/** The pre-serve check's verdict: Envoy's diagnostics ([] when it accepted every view), or why it could not run. */
export type EnvoyCheckOutcome = { readonly diagnostics: readonly Diagnostic[] } | { readonly error: string };

/** What the worker posts (compile-worker.ts): one result, after any number of Envoy process reports. */
export type FolderCompileMessage =
  | { readonly kind: 'unreadable'; readonly message: string }
  | { readonly kind: 'compiled'; readonly valid: boolean; readonly diagnostics: readonly Diagnostic[]; readonly snapshot?: PackedSnapshot; readonly envoyCheck?: EnvoyCheckOutcome }
  | { readonly kind: 'failed'; readonly message: string }
  | { readonly kind: 'envoy-started' | 'envoy-ended'; readonly pid: number };

/** One read-and-compile of a folder, as the caller sees it. */
export type FolderCompile =
  | { readonly kind: 'unreadable'; readonly message: string }
  | {
      readonly kind: 'compiled';
      readonly valid: boolean;
      readonly diagnostics: readonly Diagnostic[];
      readonly snapshot?: Snapshot;
      /** Present when the check was asked for and ran (a valid snapshot with another content hash). */
      readonly envoyCheck?: EnvoyCheckOutcome;
    }
  /** The compiler threw, or the worker died (out of memory, killed) or was stopped. */
  | { readonly kind: 'failed'; readonly message: string };

/** `meshlog serve --envoy`: each new valid snapshot goes through this Envoy, in the compile's worker. */
export interface EnvoyCheckRequest {
  readonly envoyPath: string;
  /** The content hash being served: a result with it is not checked again. */
  readonly unlessContentHash?: string;
}

export interface FolderCompiler {
  /**
   * Reads and compiles `folder`, and with `envoyCheck` checks a new valid snapshot with Envoy;
   * aborting `signal` stops both (the result is then `failed`).
   */
  compile(folder: string, signal?: AbortSignal, envoyCheck?: EnvoyCheckRequest): Promise<FolderCompile>;
  /** Stops the waiting worker and starts no other; compile() still works (it starts its own). */
  close(): Promise<void>;
}

export interface WorkerCompilerOptions {
  /** Heap limit of each compile, in MB; default: Node's own. */
  readonly maxHeapMb?: number;
}

const WORKER = new URL('./compile-worker.ts', import.meta.url);

/** A started worker, and whether it has ended already (then it can take no compile). */
interface Started {
  readonly worker: Worker;
  ended: boolean;
}

export class WorkerFolderCompiler implements FolderCompiler {
  readonly #options: WorkerCompilerOptions;
  #waiting: Started | undefined;
  #closed = false;

  constructor(options: WorkerCompilerOptions = {}) {
    this.#options = options;
  }

  compile(folder: string, signal?: AbortSignal, envoyCheck?: EnvoyCheckRequest): Promise<FolderCompile> {
    let taken = this.#waiting;
    this.#waiting = undefined;
    if (!taken || taken.ended) taken = this.#start();
    const worker = taken.worker;
    // The check's files and Envoy processes belong to this thread: a worker that is stopped
    // (or dies) cannot clean up after itself.
    const scratch = envoyCheck ? checkFolder() : undefined;
    const envoys = new Set<number>();
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: FolderCompile | (() => FolderCompile), graceful = false): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', stop);
        // Its work is done (or failed): end it now, so its heap goes back at once; then what it
        // may have left: Envoy processes, the check's files.
        void endWorker(worker, graceful).then(() => {
          endEnvoys(envoys);
          try {
            scratch?.remove();
          } catch {
            // A file the check wrote as the worker ended: the exit hook removes the folder.
          }
          if (!this.#closed && !signal?.aborted && !this.#waiting) this.#waiting = this.#start();
          resolve(typeof outcome === 'function' ? outcome() : outcome);
        });
      };
      const stop = (): void => settle({ kind: 'failed', message: 'stopped' }, envoyCheck !== undefined);
      if (signal?.aborted) return stop();
      signal?.addEventListener('abort', stop, { once: true });
      let received = false;
      worker.on('message', (message: FolderCompileMessage) => {
        if (message.kind === 'envoy-started') {
          // One the worker started as it was being stopped is ended as soon as it is known.
          watchEnvoy(envoys, message.pid);
          if (settled) endEnvoys(envoys);
          return;
        }
        if (message.kind === 'envoy-ended') return void unwatchEnvoy(envoys, message.pid);
        received = true;
        // The worker ends before the result is unpacked: its heap (some 500 MB at 10,000
        // services) goes back first, so the two never add up to the process's peak. A result
        // that arrives after a stop is not unpacked at all.
        settle(() => (message.kind === 'compiled' && message.snapshot ? { ...message, snapshot: unpackSnapshot(message.snapshot) } : (message as FolderCompile)));
      });
      worker.once('error', (err: Error & { code?: string }) => {
        const limit = this.#options.maxHeapMb !== undefined ? ` (its heap limit is ${this.#options.maxHeapMb} MB: --compile-heap-mb)` : '';
        const why = err.code === 'ERR_WORKER_OUT_OF_MEMORY' ? `the compile ran out of memory${limit}` : `the compile worker failed: ${err.stack ?? err.message}`;
        settle({ kind: 'failed', message: why });
      });
      worker.once('exit', (code) => {
        if (!received) settle({ kind: 'failed', message: `the compile worker exited (code ${code}) without a result` });
      });
      worker.ref(); // a compile under way keeps the process alive, as the compile itself did
      const request: CompileRequest = {
        folder,
        ...(envoyCheck && scratch
          ? { envoyCheck: { envoyPath: envoyCheck.envoyPath, workDir: scratch.dir, ...(envoyCheck.unlessContentHash ? { unlessContentHash: envoyCheck.unlessContentHash } : {}) } }
          : {}),
      };
      worker.postMessage(request);
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    await waiting?.worker.terminate();
  }

  #start(): Started {
    const maxHeapMb = this.#options.maxHeapMb;
    const worker = new Worker(WORKER, {
      // The compile cache `bin/meshlog.js` enabled, so the worker loads the compiler as fast.
      workerData: { compileCacheDir: getCompileCacheDir?.() },
      resourceLimits: compileResourceLimits(maxHeapMb),
    });
    // A waiting worker never keeps the process alive, and its failure to start is only seen
    // when it is given a compile (the 'error' listener there): until then it is ignored here.
    worker.unref();
    const started: Started = { worker, ended: false };
    worker.on('error', () => {});
    worker.on('exit', () => (started.ended = true));
    return started;
  }
}

/**
 * A compile worker's heap. Its young generation is kept small: V8 grows it to tens of MB for a
 * compile that allocates hundreds, and the copying, page faults and cache misses of a large one
 * cost more than the extra scavenges of a small one (`node bench/compile/run.ts --worker`:
 * about 6 % less wall and main-thread time at 10,000 services, 20 % fewer page faults).
 * `maxHeapMb` bounds the old generation (--compile-heap-mb).
 */
export function compileResourceLimits(maxHeapMb?: number): ResourceLimits {
  return { maxYoungGenerationSizeMb: COMPILE_YOUNG_GENERATION_MB, ...(maxHeapMb !== undefined ? { maxOldGenerationSizeMb: maxHeapMb } : {}) };
}

const COMPILE_YOUNG_GENERATION_MB = 24;

/**
 * Ends a compile worker. `graceful` (its Envoy check may be running): it is asked to end its
 * Envoy processes first, which only it can reap, and is terminated if it has not ended within
 * a second (a compile in progress answers no message until it is done).
 */
async function endWorker(worker: Worker, graceful: boolean): Promise<void> {
  if (graceful && worker.threadId !== -1) {
    const ended = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage({ kind: 'stop' });
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([ended, new Promise<void>((resolve) => (timer = setTimeout(resolve, GRACEFUL_STOP_MS)))]);
    clearTimeout(timer);
  }
  await worker.terminate();
}

const GRACEFUL_STOP_MS = 1000;

/** Envoy processes the compile workers reported running, over all compiles: ended with the process. */
const runningEnvoys = new Set<number>();
process.on('exit', () => endEnvoys(runningEnvoys));

function watchEnvoy(envoys: Set<number>, pid: number): void {
  envoys.add(pid);
  runningEnvoys.add(pid);
}

function unwatchEnvoy(envoys: Set<number>, pid: number): void {
  envoys.delete(pid);
  runningEnvoys.delete(pid);
}

/** Ends the Envoy processes a stopped worker left running (a finished check leaves none). */
function endEnvoys(envoys: Set<number>): void {
  for (const pid of envoys) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // It ended meanwhile.
    }
    runningEnvoys.delete(pid);
  }
  envoys.clear();
}
