// An added rule says where it was inserted: the first matching route wins, so `alice-on-v3`
// before the `canary` split takes alice's requests, and after a catch-all it would take none.
// Shown in every output: text and markdown as the first line of its change, json as its
// summary and `insertedBefore` / `insertedAfter` beside `position`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { diffIr, renderDiffMarkdown, renderDiffText } from '../../src/diff/index.ts';
import type { RouteChange } from '../../src/diff/types.ts';
import { runCli, ROOT } from '../cli/run-cli.ts';
import { cluster, cname, forward, match, mesh, route, table, view, vhost } from './ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V3 = cname('reviews', 'v3');
const JASON = 'vs/default/reviews/http/jason/match/0';
const ALICE = 'vs/default/reviews/http/alice/match/0';
const BOB = 'vs/default/reviews/http/bob/match/0';
const CANARY = 'vs/default/reviews/http/canary/match/0';

const user = (name: string) => match({ headers: [{ name: 'end-user', value: { kind: 'exact', value: name }, invert: false }] });
const rule = (name: string, who?: string) => route(name, who ? { match: user(who), action: forward([V3, 100]) } : {});
const reviews = (routes: ReturnType<typeof route>[]) => mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])])], [cluster(V1), cluster(V3)]);
const routeChanges = (before: ReturnType<typeof route>[], after: ReturnType<typeof route>[]): readonly RouteChange[] =>
  diffIr(reviews(before), reviews(after)).views[0]?.hosts[0]?.routes ?? [];

describe('an added rule in the diff', () => {
  const before = [rule(JASON, 'jason'), rule(CANARY)];
  const after = [rule(JASON, 'jason'), rule(ALICE, 'alice'), rule(CANARY)];

  it('names its position and the rule it was inserted before (json data)', () => {
    const [added] = routeChanges(before, after);
    expect(added).toMatchObject({ change: 'added', name: ALICE, position: { after: 2 }, insertedBefore: CANARY });
    expect(added?.insertedAfter).toBeUndefined();
    expect(added?.summary).toEqual([`added at position 2 of 3, before ${CANARY}`, 'forward to reviews v3 100%']);
  });

  it('shows it in the text output, as a moved rule shows its move', () => {
    const text = renderDiffText(diffIr(reviews(before), reviews(after)));
    expect(text).toContain(`      + ${ALICE} [header end-user=alice]  (reviews.yaml:10)\n          added at position 2 of 3, before ${CANARY}\n          forward to reviews v3 100%\n`);
  });

  it('shows it in the markdown output', () => {
    const md = renderDiffMarkdown(diffIr(reviews(before), reviews(after)));
    expect(md).toContain(`| ➕ added | \`${ALICE}\`<br>reviews.yaml:10 | header end-user=alice | added at position 2 of 3, before ${CANARY}<br>forward to reviews v3 100% |`);
  });

  it('says what it follows when it comes after every rule that was there', () => {
    const [added] = routeChanges(before, [...before, rule(ALICE, 'alice')]);
    expect(added).toMatchObject({ position: { after: 3 }, insertedAfter: CANARY });
    expect(added?.insertedBefore).toBeUndefined();
    expect(added?.summary[0]).toBe(`added at position 3 of 3, after ${CANARY}`);
  });

  it('places rules inserted together by their positions, each before the rule that was there', () => {
    const changes = routeChanges(before, [rule(JASON, 'jason'), rule(ALICE, 'alice'), rule(BOB, 'bob'), rule(CANARY)]);
    expect(changes.map((c) => [c.name, c.summary[0], c.insertedBefore])).toEqual([
      [ALICE, `added at position 2 of 4, before ${CANARY}`, CANARY],
      [BOB, `added at position 3 of 4, before ${CANARY}`, CANARY],
    ]);
  });

  it('says nothing of a place where no rule was there before (a new host, or every rule replaced)', () => {
    const [added] = routeChanges([], [rule(ALICE, 'alice')]);
    expect(added?.summary).toEqual(['forward to reviews v3 100%']);
    expect(added?.insertedBefore).toBeUndefined();
    const replaced = routeChanges([rule(JASON, 'jason')], [rule(ALICE, 'alice')]).find((c) => c.change === 'added');
    expect(replaced?.summary).toEqual(['forward to reviews v3 100%']);
  });
});

describe('meshlog diff of the template with a rule inserted before the canary', () => {
  let tmp: string;
  const canary = 'vs/bookinfo/reviews/http/canary/match/0';

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-insert-'));
    const template = path.join(ROOT, 'config-repo-template');
    fs.cpSync(template, path.join(tmp, 'base'), { recursive: true });
    fs.cpSync(template, path.join(tmp, 'head'), { recursive: true });
    const file = path.join(tmp, 'head', 'routing', 'reviews.yaml');
    const alice = `    - name: alice-on-v3
      match:
        - headers:
            end-user:
              exact: alice
      route:
        - destination:
            host: reviews
            subset: v3
    - name: canary
`;
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('    - name: canary\n', alice));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  const run = (...format: string[]) => runCli(['diff', 'base', 'head', ...format], tmp);

  it('text', async () => {
    const r = await run();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(`\\+ vs/bookinfo/reviews/http/alice-on-v3/match/0 \\[header end-user=alice\\] .*\\n {10}added at position 2 of 3, before ${canary}\\n {10}forward to reviews v3 100%\\n`),
    );
  });

  it('markdown', async () => {
    const r = await run('-o', 'markdown');
    expect(r.stdout).toContain(`| header end-user=alice | added at position 2 of 3, before ${canary}<br>forward to reviews v3 100% |`);
  });

  it('json', async () => {
    const r = await run('-o', 'json');
    const diff = JSON.parse(r.stdout) as { views: { hosts: { routes: RouteChange[] }[] }[] };
    const added = diff.views[0]!.hosts[0]!.routes[0]!;
    expect(added).toMatchObject({
      change: 'added',
      name: 'vs/bookinfo/reviews/http/alice-on-v3/match/0',
      position: { after: 2 },
      insertedBefore: canary,
      summary: [`added at position 2 of 3, before ${canary}`, 'forward to reviews v3 100%'],
    });
  });
});
