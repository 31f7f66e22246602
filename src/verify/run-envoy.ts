// Runs the Envoy binary once and collects what it printed. Bounded in time (the process is
// killed when the time is up), in memory (output past a cap is dropped) and in number (at
// most two Envoys at once per thread: serve's checks run in its compile child process, one compile at
// a time), because a serving replica runs this on every config change and must never hang on
// it or starve the proxies it serves.
import { spawn } from 'node:child_process';

const OUTPUT_CAP = 256 * 1024;

export type EnvoyRun =
  | { readonly kind: 'exited'; readonly code: number; readonly output: string }
  | { readonly kind: 'timeout'; readonly output: string }
  | { readonly kind: 'failed'; readonly error: string };

/** Envoy processes this thread runs at once, whoever asks (a replica also serves). */
const MAX_RUNNING = 2;
let running = 0;
const waiting: (() => void)[] = [];

/**
 * Envoy processes running now. A meshlog process that ends (a serve stopped during its Envoy
 * check) ends them too: an orphaned `envoy --mode validate` of a large view runs on for seconds.
 */
const children = new Set<ReturnType<typeof spawn>>();
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
});

/**
 * Ends every Envoy process this thread runs and resolves once each has exited (so none is
 * left a zombie): a compile child process asked to stop does this before it ends.
 */
export function endAllEnvoys(): Promise<void> {
  const exits = [...children].map((child) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('close', () => resolve()))));
  for (const child of children) child.kill('SIGKILL');
  return Promise.all(exits).then(() => undefined);
}

/**
 * Told of every Envoy process this thread starts and sees end. A process's children are not
 * ended with it when it is killed: serve's compile child (which runs the pre-serve check)
 * reports them to the serving process, which ends the ones still running when it has to kill
 * the child (one that does not stop within a second).
 */
export const envoyProcessWatch: { started?: (pid: number) => void; ended?: (pid: number) => void } = {};

export async function runEnvoy(envoyPath: string, args: readonly string[], timeoutMs: number): Promise<EnvoyRun> {
  // A finishing run hands its slot straight to the next waiter, so the count never overshoots.
  if (running >= MAX_RUNNING) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await runOnce(envoyPath, args, timeoutMs);
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

function runOnce(envoyPath: string, args: readonly string[], timeoutMs: number): Promise<EnvoyRun> {
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const finish = (run: EnvoyRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(run);
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(envoyPath, [...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (err) {
      resolve({ kind: 'failed', error: err instanceof Error ? err.message : String(err) });
      return;
    }
    children.add(child);
    const pid = child.pid;
    if (pid !== undefined) envoyProcessWatch.started?.(pid);
    const collect = (chunk: Buffer): void => {
      if (output.length < OUTPUT_CAP) output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ kind: 'timeout', output });
    }, timeoutMs);
    child.on('error', (err) => finish({ kind: 'failed', error: err.message }));
    child.on('close', (code, signal) => {
      children.delete(child);
      if (pid !== undefined) envoyProcessWatch.ended?.(pid);
      if (code === null) finish({ kind: 'failed', error: `killed by ${signal ?? 'a signal'}` });
      else finish({ kind: 'exited', code, output });
    });
  });
}

const probes = new Map<string, Promise<EnvoyRun>>();

/**
 * `envoyPath --version`, run once per binary for the process (the identity check, then every
 * check's message, ask it). A run that shows no version is not kept: it is asked again.
 */
export function probeEnvoy(envoyPath: string, timeoutMs: number): Promise<EnvoyRun> {
  let probe = probes.get(envoyPath);
  if (!probe) {
    probe = runEnvoy(envoyPath, ['--version'], timeoutMs).then((run) => {
      if (run.kind !== 'exited' || versionIn(run.output) === undefined) probes.delete(envoyPath);
      return run;
    });
    probes.set(envoyPath, probe);
  }
  return probe;
}

/** `1.40.0` from `envoy --version`. Empty when it cannot be told. */
export async function envoyVersion(envoyPath: string, timeoutMs: number): Promise<string> {
  const run = await probeEnvoy(envoyPath, timeoutMs);
  return run.kind === 'exited' ? (versionIn(run.output) ?? '') : '';
}

/** The version in what `envoy --version` prints ("envoy  version: <sha>/1.40.0/Clean/RELEASE/BoringSSL"). */
export function versionIn(output: string): string | undefined {
  return /version: [0-9a-f]+\/([0-9][^/\s]*)/.exec(output)?.[1];
}
