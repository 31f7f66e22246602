// The commands that compile once and end run without V8's optimizing compiler
// (src/core/one-compile-v8.ts): its background compiles would take a core from the compile.
// Checked on the real executable with V8's own trace of what it optimizes, on a mesh large
// enough that, untuned, V8 does optimize with TurboFan (the control run below).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeMesh } from '../../bench/compile/generate.ts';
import { compileExecArgv } from '../../src/serve/folder-compiler.ts';
import { BIN, cliEnv, ROOT } from './run-cli.ts';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-one-compile-'));
  writeMesh(dir, 1500);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs node with V8's optimization trace; returns the exit code and how many functions were marked for TurboFan. */
function traced(args: readonly string[]): { code: number | null; turbofan: number; stdout: string } {
  const res = spawnSync(process.execPath, ['--trace-opt', ...args], { cwd: ROOT, encoding: 'utf8', env: cliEnv(), maxBuffer: 64 * 1024 * 1024, timeout: 120_000 });
  if (res.error) throw res.error;
  // Functions V8 chose to optimize with TurboFan (decided on the main thread, so counted even
  // when the process ends before the background compile does).
  const turbofan = res.stdout.split('\n').filter((l) => l.startsWith('[marking ') && l.includes('for optimization to TURBOFAN')).length;
  return { code: res.status, turbofan, stdout: res.stdout };
}

describe('V8 tuning of one-compile commands', () => {
  it('untuned, the same validate has TurboFan compile functions (so the checks below can fail)', () => {
    const script = `import { main } from ${JSON.stringify(path.join(ROOT, 'src/cli/main.ts'))};
      process.exitCode = await main(['validate', ${JSON.stringify(dir)}], { stdout: () => {}, stderr: () => {}, cwd: process.cwd(), env: {} });`;
    const run = traced(['--input-type=module', '-e', script]);
    expect(run.code).toBe(0);
    expect(run.turbofan).toBeGreaterThan(0);
  });

  it.each([['validate'], ['compile']])('meshlog %s runs without TurboFan and still succeeds', (command) => {
    const run = traced([BIN, command, dir]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(command === 'validate' ? /: valid \(1500 config files read\)/ : /content hash: +[0-9a-f]{64}/);
    expect(run.turbofan).toBe(0);
  });

  it('compile -o json gets TurboFan back once the compile is done, for the long output work', () => {
    const run = traced([BIN, 'compile', dir, '-o', 'json']);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('"@type": "type.googleapis.com/envoy.admin.v3.ClustersConfigDump"');
    expect(run.turbofan).toBeGreaterThan(0);
  });

  it("serve's compile children get the same flags on their command line", () => {
    expect(compileExecArgv()).toContain('--no-turbofan');
    expect(compileExecArgv(512)).toEqual(expect.arrayContaining(['--no-turbofan', '--max-old-space-size=512']));
  });
});
