// Same content ⇒ same IR, whatever order files arrive in and documents are written in.
// File order must not change anything at all. Document order moves line numbers, so there
// the IR is compared with `source` links (file:line pointers) left out.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';
import { TEMPLATE_FILES, file } from './support.ts';
import { prng } from '../../support/prng.ts';

const GOLDEN = path.join(import.meta.dirname, '../../golden/ir');

/** A small seeded PRNG (mulberry32): shuffles are random but reproducible. */
function shuffle<T>(items: readonly T[], rand: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** Splits every file into its documents and deals them, shuffled, into `n` new files. */
function redistribute(files: readonly SourceFile[], n: number, rand: () => number): SourceFile[] {
  const docs = files.flatMap((f) =>
    new TextDecoder()
      .decode(f.bytes)
      .split(/^---\s*$/m)
      .filter((d) => d.trim() !== '' && /\bkind:/.test(d)),
  );
  const buckets: string[][] = Array.from({ length: n }, () => []);
  shuffle(docs, rand).forEach((d, i) => buckets[i % n]!.push(d));
  return buckets.map((b, i) => file(`part-${i}.yaml`, b.map((d) => d.trim()).join('\n---\n') + '\n'));
}

function withoutSources(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (k, v: unknown) => (k === 'source' ? undefined : v)));
}

const repos: { name: string; files: SourceFile[] }[] = [
  { name: 'config-repo-template', files: [...TEMPLATE_FILES] },
  {
    name: 'feature golden inputs, as one repository',
    files: [
      'virtual-service-routing', 'virtual-service-actions', 'virtual-service-matches', 'destination-rule-policy-merge',
      'destination-rule-hashing', 'service-entry-resolution', 'kube-service-registry', 'gateway-ingress', 'views-export-to',
    ].map((name) => ({ path: `${name}.in.yaml`, bytes: fs.readFileSync(path.join(GOLDEN, `${name}.in.yaml`)) })),
  },
];

describe('buildIr is deterministic', () => {
  for (const repo of repos) {
    describe(repo.name, () => {
      const reference = buildIr(repo.files);

      it('compiles without errors', () => {
        expect(reference.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
        expect(reference.ir).toBeDefined();
      });

      it('gives a deep-equal IR and diagnostics for shuffled file order', () => {
        for (const seed of [1, 2, 3]) {
          const again = buildIr(shuffle(repo.files, prng(seed)));
          expect(again.ir).toEqual(reference.ir);
          expect(again.diagnostics).toEqual(reference.diagnostics);
        }
      });

      it('gives the same IR (source links aside) for shuffled document order across files', () => {
        for (const seed of [7, 8]) {
          const rand = prng(seed);
          const again = buildIr(redistribute(repo.files, 3, rand));
          expect(again.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
          expect(withoutSources(again.ir)).toEqual(withoutSources(reference.ir));
        }
      });
    });
  }
});
