// Runs the CLI in-process with captured output, or as a real process through bin/meshlog.js.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { Readable } from 'node:stream';
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/meshlog.js');

/** `stdin`: what standard input gives, as text or as the chunks a stream would give (default: nothing). */
export async function runCli(args: readonly string[], cwd = ROOT, stdin?: string | AsyncIterable<Uint8Array>): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    cwd,
    env: {},
    ...(stdin === undefined ? {} : { stdin: () => (typeof stdin === 'string' ? Readable.from([Buffer.from(stdin)]) : stdin) }),
  });
  return { code, stdout, stderr };
}

/**
 * The environment the real executable runs with in these tests: this process's, without
 * MESHLOG_ENVOY (which the suite sets for its Envoy tests), so `validate` prints the same
 * whether or not Envoy is installed, as `runCli`'s empty environment does.
 */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { MESHLOG_ENVOY: _envoy, ...rest } = process.env;
  return { ...rest, ...extra };
}

/** The real executable, as a user or CI runs it. */
export function spawnCli(args: readonly string[], cwd = ROOT): CliRun {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: cliEnv() });
  if (res.error) throw res.error;
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}

/**
 * The real executable with `input` piped to its standard input, as `kustomize build | meshlog
 * validate -` runs it. The executable may stop reading before the end (a pipe's reader may):
 * the rest is then not written, as a writer to a closed pipe stops.
 */
export async function pipeToCli(args: readonly string[], cwd: string, input: string): Promise<CliRun> {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, timeout: 60_000, env: cliEnv() });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
  child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
  child.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  child.stdin.end(input);
  const [code] = (await once(child, 'close')) as [number | null];
  return { code: code ?? -1, stdout, stderr };
}
