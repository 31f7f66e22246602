// Golden-file mechanics shared by every boundary's golden test: list the scenarios
// (`<name>.in.yaml`), keep outputs in step with inputs, compare or rewrite one output.
// `MESHLOG_UPDATE_GOLDEN=1` rewrites outputs and deletes those whose input is gone.
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';

export const UPDATE_GOLDEN = process.env.MESHLOG_UPDATE_GOLDEN === '1';

/** Scenario names in `dir` (every `<name>.in.yaml`), sorted. */
export function goldenScenarios(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.in.yaml'))
    .map((f) => f.slice(0, -'.in.yaml'.length))
    .sort();
}

/** Registers the test that fails on (or, when updating, deletes) outputs without an input. */
export function checkNoStaleOutputs(dir: string, scenarios: readonly string[]): void {
  const stale = () =>
    fs.readdirSync(dir).filter((f) => f.endsWith('.out.yaml') && !scenarios.includes(f.slice(0, -'.out.yaml'.length)));
  if (UPDATE_GOLDEN) {
    it('deletes outputs whose input is gone', () => {
      for (const f of stale()) fs.rmSync(path.join(dir, f));
    });
  } else {
    it('has no stale outputs', () => expect(stale()).toEqual([]));
  }
}

/** Compares `actual` with `<dir>/<scenario>.out.yaml` (rewriting it first when updating). */
export function expectGolden(dir: string, scenario: string, actual: string, updateHint: string): void {
  const outFile = path.join(dir, `${scenario}.out.yaml`);
  if (UPDATE_GOLDEN) fs.writeFileSync(outFile, actual);
  expect(fs.existsSync(outFile), `${outFile} missing: run ${updateHint}`).toBe(true);
  expect(actual).toBe(fs.readFileSync(outFile, 'utf8'));
}
