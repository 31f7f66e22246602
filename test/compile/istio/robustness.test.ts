// The front end never throws on input that passed the loader: user mistakes are
// diagnostics. Generated variations of every golden input (lines dropped, documents
// duplicated or renamed into conflicts, names swapped between resources) must each give
// diagnostics or an IR — and an IR only when there is no error — and every IR must keep
// the invariants Envoy enforces (unique domains per route table, a cluster behind every
// route and mirror). Seeded, so reproducible.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';
import { prng } from '../../support/prng.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');
const inputs = fs
  .readdirSync(GOLDEN)
  .filter((f) => f.endsWith('.in.yaml'))
  .sort()
  .map((f) => fs.readFileSync(path.join(GOLDEN, f), 'utf8'));

const NAMES = ['reviews', 'ratings', 'api.example.com', '*', '*.example.com', 'default/gw', 'mesh', 'v1', 'v9', 'bookinfo', '.'];

function mutate(text: string, rand: () => number): string {
  const lines = text.split('\n');
  const pick = () => Math.floor(rand() * lines.length);
  const ops = 1 + Math.floor(rand() * 4);
  for (let k = 0; k < ops; k++) {
    const i = pick();
    const line = lines[i] ?? '';
    switch (Math.floor(rand() * 4)) {
      case 0: // drop a line
        lines.splice(i, 1);
        break;
      case 1: // duplicate a line (duplicate keys, extra list items)
        lines.splice(i, 0, line);
        break;
      case 2: // swap a scalar for another name the checks care about
        lines[i] = line.replace(/:\s*([\w.*/-]+)\s*$/, `: ${NAMES[Math.floor(rand() * NAMES.length)]}`);
        break;
      default: // append a copy of the whole input under other names (conflicts)
        lines.push('---', ...text.split('\n').map((l) => l.replace(/name: (\S+)/, 'name: $1-copy')));
    }
  }
  return lines.join('\n');
}

describe('buildIr on generated variations', () => {
  it('never throws, and returns an IR exactly when there is no error', () => {
    const rand = prng(20261123);
    let withIr = 0;
    let withErrors = 0;
    for (let round = 0; round < 12; round++) {
      for (const text of inputs) {
        const variant = mutate(text, rand);
        let result: ReturnType<typeof buildIr>;
        try {
          result = buildIr([file('variant.yaml', variant)]);
        } catch (e) {
          throw new Error(`buildIr threw on:\n${variant}\n${(e as Error).stack}`);
        }
        const errors = result.diagnostics.some((d) => d.severity === 'error');
        expect(errors ? result.ir === undefined : result.ir !== undefined).toBe(true);
        if (result.ir) {
          withIr++;
          expect(envoyInvariants(result.ir), variant).toEqual([]);
        }
        if (errors) withErrors++;
      }
    }
    // Both outcomes were exercised.
    expect(withIr).toBeGreaterThan(10);
    expect(withErrors).toBeGreaterThan(10);
  });
});

function envoyInvariants(ir: MeshIR): string[] {
  const problems: string[] = [];
  const clusters = new Set(ir.clusters.map((c) => c.name));
  for (const view of ir.views) {
    const names = new Set(view.clusterNames);
    for (const table of view.routeTables) {
      const seen = new Set<string>();
      for (const vhost of table.virtualHosts) {
        if (vhost.domains.length === 0) problems.push(`${view.name}/${table.name}/${vhost.name}: no domains`);
        for (const d of vhost.domains) {
          if (seen.has(d)) problems.push(`${view.name}/${table.name}: domain ${d} twice`);
          seen.add(d);
        }
        for (const r of vhost.routes) {
          if (r.action.kind !== 'forward') continue;
          if (r.action.destinations.length === 0) problems.push(`${r.name}: no destination`);
          for (const c of [...r.action.destinations, ...r.action.mirrors].map((d) => d.cluster)) {
            if (!clusters.has(c) || !names.has(c)) problems.push(`${view.name}: ${r.name} → missing cluster ${c}`);
          }
        }
      }
    }
  }
  return problems;
}
