// The fast schema checker (src/compile/schema/fast-check.ts) against zod itself: whenever
// the checker answers, zod must accept the document and return the same value, key order
// included — over the golden inputs, the config-repo template, docs/fixtures, the fuzz seeds
// and their mutations, the benchmark's generated mesh, and values mutated node by node.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateMesh } from '../../../bench/compile/generate.ts';
import { classify } from '../../../src/compile/parse/classify.ts';
import { parseYamlFile } from '../../../src/compile/parse/yaml-documents.ts';
import { compileFastCheck, UNSURE } from '../../../src/compile/schema/fast-check.ts';
import { DOCUMENT_SCHEMAS, type SupportedKind } from '../../../src/compile/schema/index.ts';
import { mutate, prng } from '../fuzz/mutate.ts';
import { SEEDS } from '../fuzz/seeds.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');
const KINDS = Object.keys(DOCUMENT_SCHEMAS) as SupportedKind[];
const CHECKS = Object.fromEntries(KINDS.map((k) => [k, compileFastCheck(DOCUMENT_SCHEMAS[k])]));

/** A value as a comparable tree that keeps key order and tells -0, NaN, undefined apart. */
function canon(v: unknown): unknown {
  if (Array.isArray(v)) return ['array', v.map(canon)];
  if (v !== null && typeof v === 'object') return ['object', Object.keys(v).map((k) => [k, canon((v as Record<string, unknown>)[k])])];
  if (typeof v === 'number') return ['number', Object.is(v, -0) ? '-0' : String(v)];
  return [typeof v, v];
}

interface Tally {
  fast: number;
  zodOnly: number;
}

/** Asserts the checker's contract on one document; returns whether it answered. */
function agree(kind: SupportedKind, value: unknown, tally: Tally, where: string): void {
  const check = CHECKS[kind];
  const zod = DOCUMENT_SCHEMAS[kind].safeParse(structuredClone(value));
  if (!check) return;
  const copied = check(structuredClone(value), false);
  const reused = check(structuredClone(value), true);
  expect(copied === UNSURE, `${where}: copy and reuse modes disagree`).toBe(reused === UNSURE);
  if (copied === UNSURE) {
    if (zod.success) tally.zodOnly++;
    return;
  }
  tally.fast++;
  expect(zod.success, `${where}: fast check said yes, zod said ${JSON.stringify(zod.error?.issues.slice(0, 2))}`).toBe(true);
  expect(canon(copied), where).toEqual(canon(zod.data));
  expect(canon(reused), where).toEqual(canon(zod.data));
}

function documentsOf(file: string, text: string): { kind: SupportedKind; value: Record<string, unknown> }[] {
  const out: { kind: SupportedKind; value: Record<string, unknown> }[] = [];
  for (const fast of [true, false]) {
    for (const doc of parseYamlFile(file, text, 1000, { fast }).documents) {
      const { apiVersion, kind } = doc.value;
      if (typeof apiVersion !== 'string' || typeof kind !== 'string') continue;
      const c = classify(apiVersion, kind);
      if (c.action === 'load') out.push({ kind: c.kind, value: doc.value });
      if (apiVersion === 'v1' && kind === 'List' && Array.isArray(doc.value.items)) {
        for (const item of doc.value.items as unknown[]) {
          const i = item as Record<string, unknown>;
          if (i && typeof i.apiVersion === 'string' && typeof i.kind === 'string') {
            const ic = classify(i.apiVersion, i.kind);
            if (ic.action === 'load') out.push({ kind: ic.kind, value: i });
          }
        }
      }
    }
  }
  return out;
}

function yamlFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFilesUnder(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out;
}

const ODD: readonly unknown[] = [
  null, undefined, 0, -0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, 2 ** 53 - 1, '', 'x', '10s', true, false,
  [], {}, ['a'], { a: 'b' }, { exact: 'a' }, { number: 80 }, 'DNS', 'ROUND_ROBIN',
];

/** Every node of a tree with a way to replace or delete it. */
function nodes(root: unknown): { parent: Record<string | number, unknown>; key: string | number }[] {
  const out: { parent: Record<string | number, unknown>; key: string | number }[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach((x, i) => (out.push({ parent: v as unknown as Record<number, unknown>, key: i }), walk(x)));
    else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push({ parent: v as Record<string, unknown>, key: k }), walk(x);
  };
  walk(root);
  return out;
}

/** Node-level mutations: retype, delete, add an unknown key, reorder a mapping's keys, `__proto__`. */
function mutations(value: Record<string, unknown>, r: () => number, count: number): unknown[] {
  const out: unknown[] = [];
  for (let n = 0; n < count; n++) {
    const copy = structuredClone(value);
    const all = nodes(copy);
    const { parent, key } = all[Math.floor(r() * all.length)]!;
    const op = Math.floor(r() * 5);
    if (op === 0) parent[key] = structuredClone(ODD[Math.floor(r() * ODD.length)]);
    else if (op === 1 && Array.isArray(parent)) parent.splice(key as number, 1);
    else if (op === 1) delete parent[key];
    else if (op === 2 && !Array.isArray(parent)) parent[`${String(key)}x`] = parent[key];
    else if (op === 3 && !Array.isArray(parent)) {
      // Same entries, reversed order: the output must still be in the schema's order.
      const entries = Object.entries(parent).reverse();
      for (const [k] of entries) delete parent[k];
      for (const [k, v] of entries) parent[k] = v;
    } else if (op === 4 && !Array.isArray(parent)) Object.defineProperty(parent, '__proto__', { value: { a: 1 }, enumerable: true, configurable: true, writable: true });
    else parent[key] = structuredClone(ODD[Math.floor(r() * ODD.length)]);
    out.push(copy);
  }
  return out;
}

describe('fast schema check agrees with zod', () => {
  it('compiles for every kind except MeshConfig (its defaults stay with zod)', () => {
    expect(KINDS.filter((k) => CHECKS[k] === undefined)).toEqual(['MeshConfig']);
  });

  it('on the golden inputs, the template, the fixtures and docs examples, with node mutations', () => {
    const files = [...yamlFilesUnder(path.join(ROOT, 'test')), ...yamlFilesUnder(path.join(ROOT, 'config-repo-template'))];
    const tally: Tally = { fast: 0, zodOnly: 0 };
    const r = prng(7);
    let docs = 0;
    for (const file of files) {
      for (const { kind, value } of documentsOf(file, readFileSync(file, 'utf8'))) {
        docs++;
        agree(kind, value, tally, file);
        for (const [i, m] of mutations(value, r, 12).entries()) agree(kind, m, tally, `${file} mutation ${i}`);
      }
    }
    expect(docs).toBeGreaterThan(100);
    // The checker must answer for the valid documents, or it saves nothing.
    expect(tally.fast).toBeGreaterThan(docs);
  }, 120_000);

  it('on the fuzz seeds and 400 textual/structural mutations of them', () => {
    const tally: Tally = { fast: 0, zodOnly: 0 };
    const r = prng(20261124);
    const texts = [...SEEDS];
    for (let i = 0; i < 400; i++) texts.push(new TextDecoder().decode(mutate(r, SEEDS)));
    for (const [i, text] of texts.entries()) {
      for (const { kind, value } of documentsOf(`case-${i}.yaml`, text)) {
        agree(kind, value, tally, `case ${i}`);
        for (const [j, m] of mutations(value, r, 4).entries()) agree(kind, m, tally, `case ${i} mutation ${j}`);
      }
    }
    expect(tally.fast).toBeGreaterThan(200);
  }, 120_000);

  it('on the benchmark mesh: every document answered without zod', () => {
    const tally: Tally = { fast: 0, zodOnly: 0 };
    for (const f of generateMesh(40, 2)) {
      for (const { kind, value } of documentsOf(f.path, new TextDecoder().decode(f.bytes))) agree(kind, value, tally, f.path);
    }
    expect(tally.zodOnly).toBe(0);
    expect(tally.fast).toBeGreaterThan(100);
  });

  it('hands on unchanged nodes in reuse mode and copies in copy mode', () => {
    const check = CHECKS.DestinationRule!;
    const doc = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r' }, spec: { subsets: [{ name: 'v1' }], host: 'r' } };
    const reused = check(doc, true) as typeof doc;
    const copied = check(doc, false) as typeof doc;
    expect(reused).not.toBe(doc); // spec's keys are out of the schema's order: a copy in order
    expect(Object.keys(reused.spec)).toEqual(['host', 'subsets']);
    expect(reused.metadata).toBe(doc.metadata);
    expect(reused.spec.subsets).toBe(doc.spec.subsets);
    expect(copied.metadata).not.toBe(doc.metadata);
    expect(copied.spec.subsets[0]).not.toBe(doc.spec.subsets[0]);
  });
});
