// renderYaml writes JSON-shaped values itself (src/cli/fast-yaml-out.ts) and must give exactly
// the text the `yaml` package gives: compared on what meshlog writes as YAML — every golden
// scenario's config dump (`compile -o yaml`) and static bootstraps (`--bootstrap-dir`), the
// template's — and on seeded random values full of characters YAML treats specially.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastYaml } from '../../src/cli/fast-yaml-out.ts';
import { renderYaml, renderYamlByPackage } from '../../src/cli/output.ts';
import { configDump } from '../../src/envoy/config-dump.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { compileYaml } from '../support/compile-yaml.ts';
import { TEMPLATE_FILES } from '../compile/istio/support.ts';
import { prng } from '../support/prng.ts';

const GOLDEN = path.join(import.meta.dirname, '../golden/ir');
const byPackage = (scalar: string | number) => renderYamlByPackage(scalar).replace(/\n$/, '');

function outputs(): { name: string; value: unknown }[] {
  const inputs = fs
    .readdirSync(GOLDEN)
    .filter((f) => f.endsWith('.in.yaml'))
    .sort()
    .map((f) => ({ name: f, yaml: fs.readFileSync(path.join(GOLDEN, f), 'utf8') }));
  inputs.push({ name: 'config-repo-template', yaml: TEMPLATE_FILES.map((f) => new TextDecoder().decode(f.bytes)).join('\n---\n') });
  const out: { name: string; value: unknown }[] = [];
  for (const { name, yaml } of inputs) {
    const snapshot = compileYaml(yaml).snapshot;
    if (!snapshot) continue;
    out.push({ name: `${name} config dump`, value: configDump(snapshot) });
    for (const view of snapshot.views) {
      if (view.kind !== 'grpc') out.push({ name: `${name} bootstrap ${view.name}`, value: staticBootstrap(snapshot, view.name, { adminPort: 0 }) });
    }
  }
  return out;
}

describe('renderYaml', () => {
  it("writes meshlog's config dumps and bootstraps itself, exactly as the yaml package does", () => {
    const cases = outputs();
    expect(cases.length).toBeGreaterThan(100);
    for (const { name, value } of cases) {
      const fast = fastYaml(value, byPackage);
      // Taken for every one of them: otherwise this test would only compare the package with itself.
      expect(fast, name).toBeDefined();
      expect(fast, name).toBe(renderYamlByPackage(value));
      expect(renderYaml(value), name).toBe(fast);
    }
  });

  it('gives the same text as the yaml package for random values with special characters, or leaves them to it', () => {
    const rand = prng(20261207);
    const chars = 'aZ09_-./|~*@+=:# \'"!%&`,[]{}?>\\\t\u00e9\u2028\u0085\u007f\n';
    const words = ['true', 'False', 'NULL', 'yes', 'on', '~', '1.5', '10.0.0.1', '0x10', '1e3', '.inf', '-', '', '---', '...', '%x', 'a: b', 'a #b', '@type', ':authority', 'outbound|80||a.b'];
    const text = (): string => {
      if (rand() < 0.5) return words[Math.floor(rand() * words.length)]!;
      let s = '';
      for (let n = Math.floor(rand() * 8); n > 0; n--) s += chars[Math.floor(rand() * chars.length)];
      return s;
    };
    const value = (depth: number): unknown => {
      const r = rand();
      if (depth > 3 || r < 0.4) return [text(), Math.floor(rand() * 1e6) - 5e5, rand(), true, false, null, -0, 2 ** 60][Math.floor(rand() * 8)];
      if (r < 0.75) {
        const o: Record<string, unknown> = {};
        for (let n = Math.floor(rand() * 4); n > 0; n--) o[rand() < 0.5 ? text() : `field_${n}`] = rand() < 0.1 ? undefined : value(depth + 1);
        return o;
      }
      return Array.from({ length: Math.floor(rand() * 4) }, () => value(depth + 1));
    };
    let written = 0;
    for (let i = 0; i < 3000; i++) {
      const v = { root: value(0), list: [value(0), value(0)] };
      const fast = fastYaml(v, byPackage);
      if (fast === undefined) continue;
      written++;
      expect(fast, JSON.stringify(v)).toBe(renderYamlByPackage(v));
    }
    expect(written).toBeGreaterThan(500);
  });
});
