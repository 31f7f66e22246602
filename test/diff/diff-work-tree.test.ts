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
    expect(clean.stdout.split('\n')[0]).toBe(`HEAD (${head.slice(0, 12)}) → work tree`);
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
    const sides = JSON.parse(r.stdout) as { base: { kind: string; revision: string; commit: string }; head: unknown };
    expect(sides.base).toMatchObject({ kind: 'revision', revision: 'HEAD', commit: repo.git('rev-parse', 'HEAD').trim() });
    expect(sides.head).toEqual({ label: 'work tree', kind: 'work tree', revision: null, commit: null, path: '.' });

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
    expect(md.stdout.split('\n')[0]).toBe(`### meshlog diff HEAD (${head.slice(0, 12)}) → work tree`);

    const bare = await runCli(['diff', 'HEAD', '--repo', repo.bareClone()]);
    expect(bare.code).toBe(3);
    expect(bare.stderr).toContain('is a bare repository: it has no work tree to compare with');
  });
});

describe('meshlog diff REV: the work tree is git\'s view of it', () => {
  let repo: TestRepo;
  let head: string;

  beforeEach(() => {
    repo = createRepo();
    repo.write({ ...meshFiles(), '.gitignore': 'build/\n' });
    head = repo.commit('reviews 90/10');
  });
  afterEach(() => repo.cleanup());

  it('follows an allow-list .gitignore: new files under an allowed folder count, the rest is ignored', async () => {
    repo.write({ '.gitignore': '/*\n!/.gitignore\n!/registry/\n!/routing/\n' });
    repo.commit('allow-list');
    repo.write({ 'registry/more/ratings.yaml': RATINGS, 'scratch.yaml': BROKEN_VS, 'notes/broken.yaml': BROKEN_VS });
    const r = await runCli(['diff', 'HEAD'], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('    + outbound|9080||ratings.shop.svc.cluster.local');
  });

  it('honours core.excludesFile (here set in the repository\'s own config)', async () => {
    const excludes = path.join(path.dirname(repo.dir), 'my-excludes');
    fs.writeFileSync(excludes, '*.draft.yaml\n');
    repo.git('config', 'core.excludesFile', excludes);
    repo.write({ 'routing/next.draft.yaml': BROKEN_VS });
    const r = await runCli(['diff', 'HEAD'], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
  });

  it('reads nothing in an ignored folder, however much it holds', async () => {
    const junk: Record<string, string> = {};
    for (let i = 0; i < 300; i++) junk[`build/out/${i % 7}/gen-${i}.yaml`] = i % 2 ? BROKEN_VS : 'kind: [\n';
    repo.write(junk);
    repo.symlink('build/out/link.yaml', '/etc/passwd');
    const r = await runCli(['diff', 'HEAD'], repo.dir);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
  });

  it('reports a link git would commit, as a revision would, and never reads through one', async () => {
    repo.symlink('routing/link.yaml', '../registry/reviews.yaml');
    const r = await runCli(['diff', 'HEAD'], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('the work tree of . is invalid:\nrouting/link.yaml: error ML0001: routing/link.yaml is a symbolic link; links are not followed\n');

    // A tracked folder swapped for a link: git sees its files deleted and the link new. The link
    // is not read through, so the folder's rules would be gone: an error, not a quiet diff.
    repo.remove('routing/link.yaml');
    fs.renameSync(path.join(repo.dir, 'routing'), path.join(path.dirname(repo.dir), 'elsewhere'));
    repo.symlink('routing', '../elsewhere');
    const swapped = await runCli(['diff', 'HEAD'], repo.dir);
    expect(swapped.code).toBe(1);
    expect(swapped.stderr).toContain('routing: error ML0001: routing is a symbolic link to a folder; links are not followed, so the config files there are not read\n');
  });

  it('reports a committed submodule exactly as the revision does, without reading its files', async () => {
    const other = createRepo('meshlog-sub-');
    try {
      other.write({ 'broken.yaml': BROKEN_VS });
      const subHead = other.commit('theirs');
      repo.git('-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', other.dir, 'vendor/mesh');
      repo.commit('add a submodule');
      const line = `vendor/mesh: error ML0002: vendor/mesh is a submodule (commit ${subHead.slice(0, 12)}); submodules are not read\n`;
      const r = await runCli(['diff', 'HEAD'], repo.dir);
      // A submodule is an error in a revision (ML0002), so both sides are invalid, alike.
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`.@HEAD (${repo.git('rev-parse', 'HEAD').slice(0, 12)}) is invalid:\n${line}`);
      expect(r.stderr).toContain(`the work tree of . is invalid:\n${line}`);
      expect(r.stderr).not.toContain('broken.yaml');
    } finally {
      other.cleanup();
    }
  });

  it('reports an untracked nested repository as the submodule git add would make of it', async () => {
    const nested = path.join(repo.dir, 'vendor', 'theirs');
    fs.mkdirSync(nested, { recursive: true });
    repo.git('-C', nested, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(nested, 'broken.yaml'), BROKEN_VS);
    repo.git('-C', nested, 'add', '-A');
    repo.git('-C', nested, 'commit', '-q', '-m', 'theirs');
    const nestedHead = repo.git('-C', nested, 'rev-parse', 'HEAD');
    const r = await runCli(['diff', 'HEAD'], repo.dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`the work tree of . is invalid:\nvendor/theirs: error ML0002: vendor/theirs is a submodule (commit ${nestedHead.slice(0, 12)}); submodules are not read\n`);
    expect(r.stderr).not.toContain('broken.yaml');
  });

  it('takes the files a sparse checkout leaves off the disk from the index: a clean one is no change', async () => {
    repo.git('sparse-checkout', 'set', '--cone', 'registry');
    expect(fs.existsSync(path.join(repo.dir, 'routing/reviews-vs.yaml'))).toBe(false);
    const clean = await runCli(['diff', 'HEAD'], repo.dir);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout.trim().split('\n').at(-1)).toBe('No routing changes');

    repo.write({ 'registry/ratings.yaml': RATINGS });
    const added = await runCli(['diff', 'HEAD'], repo.dir);
    expect(added.code).toBe(0);
    expect(added.stdout).toContain('    + outbound|9080||ratings.shop.svc.cluster.local');
    expect(added.stdout).not.toContain('reviews-vs');
  });

  it('works from a folder inside the work tree, with paths that open from there', async () => {
    const sub = path.join(repo.dir, 'routing');
    repo.write(meshFiles({ v1: 50, v2: 50 }));
    const r = await runCli(['diff', 'HEAD'], sub);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[0]).toBe(`HEAD (${head.slice(0, 12)}) → work tree`);
    expect(r.stdout).toMatch(/reviews: v1 90→50, v2 10→50 {2}\(\.\.\/routing\/reviews-vs\.yaml:\d+\)/);

    repo.write({ 'routing/broken.yaml': BROKEN_VS });
    const invalid = await runCli(['diff', 'HEAD'], sub);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('the work tree of .. is invalid:\n');
    expect(invalid.stderr).toMatch(/^\.\.\/routing\/broken\.yaml:\d+:\d+: error /m);
  });

  it('reads both sides in a linked worktree: its own HEAD, the shared branches', async () => {
    const wt = path.join(path.dirname(repo.dir), 'linked');
    repo.git('worktree', 'add', '-q', '-b', 'canary', wt);
    fs.writeFileSync(path.join(wt, 'routing/reviews-vs.yaml'), meshFiles({ v1: 50, v2: 50 })['routing/reviews-vs.yaml']!);
    repo.git('-C', wt, 'commit', '-q', '-am', 'canary 50/50');
    const wtHead = repo.git('-C', wt, 'rev-parse', 'HEAD');

    const clean = await runCli(['diff', 'HEAD'], wt);
    expect(clean.stderr).toBe('');
    expect(clean.code).toBe(0);
    expect(clean.stdout.split('\n')[0]).toBe(`HEAD (${wtHead.slice(0, 12)}) → work tree`);
    expect(clean.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
    const main = await runCli(['diff', 'main'], wt);
    expect(main.code).toBe(0);
    expect(main.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const branch = await runCli(['diff', 'main...HEAD'], wt);
    expect(branch.code).toBe(0);
    expect(branch.stdout.split('\n')[0]).toBe(`merge base of main and HEAD (${head.slice(0, 12)}) → HEAD (${wtHead.slice(0, 12)})`);
    expect(branch.stdout).toContain('reviews: v1 90→50, v2 10→50');
  });

  it('exits 3 saying so when the git command cannot be run', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.join(path.dirname(repo.dir), 'no-such-bin');
    try {
      const r = await runCli(['diff', 'HEAD'], repo.dir);
      expect(r.code).toBe(3);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/^Error: reading the work tree needs the git command, which could not be run \(.*ENOENT.*\)/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('names a bare repository as it was written', async () => {
    const bare = repo.bareClone();
    const r = await runCli(['diff', 'HEAD', '--repo', path.basename(bare)], path.dirname(bare));
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(`Error: ${path.basename(bare)} is a bare repository: it has no work tree to compare with\n`);
  });
});

describe('meshlog diff with a folder named like a revision', () => {
  let repo: TestRepo;

  beforeEach(() => {
    repo = createRepo();
    repo.write(meshFiles());
    repo.commit('reviews 90/10');
    repo.git('branch', 'staging');
    // A folder `staging/` beside the branch `staging`, holding another version of the config.
    for (const [rel, text] of Object.entries(meshFiles({ v1: 50, v2: 50 }))) repo.write({ [`staging/${rel}`]: text });
  });
  afterEach(() => repo.cleanup());

  it('reads the revision beside a folder from the repository the current folder is in, from a subfolder too', async () => {
    const r = await runCli(['diff', 'main', '.'], path.join(repo.dir, 'staging'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('reviews: v1 90→50, v2 10→50');
  });

  it('refuses to guess, and says how to choose', async () => {
    const message = 'Error: staging is ambiguous: both a folder and a revision of the git repository the current directory is in; write ./staging for the folder, or pass --repo . to read revisions\n';
    for (const args of [['diff', 'main', 'staging'], ['diff', 'staging', 'main'], ['diff', 'staging']]) {
      const r = await runCli(args, repo.dir);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.split('\n')[0]).toBe(message.trim());
    }
    const folder = await runCli(['diff', 'main', './staging'], repo.dir);
    expect(folder.code).toBe(0);
    expect(folder.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const revisions = await runCli(['diff', 'main', 'staging', '--repo', '.'], repo.dir);
    expect(revisions.code).toBe(0);
    expect(revisions.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
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

describe('commands reading revisions, run from a folder inside the work tree', () => {
  let repo: TestRepo;
  let first: string;
  let second: string;

  beforeEach(() => {
    repo = createRepo();
    repo.write(meshFiles());
    first = repo.commit('reviews 90/10');
    repo.write(meshFiles({ v1: 50, v2: 50 }));
    second = repo.commit('reviews 50/50');
  });
  afterEach(() => repo.cleanup());

  it('read the repository the folder is in, as git does, when no --repo names one', async () => {
    const sub = path.join(repo.dir, 'routing');
    const two = await runCli(['diff', 'HEAD~1', 'HEAD'], sub);
    expect(two.stderr).toBe('');
    expect(two.stdout.split('\n')[0]).toBe(`HEAD~1 (${first.slice(0, 12)}) → HEAD (${second.slice(0, 12)})`);
    expect(two.stdout).toContain('reviews: v1 90→50, v2 10→50');
    const range = await runCli(['diff', 'HEAD~1...HEAD'], sub);
    expect(range.stdout).toContain('reviews: v1 90→50, v2 10→50');
    // Named as the repository it read, relative to the current folder (as diff REV names it).
    for (const args of [['validate', '--rev', 'HEAD~1'], ['validate', '--repo', '.', '--rev', 'HEAD~1'], ['validate', '--repo', sub, '--rev', 'HEAD~1']]) {
      const v = await runCli(args, sub);
      expect(v.code, v.stderr).toBe(0);
      expect(v.stdout.trim().split('\n').at(-1)).toBe(`..@HEAD~1 (${first.slice(0, 12)}): valid (3 config files read)`);
    }
    expect((await runCli(['diff', 'HEAD~1'], sub)).stdout.split('\n')[0]).toBe(`HEAD~1 (${first.slice(0, 12)}) → work tree`);
  });

  it('say so when the current folder is in no repository, or its .git file is broken, rather than looking further up', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-norepo-'));
    try {
      const none = await runCli(['validate', '--rev', 'HEAD'], outside);
      expect(none.code).toBe(3);
      expect(none.stderr).toContain('the current folder is not in a git repository (no .git in it or in any folder above it');
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
    const vendored = path.join(repo.dir, 'vendored');
    fs.mkdirSync(vendored);
    fs.writeFileSync(path.join(vendored, '.git'), 'not a gitfile\n');
    const broken = await runCli(['validate', '--rev', 'HEAD'], vendored);
    expect(broken.code).toBe(3);
    expect(broken.stderr).toContain(`${path.join(vendored, '.git')} is not a valid .git file`);
  });

  it('still take a --repo path that is not the repository itself as a mistake, not as the whole repository', async () => {
    const r = await runCli(['validate', '--repo', 'routing', '--rev', 'HEAD'], repo.dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain(`routing is a folder inside the repository at ${repo.dir}, not a repository itself: pass its top folder (--repo ${repo.dir})`);
  });
});
