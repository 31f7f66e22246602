// Runs the CLI in-process with captured output, or as a real process through bin/meshlog.js.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { main } from '../../src/cli/main.ts';

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export const ROOT = path.resolve(import.meta.dirname, '../..');
export const BIN = path.join(ROOT, 'bin/meshlog.js');

export async function runCli(args: readonly string[], cwd = ROOT): Promise<CliRun> {
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
  });
  return { code, stdout, stderr };
}

/** The real executable, as a user or CI runs it. */
export function spawnCli(args: readonly string[], cwd = ROOT): CliRun {
  const res = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw res.error;
  return { code: res.status ?? -1, stdout: res.stdout, stderr: res.stderr };
}
