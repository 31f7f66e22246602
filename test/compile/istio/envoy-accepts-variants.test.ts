// Whatever meshlog accepts, Envoy must accept: a config that validates but that Envoy rejects
// would be NACKed by every proxy it reaches. The golden inputs are fixed scenarios
// (envoy-accepts.test.ts); here seeded variants of them and of the template, with scalar values
// swapped for edge values (0, 65535, huge numbers, empty strings, odd durations, wildcards,
// protocol names) and lines duplicated, go through the whole compile, and the first variants
// that compile without errors, each with a snapshot of its own, are proven view by view with
// the real Envoy's `--mode validate`. Seeded, so a failure reproduces.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { standInTlsFiles } from '../../../src/verify/stand-in-certificate.ts';
import { compileYaml } from '../../support/compile-yaml.ts';
import { validateConfig } from '../../support/envoy-process.ts';
import { TEMPLATE_FILES } from './support.ts';
import { prng } from '../../support/prng.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');
const BASES = [
  ...fs
    .readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.in.yaml'))
    .sort()
    .map((f) => fs.readFileSync(path.join(GOLDEN, f), 'utf8')),
  TEMPLATE_FILES.map((f) => new TextDecoder().decode(f.bytes)).join('\n---\n'),
];
/** Values that sit at an edge of some field's range or meaning. */
const VALUES = ['0', '1', '65535', '65536', '4294967296', '""', '"*"', '0.5', '1ms', '0s', '3600s', '100', '-1', 'true', 'v1', 'mesh', '"*.example.com"', 'HTTP2', 'TCP', 'GRPC', 'UPGRADE', 'LEAST_REQUEST', '"/"', '"[::1]"'];
const WANTED = 40;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-variants-envoy-'));
const tlsFiles = standInTlsFiles(tmp);
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** One to three edits: a block scalar or a flow value replaced by an edge value, or a line duplicated. */
function variant(text: string, rand: () => number): string {
  const lines = text.split('\n');
  const value = () => VALUES[Math.floor(rand() * VALUES.length)]!;
  for (let k = 1 + Math.floor(rand() * 3); k > 0; k--) {
    const i = Math.floor(rand() * lines.length);
    const line = lines[i] ?? '';
    const r = rand();
    if (r < 0.5) lines[i] = line.replace(/:\s*([^\s{}[\],#][^{}[\],#]*?)\s*$/, `: ${value()}`);
    else if (r < 0.8) lines[i] = line.replace(/(\{[^}]*?:\s*)([^,}]+)/, `$1${value()}`);
    else lines.splice(Math.floor(rand() * lines.length), 0, line);
  }
  return lines.join('\n');
}

describe('variants that compile are accepted by a real Envoy', () => {
  it(`the first ${WANTED} distinct compiled variants pass envoy --mode validate, every view`, () => {
    const rand = prng(20261207);
    const seen = new Set<string>();
    const proven: string[] = [];
    for (let tries = 0; proven.length < WANTED && tries < 20_000; tries++) {
      const yaml = variant(BASES[Math.floor(rand() * BASES.length)]!, rand);
      const result = compileYaml(yaml);
      const snapshot = result.snapshot;
      if (!snapshot || seen.has(snapshot.contentHash)) continue;
      seen.add(snapshot.contentHash);
      for (const view of snapshot.views) {
        const file = path.join(tmp, `variant-${proven.length}.${view.name.replaceAll('~', '_')}.yaml`);
        fs.writeFileSync(file, YAML.stringify(staticBootstrap(snapshot, view.name, { adminPort: 0, tlsFiles })));
        const envoy = validateConfig(file);
        expect(envoy.ok, `Envoy rejected view ${view.name} of this config, which meshlog accepted:\n${yaml}\n--- Envoy said:\n${envoy.output}`).toBe(true);
      }
      proven.push(snapshot.contentHash);
    }
    expect(proven).toHaveLength(WANTED);
  });
});
