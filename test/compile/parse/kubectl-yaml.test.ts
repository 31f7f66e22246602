// meshlog reads YAML as kubectl does. The answers are kubectl's own: KUBECTL_ANSWERS is what
// sigs.k8s.io/yaml v1.4.0's YAMLToJSON (what `kubectl apply` turns a manifest into JSON with)
// made of each text, recorded by the Go program in scripts/kubectl-yaml-oracle (re-run it there
// with `go run . > ../../test/compile/parse/kubectl-yaml-answers.ts` after adding a case).
// Both YAML paths, the fast one and the `yaml` package, must give that answer.
import { describe, expect, it } from 'vitest';
import { fastParseYaml } from '../../../src/compile/parse/fast-yaml.ts';
import { parseYamlFile } from '../../../src/compile/parse/yaml-documents.ts';
import { KUBECTL_ANSWERS } from './kubectl-yaml-answers.ts';

/**
 * Where meshlog knowingly answers otherwise than kubectl:
 * - duplicate keys (as kubectl reads them) are an error (ML1002), where kubectl keeps the last;
 * - `[?b]` and `{?a: b}` are refused (ML1020): kubectl reads a mapping there, surely not what
 *   was meant (a `?` anywhere else in such a value makes kubectl fail);
 * - explicit tags on scalars (`!!int "017"`) keep the `yaml` package's YAML 1.2 reading.
 */
const KNOWN_DIFFERENCES = new Set(['v: {on: 1, y: 2}', '{on: 1, true: 2}', '{1: a, 01: b}', 'v: [?b]', 'v: {?a: b}', 'v: !!int "017"', 'v: !!bool "yes"', 'v: !!float 1']);

/** Both paths' reading of `text`: the value and the kubectl notes of its one document, and any YAML error. */
function read(text: string, fast: boolean) {
  const r = parseYamlFile('f.yaml', text, 10, { fast });
  const doc = r.documents[0];
  return { value: doc?.value, notes: doc?.kubectlNotes ?? [], errors: r.diagnostics.filter((d) => d.severity === 'error') };
}

describe('YAML as kubectl reads it (sigs.k8s.io/yaml, go-yaml v2)', () => {
  it('reads every text of the table as kubectl does, on both paths', () => {
    // One test over the whole table, every difference listed (expect.soft): a change of rule
    // usually moves several cases at once.
    expect(KUBECTL_ANSWERS.length).toBeGreaterThan(200);
    for (const answer of KUBECTL_ANSWERS) {
      if (KNOWN_DIFFERENCES.has(answer.yaml)) continue;
      const text = `${answer.yaml}\n`;
      const label = JSON.stringify(answer.yaml);
      const full = read(text, false);
      expect.soft(read(text, true), `${label}: the fast path agrees`).toEqual(full);
      const refused = full.errors.length > 0 || full.notes.some((n) => n.kind === 'refused');
      if (answer.error !== undefined) {
        // kubectl fails on it; meshlog says so (a YAML error, or ML1020 where meshlog could read it).
        expect.soft(refused, `${label}: kubectl says ${answer.error}`).toBe(true);
      } else {
        expect.soft(refused, `${label}: kubectl reads it`).toBe(false);
        expect.soft(full.value, label).toEqual(JSON.parse(answer.json!));
      }
    }
  });

  it('takes the fast path for the flow scalars and YAML 1.1 words of real config', () => {
    for (const text of ['v: [1.2.3.4, 001:db8::]\n', 'v: [2001:db8::, 10.0.0.1]\n', 'v: {a: b:}\n', 'a: yes\nb: [on, Off, n]\nc: 0b101\nd: 1_000\n']) {
      expect(fastParseYaml(text, 100), text).toBeDefined();
    }
  });
});
