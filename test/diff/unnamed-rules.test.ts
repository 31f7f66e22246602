// Rules without a `name` are named by their index, which is no identity once a rule above them
// went or came: the diff pairs them by match, then by what they do, then by where they send,
// and by index only where the rules line up one for one; else removed and added.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IrForward, IrMatch, IrRoute } from '../../src/compile/ir/types.ts';
import { diffIr, renderDiffMarkdown, renderDiffText } from '../../src/diff/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { cluster, cname, forward, match, mesh, route, table, view, vhost } from './ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V2 = cname('reviews', 'v2');
const V3 = cname('reviews', 'v3');

const prefix = (value: string): IrMatch => match({ path: { kind: 'prefix', value } });
const header = (name: string, value: string): IrMatch => match({ headers: [{ name, value: { kind: 'prefix', value }, invert: false }] });
/** A route of rule `rule` (an index, or a name) of VirtualService default/reviews. */
const rule = (r: string | number, m: IrMatch, action = forward([V3, 100]), extra: Partial<IrRoute> = {}) =>
  route(`vs/default/reviews/http/${r}/match/0`, { match: m, action, ...extra });

function changes(before: IrRoute[], after: IrRoute[]) {
  const d = diffIr(
    mesh([view('sidecar', [table('9080', [vhost('reviews', before)])])], [cluster(V1), cluster(V2), cluster(V3)]),
    mesh([view('sidecar', [table('9080', [vhost('reviews', after)])])], [cluster(V1), cluster(V2), cluster(V3)]),
  );
  return (d.views[0]?.hosts[0]?.routes ?? []).map((r) => [r.change, r.name, r.previousName, r.summary]);
}

const TIMEOUT_5S = { ...(forward([V3, 100]) as IrForward), timeoutMs: 5000 };

describe('diffIr: unnamed rules', () => {
  it('pairs a rule whose match changed by what it does, when an unnamed rule above it was removed', () => {
    const before = [rule(0, header('x-beta', '1')), rule(1, prefix('/api'), TIMEOUT_5S), rule(2, match(), forward([V1, 100]))];
    const after = [rule(0, prefix('/api/v2'), TIMEOUT_5S), rule(1, match(), forward([V1, 100]))];
    expect(changes(before, after)).toEqual([
      ['removed', 'vs/default/reviews/http/0/match/0', undefined, ['forward to reviews v3 100%']],
      ['changed', 'vs/default/reviews/http/0/match/0', 'vs/default/reviews/http/1/match/0', ['match: prefix /api → prefix /api/v2']],
    ]);
  });

  it('prefers the rule whose match is of the same kind when two do the same', () => {
    const before = [rule(0, header('x-beta', '1'), TIMEOUT_5S), rule(1, prefix('/api'), TIMEOUT_5S)];
    const after = [rule(0, prefix('/api/v2'), TIMEOUT_5S)];
    expect(changes(before, after).map(([change, name, was]) => [change, name, was])).toEqual([
      ['removed', 'vs/default/reviews/http/0/match/0', undefined],
      ['changed', 'vs/default/reviews/http/0/match/0', 'vs/default/reviews/http/1/match/0'],
    ]);
  });

  it('pairs by where a rule sends when more than its match changed', () => {
    const before = [rule(0, header('x-beta', '1'), forward([V2, 100])), rule(1, prefix('/api'), TIMEOUT_5S)];
    const after = [rule(0, prefix('/api/v2'), { ...TIMEOUT_5S, timeoutMs: 6000 })];
    expect(changes(before, after)).toEqual([
      ['removed', 'vs/default/reviews/http/0/match/0', undefined, ['forward to reviews v2 100%']],
      ['changed', 'vs/default/reviews/http/0/match/0', 'vs/default/reviews/http/1/match/0', ['match: prefix /api → prefix /api/v2', 'timeout: 5s → 6s']],
    ]);
  });

  it('reports removed and added when nothing pairs them and the rules no longer line up', () => {
    const before = [rule(0, header('x-beta', '1'), forward([V2, 100])), rule(1, prefix('/api'), TIMEOUT_5S)];
    const after = [rule(0, prefix('/api/v2'), forward([V1, 100]))];
    expect(changes(before, after).map(([change, name]) => [change, name])).toEqual([
      ['removed', 'vs/default/reviews/http/0/match/0'],
      ['removed', 'vs/default/reviews/http/1/match/0'],
      ['added', 'vs/default/reviews/http/0/match/0'],
    ]);
  });

  it('still reads a rule edited in place, its match and destination both, as one change', () => {
    const before = [rule(0, prefix('/a'), forward([V1, 100])), rule(1, prefix('/b'), forward([V2, 100]))];
    const after = [rule(0, prefix('/a2'), forward([V3, 100])), rule(1, prefix('/b'), forward([V2, 100]))];
    expect(changes(before, after)).toEqual([
      ['changed', 'vs/default/reviews/http/0/match/0', undefined, ['match: prefix /a → prefix /a2', 'reviews: v1 100→0, v3 0→100']],
    ]);
  });

  it('keeps pairing a named rule by its name', () => {
    const before = [rule('beta', header('x-beta', '1'), TIMEOUT_5S), rule('api', prefix('/api'), forward([V1, 100]))];
    const after = [rule('api', prefix('/api/v2'), TIMEOUT_5S)];
    expect(changes(before, after)).toEqual([
      ['removed', 'vs/default/reviews/http/beta/match/0', undefined, ['forward to reviews v3 100%', 'timeout: 5s']],
      ['changed', 'vs/default/reviews/http/api/match/0', undefined, ['match: prefix /api → prefix /api/v2', 'reviews: v1 100→0, v3 0→100', 'timeout: none → 5s']],
    ]);
  });

  it('never pairs unnamed rules of two VirtualServices', () => {
    const other = (m: IrMatch) => route('vs/default/other/http/0/match/0', { match: m, action: TIMEOUT_5S });
    const before = [rule(0, header('x-beta', '1')), other(prefix('/api'))];
    const after = [rule(0, prefix('/api/v2'), TIMEOUT_5S)];
    const d = changes(before, after);
    expect(d.find(([change]) => change === 'changed')?.[2]).not.toBe('vs/default/other/http/0/match/0');
  });

  it('renders the pairing in text and markdown', () => {
    const before = [rule(0, header('x-beta', '1')), rule(1, prefix('/api'), TIMEOUT_5S)];
    const after = [rule(0, prefix('/api/v2'), TIMEOUT_5S)];
    const reviews = (routes: IrRoute[]) => mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])])], [cluster(V3)]);
    const d = diffIr(reviews(before), reviews(after));
    expect(renderDiffText(d)).toContain('~ vs/default/reviews/http/0/match/0 (was vs/default/reviews/http/1/match/0) [prefix /api/v2]: match: prefix /api → prefix /api/v2');
    expect(renderDiffMarkdown(d)).toContain('| ✏️ changed | `vs/default/reviews/http/0/match/0` (was `vs/default/reviews/http/1/match/0`)<br>reviews.yaml:10 | prefix /api/v2 | match: prefix /api → prefix /api/v2 |');
  });
});

const REVIEWS = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
    - {address: 10.0.0.1, labels: {version: v1}}
    - {address: 10.0.0.3, labels: {version: v3}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v3, labels: {version: v3}}
`;

function vs(rules: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
${rules}    - route:
        - destination: {host: reviews, subset: v1}
`;
}

const BETA_RULE = `    - match:
        - headers:
            x-beta: {prefix: "1"}
      route:
        - destination: {host: reviews, subset: v3}
`;
const apiRule = (uri: string) => `    - match:
        - uri: {prefix: ${uri}}
      route:
        - destination: {host: reviews, subset: v3}
      timeout: 5s
`;

describe('meshlog diff: an unnamed rule removed above one whose match changed', () => {
  let repo: TestRepo;
  let base: string;
  let head: string;

  beforeAll(() => {
    repo = createRepo();
    repo.write({ 'registry/reviews.yaml': REVIEWS, 'routing/reviews-vs.yaml': vs(BETA_RULE + apiRule('/api')) });
    base = repo.commit('beta and api rules');
    repo.write({ 'routing/reviews-vs.yaml': vs(apiRule('/api/v2')) });
    head = repo.commit('remove beta, api → /api/v2');
  });
  afterAll(() => repo.cleanup());

  it('shows the beta rule removed and the api rule\'s match changed', async () => {
    const r = await runCli(['diff', base, head, '--repo', repo.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('1 route removed, 1 route changed in 2 views');
    expect(r.stdout).toContain('- vs/shop/reviews/http/0/match/0 [header x-beta prefix 1]: forward to reviews v3 100%  (was routing/reviews-vs.yaml:7)\n');
    expect(r.stdout).toContain(
      '~ vs/shop/reviews/http/0/match/0 (was vs/shop/reviews/http/1/match/0) [prefix /api/v2]: match: prefix /api → prefix /api/v2  (routing/reviews-vs.yaml:7)\n',
    );
    expect(r.stdout).not.toContain('x-beta prefix 1 →');
    const md = await runCli(['diff', base, head, '--repo', repo.dir, '-o', 'markdown']);
    expect(md.stdout).toContain('| ➖ removed | `vs/shop/reviews/http/0/match/0`<br>routing/reviews-vs.yaml:7 | header x-beta prefix 1 | forward to reviews v3 100% |');
    expect(md.stdout).toContain('| ✏️ changed | `vs/shop/reviews/http/0/match/0` (was `vs/shop/reviews/http/1/match/0`)<br>routing/reviews-vs.yaml:7 | prefix /api/v2 | match: prefix /api → prefix /api/v2 |');
  });
});
