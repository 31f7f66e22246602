// Golden tests at the Istio → IR boundary: every `test/golden/ir/<kind>-<scenario>.in.yaml`
// is compiled by the front end (buildIr); the diagnostics and, when there is no error, the
// IR, printed as YAML, must equal `<kind>-<scenario>.out.yaml`.
// `MESHLOG_UPDATE_GOLDEN=1 npx vitest run test/compile/istio` rewrites the outputs and
// deletes stale ones. Each scenario is one multi-document file (the file name appears in
// diagnostics and IR sources, so line numbers are checked too).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { CROSS_RESOURCE_CODES } from '../../../src/core/diagnostic-codes/cross-resource.ts';

const DIR = path.join(import.meta.dirname, '../../golden/ir');
const UPDATE = process.env.MESHLOG_UPDATE_GOLDEN === '1';
const scenarios = fs
  .readdirSync(DIR)
  .filter((f) => f.endsWith('.in.yaml'))
  .map((f) => f.slice(0, -'.in.yaml'.length))
  .sort();

export function render(scenario: string): string {
  const file = `${scenario}.in.yaml`;
  const result = buildIr([{ path: file, bytes: fs.readFileSync(path.join(DIR, file)) }]);
  return YAML.stringify(
    { diagnostics: result.diagnostics, ...(result.ir ? { ir: result.ir } : {}) },
    { lineWidth: 0, aliasDuplicateObjects: false },
  );
}

describe('Istio → IR golden files', () => {
  it('has scenarios', () => expect(scenarios.length).toBeGreaterThan(0));

  if (UPDATE) {
    it('deletes outputs whose input is gone', () => {
      for (const f of fs.readdirSync(DIR).filter((f) => f.endsWith('.out.yaml'))) {
        if (!scenarios.includes(f.slice(0, -'.out.yaml'.length))) fs.rmSync(path.join(DIR, f));
      }
    });
  } else {
    it('has no stale outputs', () => {
      const stale = fs.readdirSync(DIR).filter((f) => f.endsWith('.out.yaml') && !scenarios.includes(f.slice(0, -'.out.yaml'.length)));
      expect(stale).toEqual([]);
    });
  }

  for (const scenario of scenarios) {
    it(scenario, () => {
      const actual = render(scenario);
      const outFile = path.join(DIR, `${scenario}.out.yaml`);
      if (UPDATE) fs.writeFileSync(outFile, actual);
      expect(fs.existsSync(outFile), `${outFile} missing: run MESHLOG_UPDATE_GOLDEN=1 npx vitest run test/compile/istio`).toBe(true);
      expect(actual).toBe(fs.readFileSync(outFile, 'utf8'));
    });
  }

  it('covers every cross-resource code (ML4xxx) in some golden output', () => {
    const outputs = scenarios.map((s) => render(s)).join('\n');
    const missing = CROSS_RESOURCE_CODES.map((c) => c.code).filter((code) => !outputs.includes(`code: ${code}`));
    expect(missing).toEqual([]);
  });
});
