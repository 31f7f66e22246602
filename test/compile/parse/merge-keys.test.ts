// YAML merge keys (`<<: *anchor`) are resolved, as kubectl resolves them: the merged fields are
// the resource's own (explicit keys win), and one reported is located at its `<<` key.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { loadOne, virtualService } from './helpers.ts';

const rules = (http: string) => virtualService(`  hosts: [reviews]\n  http:\n${http}`);

describe('YAML merge keys', () => {
  it('merge a mapping into another, explicit keys winning, with their own positions', () => {
    const r = loadOne(rules(`  - match:
    - headers: {end-user: {exact: jason}}
    route: &r
    - destination: {host: reviews, subset: v2}
    retries: &retry
      attempts: 3
      perTryTimeout: 2s
  - route: *r
    retries:
      <<: *retry
      attempts: -2
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual(['config.yaml:18:7: error ML3008: attempts -2 is negative [spec.http[1].retries.attempts]']);
    const ok = loadOne(rules(`  - route: [{destination: {host: reviews}}]
    retries: &retry {attempts: 3, perTryTimeout: 2s}
  - route: [{destination: {host: reviews}}]
    retries: {<<: *retry, attempts: 5}
  - route: [{destination: {host: reviews}}]
    headers: {request: {<<: [{set: {x-a: "1"}}, {remove: [x-b]}]}}
`));
    expect(ok.diagnostics).toEqual([]);
    const http = ok.resources.virtualServices[0]!.spec.http!;
    expect(http[1]!.retries).toEqual({ attempts: 5, perTryTimeout: '2s' });
    expect(http[2]!.headers).toEqual({ request: { set: { 'x-a': '1' }, remove: ['x-b'] } });
  });

  it('report a problem in a merged field at the << key that brought it in', () => {
    const r = loadOne(rules(`  - match:
    - uri: &any {prefix: ""}
    route: [{destination: {host: reviews}}]
  - match:
    - queryParams:
        q:
          <<: *any
    route: [{destination: {host: reviews}}]
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:14:11: error ML3019: an empty prefix matches every value and is not allowed here: write {} to require only that it is present, or drop the condition [spec.http[1].match[0].queryParams.q.prefix]',
    ]);
  });

  it('refuse a merge of something other than mappings, at its << key', () => {
    const r = loadOne(rules(`  - route: [{destination: {host: reviews}}]
    retries:
      <<: 5
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:10:7: error ML1001: a merge key (<<) takes a mapping, an alias of one (<<: *defaults) or a list of them ([*a, *b]); this one merges something else',
    ]);
  });
});
