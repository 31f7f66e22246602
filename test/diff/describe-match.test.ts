// How a match reads in diff and explain output: in Istio's terms, not Envoy's.
import { describe, expect, it } from 'vitest';
import type { IrMatch } from '../../src/compile/ir/types.ts';
import { describeMatch } from '../../src/diff/describe.ts';

const m = (over: Partial<IrMatch>): IrMatch => ({ ignoreCase: false, headers: [], queryParams: [], ...over });

describe('describeMatch', () => {
  it("says method, authority and scheme as Istio's match fields, not as Envoy pseudo-headers", () => {
    expect(describeMatch(m({ headers: [{ name: ':method', value: { kind: 'exact', value: 'GET' }, invert: false }] }))).toBe('method GET');
    expect(describeMatch(m({ headers: [{ name: ':authority', value: { kind: 'prefix', value: 'api.' }, invert: false }] }))).toBe('authority prefix api.');
    expect(describeMatch(m({ headers: [{ name: ':scheme', value: { kind: 'regex', value: 'https?' }, invert: false }] }))).toBe('scheme ~ /https?/');
    expect(describeMatch(m({ headers: [{ name: ':method', value: { kind: 'exact', value: 'DELETE' }, invert: true }] }))).toBe('not method DELETE');
  });

  it('keeps ordinary headers, paths and queries as before', () => {
    expect(
      describeMatch(
        m({
          path: { kind: 'prefix', value: '/api' },
          headers: [{ name: 'end-user', value: { kind: 'exact', value: 'jason' }, invert: false }],
          queryParams: [{ name: 'debug' }],
        }),
      ),
    ).toBe('prefix /api, header end-user=jason, query debug present');
    expect(describeMatch(m({}))).toBe('any request');
  });
});
