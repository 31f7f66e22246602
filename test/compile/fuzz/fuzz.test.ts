// Generative fuzzing of parse → validate (→ compile): seeded mutations of valid Istio YAML.
// The property: never throws; always answers with diagnostics and/or resources; every
// diagnostic is registered and points into a file. Crashers found are kept as
// test/fixtures/bad-input/crash-*.yaml and replayed here first.
import { readFileSync, readdirSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compile/index.ts';
import { loadResources } from '../../../src/compile/parse/load-resources.ts';
import { DIAGNOSTIC_CODES } from '../../../src/core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../../src/core/diagnostics.ts';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';
import { mutate, prng } from './mutate.ts';
import { SEEDS } from './seeds.ts';

const REGISTERED = new Set(DIAGNOSTIC_CODES.map((c) => c.code));
const FIXTURES = new URL('../../fixtures/bad-input/', import.meta.url);

function checkDiagnostics(diagnostics: readonly Diagnostic[], files: readonly SourceFile[]): void {
  const paths = new Set(files.map((f) => f.path));
  for (const d of diagnostics) {
    expect(REGISTERED.has(d.code), `unregistered ${d.code}`).toBe(true);
    if (d.file !== undefined) expect(paths.has(d.file)).toBe(true);
    if (d.line !== undefined) expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.message.length).toBeGreaterThan(0);
  }
}

/** True when the files hold nothing but empty documents (then "no answer" is the right answer). */
function onlyEmpty(files: readonly SourceFile[]): boolean {
  return files.every((f) => {
    try {
      const text = new TextDecoder('utf-8', { fatal: true }).decode(f.bytes);
      return parseAllDocuments(text).every((d) => !('errors' in d) || (d.errors.length === 0 && (d.contents === null || (d.contents as { value?: unknown }).value === null)));
    } catch {
      return false;
    }
  });
}

function inputs(seed: number, count: number): SourceFile[][] {
  const r = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const n = 1 + Math.floor(r() * 3);
    return Array.from({ length: n }, (_, k) => ({ path: `case-${i}/f${k}.yaml`, bytes: mutate(r, SEEDS) }));
  });
}

const total = (x: ReturnType<typeof loadResources>) =>
  x.resources.virtualServices.length + x.resources.destinationRules.length + x.resources.serviceEntries.length +
  x.resources.gateways.length + x.resources.services.length + (x.resources.meshConfig ? 1 : 0);

describe('fuzz', () => {
  it('replays every kept crasher', () => {
    const crashers = readdirSync(FIXTURES).filter((f) => f.startsWith('crash-'));
    for (const name of crashers) {
      const files = [{ path: name, bytes: new Uint8Array(readFileSync(new URL(name, FIXTURES))) }];
      const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files, diagnostics: [] });
      checkDiagnostics(result.diagnostics, files);
    }
  });

  it('loadResources never throws and always answers (800 mutated inputs)', () => {
    for (const [i, files] of inputs(20261123, 800).entries()) {
      let result: ReturnType<typeof loadResources>;
      try {
        result = loadResources(files);
      } catch (e) {
        throw new Error(`case ${i} threw: ${(e as Error).stack}\n--- input:\n${files.map((f) => new TextDecoder().decode(f.bytes)).join('\n=====\n')}`);
      }
      checkDiagnostics(result.diagnostics, files);
      if (result.diagnostics.length === 0 && total(result) === 0) expect(onlyEmpty(files), `case ${i}: no answer`).toBe(true);
    }
  }, 180_000);

  it('compile() never throws on mutated inputs (220 cases)', () => {
    // Half the cases: the whole seed mesh with ONE file mutated, so cross-resource checks and
    // IR building run on nearly-valid meshes; the other half: independent mutated files.
    const r = prng(11);
    const enc = new TextEncoder();
    const meshes = Array.from({ length: 120 }, (_, i) => {
      const j = Math.floor(r() * SEEDS.length);
      return SEEDS.map((s, k) => ({ path: `mesh-${i}/seed${k}.yaml`, bytes: k === j ? mutate(r, [s]) : enc.encode(s) }));
    });
    let valid = 0;
    for (const [i, files] of [...meshes, ...inputs(7, 100)].entries()) {
      try {
        const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files, diagnostics: [] });
        checkDiagnostics(result.diagnostics, files);
        expect(result.valid).toBe(!result.diagnostics.some((d) => d.severity === 'error'));
        if (result.valid) valid++;
      } catch (e) {
        throw new Error(`case ${i} threw: ${(e as Error).stack}\n--- input:\n${files.map((f) => `# ${f.path}\n${new TextDecoder().decode(f.bytes)}`).join('\n=====\n')}`);
      }
    }
    // Some mutations must survive validation, or the IR and xDS stages were never exercised.
    expect(valid).toBeGreaterThan(10);
  }, 180_000);
});
