// The process runner under the Envoy check: never more than two Envoys at once per meshlog
// process, however many checks ask (a serving replica must not be starved by them).
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runEnvoy } from '../../src/verify/run-envoy.ts';
import { fakeEnvoy, tempDir } from './fixtures.ts';

const dir = tempDir('meshlog-verify-run-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('runEnvoy', () => {
  it('runs at most two processes at once and reports each exit status', async () => {
    const log = path.join(dir, 'log');
    const bin = fakeEnvoy(dir, `echo start >> "${log}"; sleep 0.3; echo end >> "${log}"; exit "$1"`);
    const runs = await Promise.all([0, 1, 0, 1, 0].map((code) => runEnvoy(bin, [String(code)], 10_000)));
    expect(runs.map((r) => (r.kind === 'exited' ? r.code : r.kind))).toEqual([0, 1, 0, 1, 0]);
    let now = 0;
    let most = 0;
    for (const line of fs.readFileSync(log, 'utf8').trim().split('\n')) {
      now += line === 'start' ? 1 : -1;
      most = Math.max(most, now);
    }
    expect(most).toBe(2);
  });

  it('a binary that cannot be started is a failed run, not an exception', async () => {
    const run = await runEnvoy(path.join(dir, 'missing-envoy'), ['--version'], 5_000);
    expect(run.kind).toBe('failed');
  });
});
