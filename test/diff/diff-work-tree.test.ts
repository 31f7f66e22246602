// `meshlog diff REV`: a revision against the repository's work tree (uncommitted edits), and
// `meshlog diff REV DIR`: a revision against a folder. Real git repositories, made with the git CLI.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { meshFiles } from './mesh-texts.ts';

const RATINGS = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ratings, namespace: shop}
spec:
  hosts: [ratings.shop.svc.cluster.local]
  location: MESH_INTERNAL
  ports:
    - {number: 9080, name: http, protocol: HTTP}
  resolution: STATIC
  endpoints:
    - {address: 10.0.1.1}
`;

/** A VirtualService naming a subset nobody defines: an error wherever it is read. */
const BROKEN_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: broken, namespace: shop}
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: {host: reviews, subset: v9}
`;

describe('meshlog diff REV (against the work tree)', () => {
  let repo: TestRepo;
  let head: string;

  beforeEach(() => {
    repo = createRepo();
    repo.write({ ...meshFiles(), '.gitignore': 'scratch/\n*.local.yaml\n' });
    head = repo.commit('reviews 90/10');
  });
  afterEach(() => repo.cleanup());

  it('shows what uncommitted edits change, and nothing for a clean work tree', async () => {
    const clean = await runCli(['diff', 'HEAD'], repo.dir);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout.split('\n')[0]).toBe(`HEAD (${head.slice(0, 7)}) → work tree`);
    expect(clean.stdout.trim().split('\n').at(-1)).toBe('No routing changes');

    repo.write(meshFiles({ v1: 50, v2: 50 })); // edited, not committed
    const edited = await runCli(['diff', 'HEAD'], repo.dir);
    expect(edited.code).toBe(0);
    expect(edited.stdout).toContain('reviews: v1 90→50, v2 10→50');
    // The revision is read from git objects: the edit is not in it.
    expect(repo.git('status', '--porcelain')).toContain('routing/reviews-vs.yaml');
  });

  it('counts untracked files but not the ones .gitignore names, unless they are tracked', async () => {
    repo.write({ 'registry/ratings.yaml': RATINGS, 'scratch/broken.yaml': BROKEN_VS, 'broken.local.yaml': BROKEN_VS });
    fs.symlinkSync('/nonexistent', path.join(repo.dir, 'scratch', 'link.yaml'));
    const r = await runCli(['diff', 'HEAD', '-o', 'json'], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('outbound|9080||ratings.shop.svc.cluster.local'); // the new, untracked file
    expect(r.stdout).not.toContain('v9'); // the ignored ones are not read

    // A file git tracks stays in, even where .gitignore names it (forced in with add -f).
    repo.write({ 'scratch/broken.yaml': meshFiles({ lb: 'LEAST_REQUEST' })['routing/reviews-dr.yaml']! });
    repo.remove('routing/reviews-dr.yaml');
    repo.git('add', '-f', 'scratch/broken.yaml');
    const tracked = await runCli(['diff', 'HEAD'], repo.dir);
    expect(tracked.stderr).toBe('');
    expect(tracked.stdout).toContain('load balancer: round_robin → least_request');
  });

  it('shows a deleted file as removed routing, and reports invalid edits by their path', async () => {
    repo.remove('routing/reviews-vs.yaml');
    const deleted = await runCli(['diff', 'HEAD'], repo.dir);
    expect(deleted.code).toBe(0);
    // Without its VirtualService, reviews gets the default route: all of it to the service.
    expect(deleted.stdout).toContain('(was vs/shop/reviews/http/0/match/0) [any request]: reviews: (all) 0→100, v1 90→0, v2 10→0');

    repo.write({ 'routing/broken.yaml': BROKEN_VS });
    const invalid = await runCli(['diff', 'HEAD'], repo.dir);
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toBe('');
    expect(invalid.stderr).toContain('the work tree of . is invalid:');
    expect(invalid.stderr).toMatch(/routing\/broken\.yaml:\d+:\d+/);
  });

  it('reads another repository with --repo, and refuses a bare one', async () => {
    repo.write(meshFiles({ v1: 50, v2: 50 }));
    const elsewhere = await runCli(['diff', 'HEAD', '--repo', repo.dir]);
    expect(elsewhere.code).toBe(0);
    expect(elsewhere.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const md = await runCli(['diff', 'HEAD', '--repo', repo.dir, '-o', 'markdown']);
    expect(md.stdout.split('\n')[0]).toBe(`### meshlog diff HEAD (${head.slice(0, 7)}) → work tree`);

    const bare = await runCli(['diff', 'HEAD', '--repo', repo.bareClone()]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain('is a bare repository: it has no work tree to compare with');
  });
});

describe('meshlog diff REV DIR (a revision against a folder)', () => {
  let repo: TestRepo;
  let tmp: string;

  beforeEach(() => {
    repo = createRepo();
    repo.write(meshFiles());
    repo.commit('reviews 90/10');
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-diff-dir-'));
    for (const [rel, text] of Object.entries(meshFiles({ v1: 50, v2: 50 }))) {
      fs.mkdirSync(path.dirname(path.join(tmp, rel)), { recursive: true });
      fs.writeFileSync(path.join(tmp, rel), text);
    }
  });
  afterEach(() => {
    repo.cleanup();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('compares a revision with a folder, in either order', async () => {
    const r = await runCli(['diff', 'HEAD', tmp], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const back = await runCli(['diff', tmp, 'HEAD'], repo.dir);
    expect(back.stdout).toContain('reviews: v1 50→90, v2 50→10');
  });

  it('names the argument read as a revision when it is not one, and refuses a lone folder', async () => {
    const r = await runCli(['diff', tmp, 'no-such-folder'], repo.dir);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`hint: ${tmp} is a folder but no-such-folder is not, so no-such-folder was read as a revision`);
    const lone = await runCli(['diff', tmp], repo.dir);
    expect(lone.code).toBe(2);
    expect(lone.stderr).toContain(`${tmp} is a folder: compare two folders, or a revision with the work tree`);
  });
});
