// Golden tests at the IR → xDS boundary: every `<scenario>.in.yaml` here is a MeshIR; it is
// assembled into a snapshot and printed as the config dump, which must equal
// `<scenario>.out.yaml`. `MESHLOG_UPDATE_GOLDEN=1` rewrites the outputs and deletes stale
// ones. Every view of every scenario, as a static bootstrap, must pass the real Envoy's
// `--mode validate`, without a warning for a deprecated field (but those kept on purpose:
// test/support/envoy-deprecations.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { configDump } from '../../../src/envoy/config-dump.ts';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { standInTlsFiles } from '../../../src/verify/stand-in-certificate.ts';
import { unexpectedDeprecations } from '../../support/envoy-deprecations.ts';
import { validateConfig } from '../../support/envoy-process.ts';
import { checkNoStaleOutputs, expectGolden, goldenScenarios } from '../../support/golden.ts';

const DIR = import.meta.dirname;
const scenarios = goldenScenarios(DIR);

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-golden-'));
// Gateway HTTPS listeners name certificate files this machine does not have: stand-ins, as `validate --envoy` uses.
const tlsFiles = standInTlsFiles(tmp);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function load(scenario: string): MeshIR {
  return YAML.parse(fs.readFileSync(path.join(DIR, `${scenario}.in.yaml`), 'utf8')) as MeshIR;
}

describe('IR → snapshot golden files', () => {
  it('has scenarios', () => expect(scenarios.length).toBeGreaterThan(0));

  checkNoStaleOutputs(DIR, scenarios);

  for (const scenario of scenarios) {
    describe(scenario, () => {
      const snapshot = assembleSnapshot(load(scenario), null);

      it('matches the golden config dump', () => {
        expect(checkConsistency(snapshot)).toEqual([]);
        const actual = YAML.stringify(configDump(snapshot), { lineWidth: 0 });
        expectGolden(DIR, scenario, actual, 'MESHLOG_UPDATE_GOLDEN=1 npx vitest run test/golden/snapshot');
      });

      for (const view of snapshot.views) {
        it(`view ${view.name} passes envoy --mode validate, without deprecated fields`, () => {
          const file = path.join(tmp, `${scenario}.${view.name.replaceAll('~', '_')}.yaml`);
          fs.writeFileSync(file, YAML.stringify(staticBootstrap(snapshot, view.name, { adminPort: 0, tlsFiles })));
          const result = validateConfig(file);
          expect(result.output).toContain('OK');
          expect(result.ok).toBe(true);
          expect(unexpectedDeprecations(result.deprecated)).toEqual([]);
        });
      }
    });
  }
});
