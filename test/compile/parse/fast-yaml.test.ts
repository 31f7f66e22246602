// The fast YAML path must be indistinguishable from the full parser: same documents, same
// indices, same values, same positions for every field — or it must decline. Checked over
// hand-written edge cases, real config (template, bench mesh, fuzz seeds) and mutated input.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { generateMesh } from '../../../bench/compile/generate.ts';
import { fastParseYaml } from '../../../src/compile/parse/fast-yaml.ts';
import type { FieldPath } from '../../../src/compile/parse/types.ts';
import { parseYamlFile } from '../../../src/compile/parse/yaml-documents.ts';
import { mutate, prng } from '../fuzz/mutate.ts';
import { SEEDS } from '../fuzz/seeds.ts';

const EDGE_CASES = [
  'a: 1\n',
  // Only spaces end a plain scalar: a trailing no-break space is part of the value.
  'a: b\u00a0\nc: [d\u00a0, e]\nf\u00a0: 1\ng: h\u00a0 # c\n',
  'a: 1\n---\n',
  '---\na: 1\n---\n---\nb: 2',
  '# lead\n---\na: 1\n',
  '# only comments\n',
  '',
  'a: 1\n# trailing\n...\n',
  '--- # c\na: [1, 2, {b: c}]\n',
  'a: {x: 1, "y": 2, \'z\': 3}\n',
  'n: [0, -0, +1, 0o17, 0x1F, 1.5, -.5, 1e3, .inf, -.Inf, .nan, ~, null, Null, true, False, TRUE, yes, 012, 1_000, 0b1]\n',
  'p: [10.0.0.1, 9080, 10s, 1h30m, 0755, 1.2.3, 1e3x, 0x1g, 1-2, 3+, tcp, nul, nulls, trueish, F, Fa, False]\nq: 10.0.0.1\nr: 1.5.6\n',
  'q: ["a\\"b", \'it\'\'s\', "\\u00e9\\n\\t\\\\", "\\x41"]\n',
  's: http://x.com/a?b=c#frag\nt: a #comment\nu: a#b\nv: -x\nw: :x\n',
  ':authority: x\n"quoted key": 1\n\'single\': 2\n',
  'a:\n- 1\n- b: 2\n  c: 3\n- [4]\nd: e\n',
  'a:\n  - x\n  -   y\nb:\n    c:\n        d: 1\n',
  'a: b: c\n',
  'a:\n  b\n',
  'a: x\n  continued\n',
  'a: |\n  block\n',
  'a: &x 1\nb: *x\n',
  'a: !tag 1\n',
  'a: 1\na: 2\n',
  '- a\n- b\n',
  'just a scalar\n',
  'a: [1,\n  2]\n',
  'a: "multi\n  line"\n',
  '{a: 1}\n',
  'a: {b}\n',
  'a: [b: 1]\n',
  'a: [,]\n',
  'a: []\nb: {}\nc: [ ]\n',
  'a:\n',
  'a: 1\n b: 2\n',
  '- - a\n',
  '-\n  a: 1\n',
  'a: "x" # c\nb: [1] # c\n',
  'a: [1]#c\n',
  'k:v: 1\n',
  '? a\n: b\n',
  'a: 1 # c: d\n',
  '80: http\n',
  '<<: {a: 1}\n',
  'a:    spaced   \n',
  'a: \'\'\nb: ""\n',
  'a: [a b, c  d ]\n',
  'a: [-1, -a, a-]\n',
  'a: {b: [c, {d: [e]}]}\n',
  'a: "\\ud83d\\ude00"\n',
  'weight: 1.0\nport: 08\n',
  'x: 0x\ny: 0o\nz: +.5\n',
  'a: |\n  line 1\n    more\n\n  # not a comment\nb: 1\n',
  'a: |-\n  x\n\n\nb: |+\n  y\n\n\nc: |\n  z\n\n',
  '- |\n  item\n- x\n',
  'a: |\n  last',
  'a: |+\n  last\n\n',
  'a: |2\n  x\n',
  'a: |\n\n  x\n',
  'a:\n  b: |\n    x\n  c: 1\n',
  'a: |\nb: 1\n',
  'a: | # c\n  x\n',
  'a: >\n  folded\n',
  // As kubectl reads YAML (plain-scalar.ts, flow-colons.ts, kubectl-readings.ts).
  'a: [1.2.3.4, 001:db8::]\nb: [2001:db8::, 10.0.0.1]\nc: {d: e:, f: g::}\nh: [i:, j:k, "l":]\n',
  'a: [::1]\n',
  'a: [b, :c]\n',
  'a: {b: /p?q}\n',
  'a: [?b]\n',
  'a: [b?]\n',
  'a: yes\nb: [on, Off, N, y]\nc: {d: NO}\ne: yEs\n',
  'a: 010\nb: -017\nc: 007\nd: 08\ne: 0_17\nf: [0755]\n',
  'a: 0b101\nb: 0X1F\nc: -0x1F\nd: 1_000\ne: 1_000.5\nf: 0O17\ng: +_1\n',
  'a: .inf\n',
  'a: [1, .NaN]\n',
  'on: 1\n',
  'a: {y: 1}\n',
  '010: a\n',
  '~: a\n',
  'a: {on: 1, true: 2}\n',
  'a:\n  <<: {b: 010}\n  c: 1\n',
  'a: [\n  2001:db8::,\n  b]\n',
];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.name.startsWith('.') ? [] : e.isDirectory() ? files(join(dir, e.name)) : /\.ya?ml$/.test(e.name) ? [join(dir, e.name)] : [],
  );
}

function allPaths(value: unknown, prefix: (string | number)[] = [], out: FieldPath[] = []): FieldPath[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => allPaths(v, [...prefix, i], out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) allPaths(v, [...prefix, k], out);
  return out;
}

/** Returns whether the fast path accepted the text; fails the test on any difference. */
function compare(text: string, label: string): boolean {
  const fast = parseYamlFile('f.yaml', text, 1000);
  const full = parseYamlFile('f.yaml', text, 1000, { fast: false });
  const accepted = fastParseYaml(text, 100) !== undefined && full.diagnostics.length === 0 && full.documents.length === fast.documents.length;
  expect(fast.diagnostics, label).toEqual(full.diagnostics);
  expect(fast.documentCount, label).toBe(full.documentCount);
  expect(fast.documents.map((d) => d.docIndex), label).toEqual(full.documents.map((d) => d.docIndex));
  fast.documents.forEach((doc, i) => {
    const other = full.documents[i]!;
    expect(doc.value, label).toEqual(other.value);
    expect(doc.kubectlNotes, label).toEqual(other.kubectlNotes);
    for (const path of allPaths(doc.value)) expect(doc.locate(path), `${label} @ ${path.join('.')}`).toEqual(other.locate(path));
    expect(doc.locate(['no', 'such', 'path']), label).toEqual(other.locate(['no', 'such', 'path']));
  });
  return accepted;
}

describe('fast YAML path', () => {
  it('matches the full parser on edge cases', () => {
    EDGE_CASES.forEach((text, i) => compare(text, `edge case ${i}: ${JSON.stringify(text)}`));
  });

  it('takes the fast path for real mesh config, with identical results', () => {
    const template = files(new URL('../../../config-repo-template/', import.meta.url).pathname).map((f) => readFileSync(f, 'utf8'));
    const bench = generateMesh(20).map((f) => new TextDecoder().decode(f.bytes));
    for (const [i, text] of [...template, ...bench, ...SEEDS].entries()) expect(compare(text, `real config ${i}`), `real config ${i} took the slow path`).toBe(true);
  });

  it('reads YAML 1.1 scalars and colons in flow collections as kubectl does, fast where kubectl agrees with the text', () => {
    const cases: [string, unknown, boolean][] = [
      // text, the value both paths give, whether the fast path takes it
      ['a: [1.2.3.4, 001:db8::]\n', { a: ['1.2.3.4', '001:db8::'] }, true],
      ['a: [2001:db8::, 10.0.0.1]\n', { a: ['2001:db8::', '10.0.0.1'] }, true],
      ['a: {b: c:, d: e::}\n', { a: { b: 'c:', d: 'e::' } }, true],
      ['a: [\n  2001:db8::,\n  b]\n', { a: ['2001:db8::', 'b'] }, false],
      ['a: yes\nb: [on, Off, N, y]\nc: yEs\n', { a: true, b: [true, false, false, true], c: 'yEs' }, true],
      ['a: 0b101\nb: 0X1F\nc: -0x1F\nd: 1_000\ne: 007\nf: 08\n', { a: 5, b: 31, c: -31, d: 1000, e: 7, f: 8 }, true],
      ['a: 010\n', { a: 8 }, false], // octal: the full path notes it
      ['y: 1\n', { true: 1 }, false], // a key kubectl sends as "true": noted
    ];
    for (const [text, value, fast] of cases) {
      const label = JSON.stringify(text);
      expect(compare(text, label), label).toBe(fast);
      expect(parseYamlFile('f.yaml', text, 10).documents[0]!.value, label).toEqual(value);
    }
  });

  it('matches the full parser on random trees written in many YAML styles', () => {
    const r = prng(5);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    const SCALARS: readonly unknown[] = [
      0, -1, 1.5, 1e21, 'yes', 'no', 'null', '~', '1e3', '0x1F', '0o7', '.inf', 'true', ':x', 'a: b', 'a:b', '#', 'a #b', 'a#b', '- x', '-x',
      '', ' lead', 'trail ', 'é', '✓ ok', 'multi\nline', 'tab\there', "it's", 'say "hi"', '[x]', '{y}', 'a, b', '*', '&a', '!t', '|', '>', '%', '@', '`',
      'http://h:80/p?q#f', '^/api/v[0-9]+$', null, true, false,
      // Strings in YAML 1.2 that kubectl reads otherwise, or only inside flow collections.
      'on', 'Y', 'off', 'No', '010', '-017', '0b1', '0X1F', '1_000', '.5_0', '2001:db8::', '001:db8::1', '::1', 'a:', 'a?b', '?a', '.inf',
    ];
    const tree = (depth: number): unknown => {
      const k = r();
      if (depth > 4 || k < 0.4) return pick(SCALARS);
      if (k < 0.7) return Array.from({ length: Math.floor(r() * 4) }, () => tree(depth + 1));
      return Object.fromEntries(Array.from({ length: Math.floor(r() * 4) }, (_, i) => [pick(['a', 'b-c', 'end-user', ':authority', 'x.y/z', `k${i}`, 'with space', '9']), tree(depth + 1)]));
    };
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const docs = Array.from({ length: 1 + Math.floor(r() * 3) }, () => ({ apiVersion: 'v1', kind: 'K', spec: tree(0) }));
      const options = {
        collectionStyle: pick(['any', 'block', 'flow'] as const),
        defaultStringType: pick(['PLAIN', 'QUOTE_DOUBLE', 'QUOTE_SINGLE'] as const),
        indent: pick([2, 4]),
        indentSeq: r() < 0.5,
        lineWidth: 0,
      };
      const text = docs.map((d) => stringify(d, options)).join(pick(['---\n', '--- # doc\n', '\n---\n']));
      if (compare(text, `tree ${i}: ${JSON.stringify(text)}`)) accepted++;
    }
    expect(accepted).toBeGreaterThan(200);
  });

  it('matches the full parser on 1,500 mutated inputs', () => {
    const r = prng(99);
    let accepted = 0;
    for (let i = 0; i < 1500; i++) {
      const bytes = mutate(r, SEEDS);
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
      } catch {
        continue;
      }
      if (compare(text, `mutation ${i}: ${JSON.stringify(text)}`)) accepted++;
    }
    // The mutations keep many inputs inside the fast subset; if none were, this test checks nothing.
    expect(accepted).toBeGreaterThan(100);
  }, 180_000);
});
