// The front end's output is only useful if Envoy takes it: every golden IR (the scenarios
// that compile) and the config-repo template are assembled into snapshots and each view,
// as a static bootstrap, must pass the real Envoy's `--mode validate`. Catches IR that is
// well-typed but not Envoy-valid (duplicate domains, routes to missing clusters, ...).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { standInTlsFiles } from '../../../src/verify/stand-in-certificate.ts';
import { validateConfig } from '../../support/envoy-process.ts';
import { TEMPLATE_FILES } from './support.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-istio-envoy-'));
// Gateway HTTPS listeners name certificate files this machine does not have: stand-ins, as `validate --envoy` uses.
const tlsFiles = standInTlsFiles(tmp);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const cases: { name: string; ir: () => MeshIR }[] = [];
for (const f of fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.out.yaml')).sort()) {
  const doc = YAML.parse(fs.readFileSync(path.join(GOLDEN, f), 'utf8')) as { ir?: MeshIR };
  if (doc.ir) cases.push({ name: f.slice(0, -'.out.yaml'.length), ir: () => doc.ir! });
}
cases.push({
  name: 'config-repo-template',
  ir: () => {
    const result = buildIr(TEMPLATE_FILES);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return result.ir!;
  },
});

describe('compiled IR is accepted by a real Envoy', () => {
  for (const c of cases) {
    it(c.name, () => {
      const snapshot = assembleSnapshot(c.ir(), null);
      expect(checkConsistency(snapshot)).toEqual([]);
      expect(snapshot.views.length).toBeGreaterThan(0);
      for (const view of snapshot.views) {
        const file = path.join(tmp, `${c.name}.${view.name.replaceAll('~', '_')}.yaml`);
        fs.writeFileSync(file, YAML.stringify(staticBootstrap(snapshot, view.name, { adminPort: 0, tlsFiles })));
        const result = validateConfig(file);
        expect(result.ok, `${view.name}: ${result.output}`).toBe(true);
      }
    });
  }
});
