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
import { checkNoStaleOutputs, expectGolden, goldenScenarios } from '../../support/golden.ts';

const DIR = path.join(import.meta.dirname, '../../golden/ir');
const scenarios = goldenScenarios(DIR);

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

  checkNoStaleOutputs(DIR, scenarios);

  for (const scenario of scenarios) {
    it(scenario, () => {
      expectGolden(DIR, scenario, render(scenario), 'MESHLOG_UPDATE_GOLDEN=1 npx vitest run test/compile/istio');
    });
  }

  // gRPC Java's xDS client rejects a domain ending in a dot, and matches `name.:port` to no
  // target: a gRPC view's route tables list no absolute FQDN, plain or with the port.
  it('gives gRPC views no trailing-dot domain', () => {
    const grpcDomains: string[] = [];
    for (const scenario of scenarios) {
      const ir = buildIr([{ path: `${scenario}.in.yaml`, bytes: fs.readFileSync(path.join(DIR, `${scenario}.in.yaml`)) }]).ir;
      for (const view of ir?.views ?? []) {
        if (view.kind !== 'grpc') continue;
        for (const table of view.routeTables) for (const vh of table.virtualHosts) grpcDomains.push(...vh.domains);
      }
    }
    expect(grpcDomains.length).toBeGreaterThan(0);
    expect(grpcDomains.filter((d) => d.endsWith('.') || d.includes('.:'))).toEqual([]);
  });

  it('covers every cross-resource code (ML4xxx) in some golden output', () => {
    const outputs = scenarios.map((s) => render(s)).join('\n');
    const missing = CROSS_RESOURCE_CODES.map((c) => c.code).filter((code) => !outputs.includes(`code: ${code}`));
    expect(missing).toEqual([]);
  });
});
