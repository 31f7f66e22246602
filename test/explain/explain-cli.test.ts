// `meshlog explain` through the real CLI, reading real git repositories and folders.
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Explanation } from '../../src/explain/index.ts';
import { runCli } from '../cli/run-cli.ts';
import { meshFiles } from '../diff/mesh-texts.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/explain');
const RULES = path.join(import.meta.dirname, '../fixtures/explain-rules');

describe('meshlog explain', () => {
  let repo: TestRepo;
  let before: string;
  let after: string;

  beforeAll(() => {
    repo = createRepo();
    repo.write(meshFiles({ v1: 100, v2: 0 }));
    before = repo.commit('all to v1');
    repo.write(meshFiles({ v1: 100, v2: 0, jason: true }));
    after = repo.commit('jason to v2');
  });
  afterAll(() => repo.cleanup());

  const jason = 'GET http://reviews:9080/reviews/1 -H end-user:jason';

  it('explains a request against a git revision, with the rule file:line', async () => {
    const r = await runCli(['explain', '--request', jason, '--repo', repo.dir, '--rev', after, '--view', 'sidecar~shop']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // The revision explained is named first (the commit, as a revision id is given here).
    expect(r.stdout.split('\n')[0]).toBe(`Config:       ${repo.dir}@${after.slice(0, 12)}`);
    expect(r.stdout).toContain('View:         sidecar~shop');
    expect(r.stdout).toContain('Matched:      spec.http[0].match[0] vs/shop/reviews/http/0/match/0 [header end-user=jason]');
    expect(r.stdout).toMatch(/Source: {7}routing\/reviews-vs\.yaml:8:\d+ \(VirtualService shop\/reviews, spec\.http\[0\]\.match\[0\]\)/);
    expect(r.stdout).toMatch(/reviews:9080 v2\s+100%/);
  });

  it('gives the answer of each revision', async () => {
    const old = await runCli(['explain', '-r', jason, '--repo', repo.dir, '--rev', before, '--view', 'sidecar~shop', '-o', 'json']);
    expect(old.code).toBe(0);
    const e = JSON.parse(old.stdout) as Explanation & { config: unknown };
    // Which revision the answer is for, as the text output's `Config:` line says, first.
    expect(Object.keys(e)[0]).toBe('config');
    expect(e.config).toEqual({ source: repo.dir, rev: before, commit: before });
    expect(e.route?.name).toBe('vs/shop/reviews/http/0/match/0');
    expect(e.outcome).toMatchObject({ kind: 'forward', destinations: [{ subset: 'v1', percent: 100 }] });
    const yaml = await runCli(['explain', '-r', jason, '--repo', repo.dir, '--rev', 'HEAD', '--view', 'sidecar~shop', '-o', 'yaml']);
    expect(yaml.stdout).toContain('subset: v2');
    expect(yaml.stdout.startsWith(`config:\n  source: ${repo.dir}\n  rev: HEAD\n  commit: ${after}\n`)).toBe(true);
    // A folder has no revision or commit.
    const folder = JSON.parse((await runCli(['explain', '-r', jason, FIXTURE, '-o', 'json'])).stdout) as { config: unknown };
    expect(folder.config).toEqual({ source: FIXTURE, rev: null, commit: null });
  });

  it('a request without its service\'s port (port 80) gets a hint naming the port the host is routed on', async () => {
    const r = await runCli(['explain', 'config-repo-template', '-r', 'GET http://reviews/x'], path.resolve(import.meta.dirname, '../..'));
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('404 Not Found (Envoy response flag NR): no virtual host in route table 80 matches host "reviews"');
    expect(r.stdout).toContain('Hint:         host "reviews" is routed on port 9080 in this view, not on port 80: write that port in the URL (http://reviews:9080/x)');
    const wrongPort = await runCli(['explain', 'config-repo-template', '-r', 'GET http://reviews:7070/x'], path.resolve(import.meta.dirname, '../..'));
    expect(wrongPort.stdout).toContain('not on port 7070: use that port in the URL (http://reviews:9080/x)');
  });

  it('reads a folder and explains a 404 with the reasons and a hint', async () => {
    const r = await runCli(['explain', '-r', 'GET http://ratings:9080/other', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('404 Not Found (Envoy response flag NR)');
    expect(r.stdout).toContain('Hint:         host "ratings:9080" is routed in view sidecar~shop (try --view)');
    const scoped = await runCli(['explain', '-r', 'GET http://ratings:9080/other', FIXTURE, '--view', 'sidecar~shop']);
    expect(scoped.stdout).toContain('path /other does not start with /ratings');
    expect(scoped.stdout).toContain('header x-fault is absent (rule: x-fault=abort)');
  });

  it('defaults to the sidecar view of MeshConfig\'s defaultNamespace, where short names resolve', async () => {
    // The template's MeshConfig says defaultNamespace: bookinfo; `reviews` is bookinfo's service.
    const template = path.join(import.meta.dirname, '../../config-repo-template');
    const r = await runCli(['explain', '-r', 'GET http://reviews:9080/x', template]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('View:         sidecar~bookinfo');
    expect(r.stdout).not.toContain('404');
    expect(r.stdout).toMatch(/reviews:9080 v1\s+90%/);
  });

  it('simulates a gateway named as --gateway ns/name', async () => {
    const r = await runCli(['explain', '-r', 'GET http://x.beta.example.com:8080/', '--gateway', 'shop/shop-gateway', FIXTURE]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('View:         gateway~shop~shop-gateway');
    expect(r.stdout).toContain('Virtual host: *.beta.example.com:8080 (domain "*.beta.example.com", suffix match)');
    expect(r.stdout).toContain('Source:       gateway.yaml:');
  });

  it('cites the line of the match entry that matched, not only its rule', async () => {
    const r = await runCli(['explain', '-r', 'GET http://web/v2/x', RULES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Source:       vs.yaml:11:11 (VirtualService default/web, spec.http[0].match[1])');
    expect(r.stdout).toMatch(/vs\/default\/web\/http\/api\/match\/0 .*  vs\.yaml:10:11\n/);
  });

  it('names rules by field path, counted from zero as the diagnostics count them, with the rule name', async () => {
    const r = await runCli(['explain', '-r', 'GET http://reviews:9080/x', FIXTURE, '--view', 'sidecar~shop']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('\n  spec.http[1].match[0] vs/shop/reviews/http/beta-testers/match/0 [prefix /reviews, header x-group prefix beta]  reviews.yaml:');
    expect(r.stdout).toContain('Matched:      spec.http[12] vs/shop/reviews/http/default/match/0 [any request]');
    expect(r.stdout).not.toMatch(/#\d/);
    const json = JSON.parse((await runCli(['explain', '-r', 'GET http://reviews:9080/x', FIXTURE, '--view', 'sidecar~shop', '-o', 'json'])).stdout) as Explanation;
    expect(json.route).toMatchObject({ position: 13, source: { field: 'spec.http[12]' } });
  });

  it('shows the request and response header changes of the matched rule', async () => {
    const r = await runCli(['explain', '-r', 'GET http://web/v2/x', RULES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Headers:      request: set x-note: hello; remove x-debug\n              response: add x-served-by: meshlog\n');
    expect(r.stdout).toContain('Fault:        delay 2s for 10% of requests (only adds latency: the result above still applies)');
  });

  it('exits 2 for a bad request, an unknown view or conflicting flags', async () => {
    const bad = await runCli(['explain', '-r', 'GET reviews', FIXTURE]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('bad --request: URL must start with http:// or https://');
    expect((await runCli(['explain', FIXTURE])).code).toBe(2);
    const view = await runCli(['explain', '-r', jason, FIXTURE, '--view', 'nope']);
    expect(view.code).toBe(2);
    expect(view.stderr).toContain('no view named "nope" (views: gateway~shop~shop-gateway, sidecar, sidecar~shop)');
    expect((await runCli(['explain', '-r', jason, FIXTURE, '--view', 'sidecar', '--gateway', 'a/b'])).code).toBe(2);
  });

  it('exits 1 on invalid config and 3 on an unknown revision', async () => {
    const broken = createRepo();
    try {
      broken.write({ 'vs.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec:\n  hosts: [x]\n  http:\n    - route: []\n      bogus: 1\n' });
      broken.commit('broken');
      const r = await runCli(['explain', '-r', jason, '--repo', broken.dir]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/vs\.yaml:\d+:\d+: error ML\d{4}/);
      expect((await runCli(['explain', '-r', jason, '--repo', broken.dir, '--rev', 'nope'])).code).toBe(3);
    } finally {
      broken.cleanup();
    }
  });
});
