// `meshlog diff` on real git repositories (made with the git CLI) and on folders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { meshFiles } from './mesh-texts.ts';

describe('meshlog diff', () => {
  let repo: TestRepo;
  let base: string;
  let canary: string;
  let moved: string;
  let broken: string;
  let tmp: string;

  beforeAll(() => {
    repo = createRepo();
    repo.write(meshFiles());
    base = repo.commit('reviews 90/10');
    repo.write(meshFiles({ v1: 50, v2: 50, jason: true, lb: 'LEAST_REQUEST' }));
    canary = repo.commit('canary 50/50, jason to v2, least request');
    // The same resources, moved to other files: no routing change.
    const files = meshFiles({ v1: 50, v2: 50, jason: true, lb: 'LEAST_REQUEST' });
    repo.remove('routing');
    repo.remove('registry');
    repo.write({ 'all-in-one.yaml': Object.values(files).join('---\n') });
    moved = repo.commit('one file');
    repo.write({ 'all-in-one.yaml': `${Object.values(files).join('---\n')}---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: bad, namespace: shop}\nspec:\n  hosts: [reviews]\n  http:\n    - route:\n        - destination: {host: reviews, subset: v9}\n` });
    broken = repo.commit('broken');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-diff-'));
  });
  afterAll(() => {
    repo.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('says which VirtualServices it could not compare when the files hold no Service for their hosts', async () => {
    const vs = (extra: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
${extra}  - route: [{destination: {host: reviews}}]
`;
    const a = path.join(tmp, 'lone-a.yaml');
    const b = path.join(tmp, 'lone-b.yaml');
    fs.writeFileSync(a, vs(''));
    fs.writeFileSync(b, vs('  - match: [{headers: {end-user: {exact: jason}}}]\n    route: [{destination: {host: reviews}}]\n'));
    const text = await runCli(['diff', a, b]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Not compared: shop/reviews: reviews.shop.svc.cluster.local (VirtualService: host): the host has no Service or ServiceEntry in what was read (ML4017)');
    const md = await runCli(['diff', a, b, '-o', 'markdown']);
    expect(md.stdout).toMatch(/^> Not compared: shop\/reviews: reviews\.shop\.svc\.cluster\.local \(VirtualService: host\)/m);
    // With the Service, nothing is left out, and the new rule shows.
    const svc = 'apiVersion: v1\nkind: Service\nmetadata: {name: reviews, namespace: shop}\nspec: {ports: [{name: http, port: 9080}]}\n---\n';
    fs.writeFileSync(a, svc + vs(''));
    fs.writeFileSync(b, svc + vs('  - match: [{headers: {end-user: {exact: jason}}}]\n    route: [{destination: {host: reviews}}]\n'));
    const whole = await runCli(['diff', a, b]);
    expect(whole.stdout).not.toContain('Not compared');
    expect(whole.stdout).not.toContain('No routing changes');
    // The Service on one side only: the diff shows the host's routes come or go; no note.
    fs.writeFileSync(a, vs(''));
    const oneSide = await runCli(['diff', a, b]);
    expect(oneSide.stdout).not.toContain('Not compared');
    expect(oneSide.stdout).not.toContain('No routing changes');
  });

  it('shows weight, route and cluster changes between two revisions', async () => {
    const r = await runCli(['diff', base, canary, '--repo', repo.dir]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // A commit id is named once, as its short form.
    expect(r.stdout.split('\n')[0]).toBe(`${base.slice(0, 12)} → ${canary.slice(0, 12)}`);
    expect(r.stdout).toContain('reviews: v1 90→50, v2 10→50');
    expect(r.stdout).toContain('~ views sidecar, sidecar~shop');
    // The rule's file:line closes the line, to open it from the terminal; then where the new
    // rule went (before the canary split, which it takes jason's requests from), and what it does.
    expect(r.stdout).toMatch(
      /\+ vs\/shop\/reviews\/http\/0\/match\/0 \[header end-user=jason\] {2}\(routing\/[\w-]+\.yaml:\d+\)\n {10}added at position 1 of 2, before vs\/shop\/reviews\/http\/1\/match\/0\n {10}forward to reviews v2 100%\n/,
    );
    expect(r.stdout).toContain('load balancer: round_robin → least_request');
  });

  it('says --title does nothing outside -o markdown', async () => {
    const r = await runCli(['diff', base, canary, '--repo', repo.dir, '--title', 'PR 7']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('note: --title applies to -o markdown only; ignored\n');
    const md = await runCli(['diff', base, canary, '--repo', repo.dir, '--title', 'PR 7', '-o', 'markdown']);
    expect(md.stderr).toBe('');
    expect(md.stdout.split('\n')[0]).toBe('### PR 7');
  });

  it('explains a folder and a non-folder: the other was read as a revision', async () => {
    const folder = path.join(tmp, 'one-folder');
    fs.mkdirSync(folder, { recursive: true });
    const r = await runCli(['diff', folder, 'no-such-folder'], repo.dir);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`hint: ${folder} is a folder but no-such-folder is not, so no-such-folder was read as a revision`);
  });

  it('accepts branch-style revisions and defaults --repo to the current directory', async () => {
    const r = await runCli(['diff', 'HEAD~3', 'HEAD~2'], repo.dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const md = await runCli(['diff', 'HEAD~3', canary.slice(0, 10), '-o', 'markdown'], repo.dir);
    expect(md.stdout.split('\n')[0]).toBe(`### meshlog diff HEAD\\~3 (${base.slice(0, 12)}) → ${canary.slice(0, 12)}`);
    const full = await runCli(['diff', base, canary, '--repo', repo.dir, '-o', 'markdown']);
    expect(full.stdout.split('\n')[0]).toBe(`### meshlog diff ${base.slice(0, 12)} → ${canary.slice(0, 12)}`);
  });

  it('prints "No routing changes" when files moved but routing did not', async () => {
    const r = await runCli(['diff', canary, moved, '--repo', repo.dir]);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
    const md = await runCli(['diff', canary, moved, '--repo', repo.dir, '-o', 'markdown']);
    expect(md.stdout).toContain('**No routing changes.**');
  });

  it('renders markdown for a PR comment and JSON for scripts', async () => {
    const md = await runCli(['diff', base, canary, '--repo', repo.dir, '-o', 'markdown', '--title', 'Routing changes in this PR']);
    expect(md.code).toBe(0);
    expect(md.stdout.startsWith('### Routing changes in this PR\n')).toBe(true);
    expect(md.stdout).toContain('reviews: v1 90→50, v2 10→50');
    expect(md.stdout).toContain('| ➕ added | `vs/shop/reviews/http/0/match/0`<br>routing/reviews-vs.yaml:');
    const js = await runCli(['diff', base, canary, '--repo', repo.dir, '-o', 'json']);
    const diff = JSON.parse(js.stdout) as { base: unknown; head: unknown; empty: boolean; counts: Record<string, number> };
    // The two sides compared, as the text output's first line names them, with full commit ids.
    expect(Object.keys(diff).slice(0, 2)).toEqual(['base', 'head']);
    expect(diff.base).toEqual({ label: base.slice(0, 12), kind: 'revision', revision: base, commit: base, path: null });
    expect(diff.head).toEqual({ label: canary.slice(0, 12), kind: 'revision', revision: canary, commit: canary, path: null });
    expect(diff.empty).toBe(false);
    // The default sidecar view and the shop namespace's view change identically: counted once.
    expect(diff.counts).toMatchObject({ routesAdded: 1, routesChanged: 1, clustersChanged: 3 });
  });

  it('exits 1 with the diagnostics when a side is invalid', async () => {
    const r = await runCli(['diff', moved, broken, '--repo', repo.dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('is invalid');
    expect(r.stderr).toMatch(/all-in-one\.yaml:\d+:\d+: error ML\d{4}/);
    expect((await runCli(['diff', moved, broken, '--repo', repo.dir, '-o', 'json'])).stdout).toBe('');
  });

  it('with -o markdown, still writes a comment naming the invalid side and its errors', async () => {
    // Without it, a PR comment from before the breakage would stay up, looking current.
    const r = await runCli(['diff', moved, broken, '--repo', repo.dir, '-o', 'markdown']);
    expect(r.code).toBe(1);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe(`### meshlog diff ${moved.slice(0, 12)} → ${broken.slice(0, 12)}`);
    expect(r.stdout).toContain(`**${broken.slice(0, 12)} is invalid: 3 errors**`);
    expect(lines.filter((l) => l.startsWith('- '))).toHaveLength(3);
    expect(lines.find((l) => l.includes('v9'))).toMatch(/^- `all-in-one\.yaml:\d+:\d+` \*\*ML\d{4}\*\*: subset "v9" is not defined/);
    expect(r.stdout).not.toContain(`${moved.slice(0, 12)} is invalid`);
    expect(r.stderr).toContain('is invalid'); // the terminal still gets the full diagnostics
  });

  it('exits 3 for an unknown revision and 2 for a bad command line', async () => {
    expect((await runCli(['diff', base, 'no-such-branch', '--repo', repo.dir])).code).toBe(3);
    expect((await runCli(['diff'])).code).toBe(2);
    expect((await runCli(['diff', base, canary, 'HEAD'])).code).toBe(2);
    expect((await runCli(['diff', base, canary, '-o', 'xml'])).code).toBe(2);
  });

  it('documents in --help that a non-empty diff exits 0', async () => {
    const r = await runCli(['diff', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 the diff was computed — a non-empty diff is NOT an error');
  });

  it('counts a change to a gRPC port once, though the sidecar and gRPC views both carry it', async () => {
    // A GRPC port's virtual host sits in the sidecar route table `7070` and in the gRPC
    // views' `grpc.7070`: both are listed, but it is one routing change to the reader.
    const write = (dir: string, weight: number) => {
      const files = meshFiles({ v1: weight, v2: 100 - weight });
      for (const [rel, text] of Object.entries(files)) {
        const grpc = text.replace('{number: 9080, name: http, protocol: HTTP}', '{number: 7070, name: grpc, protocol: GRPC}');
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), grpc);
      }
    };
    write(path.join(tmp, 'g1'), 90);
    write(path.join(tmp, 'g2'), 50);
    const r = await runCli(['diff', 'g1', 'g2'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('(route table grpc.7070)');
    expect(r.stdout).toContain('(route table 7070)');
    expect(r.stdout.split('\n')[1]).toBe('1 route changed in 4 views');
    const js = JSON.parse((await runCli(['diff', 'g1', 'g2', '-o', 'json'], tmp)).stdout) as { counts: Record<string, number> };
    expect(js.counts).toMatchObject({ routesChanged: 1, hostsChanged: 1 });
  });

  it('compares two folders', async () => {
    const write = (dir: string, files: Record<string, string>) => {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
    };
    write(path.join(tmp, 'a'), meshFiles({ v1: 100, v2: 0 }));
    write(path.join(tmp, 'b'), meshFiles({ v1: 0, v2: 100 }));
    const r = await runCli(['diff', 'a', 'b'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('a → b');
    expect(r.stdout).toContain('reviews: v1 100→0, v2 0→100');
  });
});
