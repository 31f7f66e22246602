// Reads and compiles a config folder in a child process: what `meshlog serve` does on start
// and on every change. At 10,000 services a compile takes seconds and about 550 MB; in the serving
// thread it would stop every ADS stream, /healthz and /metrics for that long. With the compile in
// a child the serving thread only receives and unpacks the result (snapshot/transfer.ts).
//
// A process, not a worker thread: worker isolates share V8's process-wide JIT-page registry,
// and freeing a worker's WebAssembly code (re2-wasm, at worker teardown or an out-of-memory
// termination) races on it, intermittently aborting the whole process ("Check failed:
// jit_page.has_value()", a known V8 issue); and a worker's resourceLimits are best-effort
// (some allocations abort the process instead of the worker). A child process that dies, of
// whatever cause, takes nothing else with it, and its heap limits are real Node flags.
//
// One child per compile, so the compile's memory goes back when it ends. The next child is
// started when a compile ends and loads the compiler's modules while it waits (~0.5 s), so a
// change is not delayed by that start-up; a waiting child never keeps serve's process alive.
//
// A child that dies (out of memory on a runaway repository, or a crash) is a failed compile,
// never a dead server: the caller keeps serving what it had.
import { fork, type ChildProcess } from 'node:child_process';
import { getCompileCacheDir } from 'node:module';
import type { Socket } from 'node:net';
import type { Diagnostic } from '../core/diagnostics.ts';
import type { Snapshot } from '../snapshot/types.ts';
import { unpackSnapshot, type PackedSnapshot } from '../snapshot/transfer.ts';
import { checkFolder } from '../verify/envoy-verify.ts';
import { ONE_COMPILE_V8_FLAGS } from '../core/one-compile-v8.ts';

/** What the compile child is sent (compile-child.ts), besides `{ kind: 'stop' }`. */
export interface CompileRequest {
  readonly folder: string;
  /** Run the pre-serve Envoy check on a valid result, unless its content hash is this one (already served). */
  readonly envoyCheck?: { readonly envoyPath: string; readonly workDir: string; readonly unlessContentHash?: string };
}

/** The pre-serve check's verdict: Envoy's diagnostics ([] when it accepted every view), or why it could not run. */
export type EnvoyCheckOutcome = { readonly diagnostics: readonly Diagnostic[] } | { readonly error: string };

/** What the compile child sends (compile-child.ts): one result, after any number of Envoy process reports. */
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
  /** The compiler threw, or the compile child died (out of memory, killed) or was stopped. */
  | { readonly kind: 'failed'; readonly message: string };

/** `meshlog serve --envoy`: each new valid snapshot goes through this Envoy, in the compile's child process. */
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
  /** Stops the waiting child process and starts no other; compile() still works (it starts its own). */
  close(): Promise<void>;
}

export interface ChildCompilerOptions {
  /** Heap limit of each compile, in MB; default: Node's own. */
  readonly maxHeapMb?: number;
}

const CHILD = new URL('./compile-child.ts', import.meta.url);

/** A started compile child, whether it has ended already (then it can take no compile), and the end of what it wrote to stderr. */
interface Started {
  readonly child: ChildProcess;
  ended: boolean;
  stderr: string;
  /** Why it could not start (its 'error' before it ran), if so. */
  error?: Error;
}

export class ChildFolderCompiler implements FolderCompiler {
  readonly #options: ChildCompilerOptions;
  #waiting: Started | undefined;
  #closed = false;

  constructor(options: ChildCompilerOptions = {}) {
    this.#options = options;
  }

  compile(folder: string, signal?: AbortSignal, envoyCheck?: EnvoyCheckRequest): Promise<FolderCompile> {
    let taken = this.#waiting;
    this.#waiting = undefined;
    if (!taken || taken.ended) taken = this.#start();
    const started = taken;
    const child = started.child;
    // The check's files belong to this process, and so does ending the Envoy processes the
    // child reported: a child that is killed (or dies) cannot clean up after itself.
    const scratch = envoyCheck ? checkFolder() : undefined;
    const envoys = new Set<number>();
    return new Promise((resolve) => {
      let settled = false;
      const settle = (outcome: FolderCompile | (() => FolderCompile), graceful = false): void => {
        if (settled) return;
        settled = true;
        signal?.removeEventListener('abort', stop);
        // Its work is done (or failed): end it now, so its memory goes back at once; then what
        // it may have left: Envoy processes, the check's files.
        void endChild(started, graceful).then(() => {
          endEnvoys(envoys);
          try {
            scratch?.remove();
          } catch {
            // A file the check wrote as the child ended: the exit hook removes the folder.
          }
          if (!this.#closed && !signal?.aborted && !this.#waiting) this.#waiting = this.#start();
          resolve(typeof outcome === 'function' ? outcome() : outcome);
        });
      };
      const stop = (): void => settle({ kind: 'failed', message: 'stopped' }, envoyCheck !== undefined);
      if (signal?.aborted) return stop();
      signal?.addEventListener('abort', stop, { once: true });
      let received = false;
      child.on('message', (message: FolderCompileMessage) => {
        if (message.kind === 'envoy-started') {
          // One the child started as it was being stopped is ended as soon as it is known.
          watchEnvoy(envoys, message.pid);
          if (settled) endEnvoys(envoys);
          return;
        }
        if (message.kind === 'envoy-ended') return void unwatchEnvoy(envoys, message.pid);
        if (received) return;
        received = true;
        // The child ends before the result is unpacked: its heap (some 500 MB at 10,000
        // services) goes back first, so the two never add up to the process's peak. A result
        // that arrives after a stop is not unpacked at all.
        settle(() => (message.kind === 'compiled' && message.snapshot ? { ...message, snapshot: unpackSnapshot(message.snapshot) } : (message as FolderCompile)));
      });
      const died = (): void => {
        if (received) return;
        settle({ kind: 'failed', message: this.#whyDied(started) });
      };
      if (started.ended) return died();
      child.once('close', died);
      // A child that could not start: there is no process, so no 'close' may follow.
      child.once('error', () => child.pid === undefined && died());
      // A compile under way keeps the process alive, as the compile itself did.
      child.ref();
      child.channel?.ref();
      const request: CompileRequest = {
        folder,
        ...(envoyCheck && scratch
          ? { envoyCheck: { envoyPath: envoyCheck.envoyPath, workDir: scratch.dir, ...(envoyCheck.unlessContentHash ? { unlessContentHash: envoyCheck.unlessContentHash } : {}) } }
          : {}),
      };
      // A child that is gone already fails the compile through 'close'.
      child.send(request, () => {});
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    if (waiting) await endChild(waiting, false);
  }

  /** Why a child ended without a result: out of memory, could not start, or another death. */
  #whyDied(started: Started): string {
    const { child, stderr } = started;
    if (started.error && child.pid === undefined) return `the compile process could not start: ${started.error.message}`;
    if (/heap out of memory|Reached heap limit/.test(stderr)) {
      const limit = this.#options.maxHeapMb;
      return limit !== undefined ? `the compile ran out of memory (its heap limit is ${limit} MB: --compile-heap-mb)` : "the compile ran out of memory (Node's default heap limit; set a larger one with --compile-heap-mb)";
    }
    const how = child.signalCode ? `signal ${child.signalCode}` : `code ${child.exitCode}`;
    const tail = stderr.trim();
    return `the compile process exited (${how}) without a result${tail ? `; its stderr ended with:\n${tail}` : ''}`;
  }

  #start(): Started {
    const cacheDir = getCompileCacheDir?.();
    const child = fork(CHILD, [], {
      execArgv: compileExecArgv(this.#options.maxHeapMb),
      // The compile cache `bin/meshlog.js` enabled, so the child loads the compiler as fast.
      env: cacheDir ? { ...process.env, NODE_COMPILE_CACHE: cacheDir } : process.env,
      // Its stderr (V8's out-of-memory report, a crash) is kept, not printed in serve's output.
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'advanced',
    });
    const started: Started = { child, ended: false, stderr: '' };
    live.add(child);
    // A waiting child never keeps the process alive; compile() refs it while it works.
    child.unref();
    child.channel?.unref();
    const stderr = child.stderr as Socket | null;
    stderr?.unref();
    stderr?.setEncoding('utf8');
    stderr?.on('data', (text: string) => {
      started.stderr = (started.stderr + text).slice(-STDERR_TAIL);
    });
    // Its failure to start is only reported when it is given a compile (or fails one).
    child.on('error', (err) => {
      started.error ??= err;
      if (child.pid !== undefined) return;
      started.ended = true;
      live.delete(child);
    });
    child.on('exit', () => {
      started.ended = true;
      live.delete(child);
    });
    return started;
  }
}

/** What of a child's stderr is kept: enough for V8's report of a crash. */
const STDERR_TAIL = 8 * 1024;

/** Compile children running or waiting: killed with this process (a waiting one also ends when its channel closes). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * A compile child's Node flags. Its young generation is kept small: V8 grows it to tens of MB
 * for a compile that allocates hundreds, and the copying, page faults and cache misses of a
 * large one cost more than the extra scavenges of a small one (measured as a worker thread
 * with a 24 MB young generation, `node bench/compile/run.ts --worker` at the time: about 6 %
 * less wall and main-thread time at 10,000 services, 20 % fewer page faults). V8's young
 * generation is three semi-spaces, so 8 MB semi-spaces keep it at those 24 MB; `bench/compile/
 * run.ts --serve-child` runs a compile with these flags: as a child process, 450–460 MB peak
 * RSS against 530–545 MB with Node's defaults, and wall time alike within the spread (5
 * alternating runs, BENCHMARKS.md session 11). `maxHeapMb` bounds the old generation
 * (--compile-heap-mb). ONE_COMPILE_V8_FLAGS: see src/core/one-compile-v8.ts.
 */
export function compileExecArgv(maxHeapMb?: number): string[] {
  return [
    `--max-semi-space-size=${COMPILE_SEMI_SPACE_MB}`,
    ...ONE_COMPILE_V8_FLAGS, // a child runs one compile and ends, as a CLI command does
    ...(maxHeapMb !== undefined ? [`--max-old-space-size=${maxHeapMb}`] : []),
  ];
}

const COMPILE_SEMI_SPACE_MB = 8;

/**
 * Ends a compile child and resolves once it has exited. `graceful` (its Envoy check may be
 * running): it is asked to end its Envoy processes first, and killed if it has not ended within
 * a second (a compile in progress answers no message until it is done).
 */
async function endChild(started: Started, graceful: boolean): Promise<void> {
  const { child } = started;
  if (started.ended || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  // Awaited: a waiting (unref'd) child's exit must not be lost to a process that ends first.
  child.ref();
  if (graceful) {
    child.send({ kind: 'stop' }, () => {});
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, GRACEFUL_STOP_MS)))]);
    clearTimeout(timer);
    if (started.ended) return;
  }
  child.kill('SIGKILL');
  await exited;
}

const GRACEFUL_STOP_MS = 1000;

/** Envoy processes the compile children reported running, over all compiles: ended with the process. */
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

/** Ends the Envoy processes a stopped child left running (a finished check leaves none). */
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
