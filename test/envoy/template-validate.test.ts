// The repository template users start from, compiled end to end (folder → compile()), must
// give static bootstraps the real Envoy accepts, for every view (sidecars and gateways), without
// a deprecation warning Envoy would log at every start.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { KEPT_DEPRECATED_FIELDS } from '../support/envoy-deprecations.ts';
import { validateConfig } from '../support/envoy-process.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-template-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('config-repo-template through compile() and envoy --mode validate', () => {
  it('compiles, and every view’s static bootstrap passes validation', async () => {
    const read = await readFolder(TEMPLATE);
    if (!read.ok) throw new Error(read.error.message);
    const result = compile(read.bundle);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const snapshot = result.snapshot!;
    expect(snapshot.views.length).toBeGreaterThan(1);
    const deprecated = new Set<string>();
    for (const view of snapshot.views) {
      const file = path.join(tmp, `${view.name.replaceAll('~', '_')}.json`);
      fs.writeFileSync(file, JSON.stringify(staticBootstrap(snapshot, view.name, { adminPort: 0 })));
      const res = validateConfig(file);
      expect(res.output, view.name).toContain('OK');
      expect(res.ok, `${view.name}: ${res.output}`).toBe(true);
      for (const field of res.deprecated) deprecated.add(field);
    }
    // Envoy warns about no deprecated field but the one kept on purpose (its DNS cluster, the
    // payments API, included); that one shows Envoy's warnings are read at all.
    expect([...deprecated]).toEqual([...KEPT_DEPRECATED_FIELDS.keys()]);
  });
});
