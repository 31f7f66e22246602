// plain-scalar.ts against kubectl's answers one level down from the parser: each case of the
// oracle table that is a single plain scalar (`v: <scalar>`) or a plain key (`<key>: 1`),
// resolved without parsing, so a broken rule shows as itself even where both YAML paths
// would agree on it. The table: test/compile/parse/kubectl-yaml-answers.ts (see
// kubectl-yaml.test.ts for how it is made).
import { describe, expect, it } from 'vitest';
import { kubectlKey, octalReading, resolvePlain } from '../../../src/compile/parse/plain-scalar.ts';
import { KUBECTL_ANSWERS } from './kubectl-yaml-answers.ts';

describe('plain scalars as kubectl resolves them', () => {
  it('gives the value kubectl sends for each one-scalar case', () => {
    let checked = 0;
    for (const answer of KUBECTL_ANSWERS) {
      const value = /^v: ([^[{'"!|&*\n]*)$/.exec(answer.yaml)?.[1];
      if (value === undefined || answer.json === undefined) continue;
      expect(resolvePlain(value), answer.yaml).toEqual((JSON.parse(answer.json) as { v: unknown }).v);
      checked++;
    }
    expect(checked).toBeGreaterThan(130);
  });

  it('gives the key kubectl sends for each one-key case, and null where kubectl refuses the key', () => {
    let checked = 0;
    for (const answer of KUBECTL_ANSWERS) {
      const key = /^([^[{'"!|&*\s][^:\n]*|~): 1$/.exec(answer.yaml)?.[1];
      if (key === undefined) continue;
      expect(kubectlKey(key), answer.yaml).toBe(answer.json === undefined ? null : Object.keys(JSON.parse(answer.json) as object)[0]);
      checked++;
    }
    expect(checked).toBeGreaterThan(30);
  });

  it('tells an octal reading that changes the number from one that does not', () => {
    expect(['010', '-017', '+017', '0_17', '0755', '007', '00', '0', '08', '018', '0o17', '0x10', '10', '1_0'].map(octalReading)).toEqual([
      8, -15, 15, 15, 493, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined, undefined,
    ]);
  });
});
