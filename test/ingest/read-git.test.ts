import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitObjects } from '../../src/ingest/git-objects.ts';
import { LooseObjects } from '../../src/ingest/git-read-fs.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { readGit } from '../../src/ingest/read-git.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

let repo: TestRepo;
let first: string;
let second: string;

const text = (bytes: Uint8Array): string => Buffer.from(bytes).toString('utf8');

beforeAll(() => {
  repo = createRepo();
  repo.write({
    'mesh/reviews.yaml': 'kind: VirtualService\n',
    'mesh/ratings.yml': 'kind: DestinationRule\n',
    'meshlog.yaml': 'kind: MeshConfig\n',
    'mesh/vs.json': '{"kind": "VirtualService"}\n',
    '.eslintrc.json': '{}\n',
    'README.md': '# hi\n',
    '.github/workflows/ci.yml': 'on: pull_request\n',
  });
  first = repo.commit('Add the mesh', { author: { name: 'Ada Lovelace', email: 'ada@example.com' } });
  repo.write({ 'mesh/reviews.yaml': 'kind: VirtualService # v2\n' });
  repo.remove('mesh/ratings.yml');
  second = repo.commit('Shift reviews traffic\n\nCanary at 10%.');
  repo.git('tag', 'v1', first);
  repo.git('tag', '-a', '-m', 'release 2', 'v2', second);
});
afterAll(() => repo.cleanup());

describe('readGit', () => {
  it('reads a revision from git objects: files, commit id and metadata', async () => {
    const res = await readGit({ repo: repo.dir, rev: first });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.commit).toBe(first);
    expect(res.bundle.origin).toEqual({ kind: 'git', repo: repo.dir, rev: first });
    expect(res.bundle.files.map((f) => f.path)).toEqual(['mesh/ratings.yml', 'mesh/reviews.yaml', 'mesh/vs.json', 'meshlog.yaml']);
    expect(text(res.bundle.files[1]!.bytes)).toBe('kind: VirtualService\n');
    expect(res.bundle.diagnostics).toEqual([]);
    expect(res.commit).toMatchObject({
      oid: first,
      parents: [],
      message: 'Add the mesh\n',
      author: { name: 'Ada Lovelace', email: 'ada@example.com', timestamp: Date.UTC(2026, 0, 1, 12) / 1000 },
      committer: { name: 'Test Committer', email: 'committer@example.com' },
    });
  });

  it('resolves branches, tags (annotated too), HEAD~N, ^ and abbreviated ids', async () => {
    const cases: [string, string][] = [
      ['HEAD', second],
      ['main', second],
      ['refs/heads/main', second],
      ['v1', first],
      ['v2', second],
      ['HEAD~1', first],
      ['main^', first],
      ['v2~1', first],
      [second.slice(0, 8), second],
      [first.toUpperCase(), first],
    ];
    for (const [rev, want] of cases) {
      const res = await readGit({ repo: repo.dir, rev });
      expect(res.ok ? res.commit.oid : res.error.message, rev).toBe(want);
    }
    const later = await readGit({ repo: repo.dir, rev: 'HEAD' });
    if (!later.ok) throw new Error(later.error.message);
    expect(later.commit.parents).toEqual([first]);
    expect(later.commit.message).toBe('Shift reviews traffic\n\nCanary at 10%.\n');
    expect(later.bundle.files.map((f) => f.path)).toEqual(['mesh/reviews.yaml', 'mesh/vs.json', 'meshlog.yaml']);
  });

  it('says so when a revision is missing because the clone is shallow (a CI checkout)', async () => {
    const shallow = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-shallow-'));
    try {
      execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo.dir}`, shallow], { stdio: 'ignore' });
      const res = await readGit({ repo: shallow, rev: 'HEAD~1' });
      expect(res.ok).toBe(false);
      if (!res.ok) expect(res.error.message).toMatch(/is not in the repository; the repository is a shallow clone .*fetch-depth: 0/);
      // A full clone's missing object says nothing about shallowness.
      const full = await readGit({ repo: repo.dir, rev: 'HEAD~9' });
      expect(full.ok ? '' : full.error.message).not.toContain('shallow');
    } finally {
      fs.rmSync(shallow, { recursive: true, force: true });
    }
  });

  it('reads the same files as the folder reader on the checked-out work tree', async () => {
    const fromGit = await readGit({ repo: repo.dir, rev: 'HEAD' });
    const fromFolder = await readFolder(repo.dir);
    if (!fromGit.ok || !fromFolder.ok) throw new Error('read failed');
    const files = (b: typeof fromGit.bundle) => b.files.map((f) => [f.path, text(f.bytes)]);
    expect(files(fromFolder.bundle)).toEqual(files(fromGit.bundle));
    expect(fromFolder.bundle.diagnostics).toEqual(fromGit.bundle.diagnostics);
  });

  it('ignores the work tree: uncommitted edits are not read', async () => {
    repo.write({ 'mesh/reviews.yaml': 'uncommitted\n', 'mesh/new.yaml': 'new\n' });
    try {
      const res = await readGit({ repo: repo.dir, rev: 'HEAD' });
      if (!res.ok) throw new Error(res.error.message);
      expect(res.bundle.files.map((f) => f.path)).not.toContain('mesh/new.yaml');
      expect(text(res.bundle.files[0]!.bytes)).toBe('kind: VirtualService # v2\n');
    } finally {
      repo.git('checkout', '--', 'mesh/reviews.yaml');
      repo.remove('mesh/new.yaml');
    }
  });

  it('works on a bare repository, packed objects included', async () => {
    const bare = repo.bareClone();
    execFileSync('git', ['repack', '-a', '-d', '-q'], { cwd: bare });
    const res = await readGit({ repo: bare, rev: 'v1' });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.commit.oid).toBe(first);
    expect(res.bundle.files.map((f) => [f.path, text(f.bytes)])).toEqual([
      ['mesh/ratings.yml', 'kind: DestinationRule\n'],
      ['mesh/reviews.yaml', 'kind: VirtualService\n'],
      ['mesh/vs.json', '{"kind": "VirtualService"}\n'],
      ['meshlog.yaml', 'kind: MeshConfig\n'],
    ]);
  });

  it('reads a linked worktree: refs and objects from the main repository, HEAD its own', async () => {
    const wt = path.join(path.dirname(repo.dir), 'linked-read-git');
    repo.git('worktree', 'add', '-q', '--detach', wt, first);
    try {
      const cases: [string, string][] = [['HEAD', first], ['main', second], ['v2', second], [first.slice(0, 10), first]];
      for (const [rev, want] of cases) {
        const res = await readGit({ repo: wt, rev });
        if (!res.ok) throw new Error(`${rev}: ${res.error.message}`);
        expect(res.bundle.commit, rev).toBe(want);
      }
    } finally {
      repo.git('worktree', 'remove', '--force', wt);
    }
  });

  it('rejects an unknown revision, a non-commit and a non-repository with clear errors', async () => {
    const unknown = await readGit({ repo: repo.dir, rev: 'no-such-branch' });
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'unknown-revision' } });
    if (!unknown.ok) expect(unknown.error.message).toContain('no-such-branch');
    // It names the branches there are: `main` asked of a repository whose branch is `master`.
    if (!unknown.ok) expect(unknown.error.message).toMatch(/\(branches: [^)]*\bmain\b/);
    const missingSha = await readGit({ repo: repo.dir, rev: 'deadbeef'.repeat(5) });
    expect(missingSha).toMatchObject({ ok: false, error: { kind: 'unknown-revision' } });
    for (const rev of ['../../../etc/hostname', '/etc/passwd', 'refs/../HEAD', 'a b']) {
      const res = await readGit({ repo: repo.dir, rev });
      expect(res.ok ? 'resolved' : res.error.message, rev).toBe(`"${rev}" is not a valid revision name`);
      expect(res.ok ? 'resolved' : res.error.kind, rev).toBe('bad-revision-name');
    }
    const tooFar = await readGit({ repo: repo.dir, rev: 'HEAD~5' });
    expect(tooFar).toMatchObject({ ok: false, error: { kind: 'unknown-revision' } });
    const tree = repo.git('rev-parse', 'HEAD^{tree}');
    expect(await readGit({ repo: repo.dir, rev: tree })).toMatchObject({ ok: false, error: { kind: 'not-a-commit' } });
    expect(await readGit({ repo: path.join(repo.dir, 'mesh'), rev: 'HEAD' })).toMatchObject({
      ok: false,
      error: { kind: 'not-a-repository' },
    });
    expect(await readGit({ repo: path.join(repo.dir, 'nope'), rev: 'HEAD' })).toMatchObject({
      ok: false,
      error: { kind: 'not-found' },
    });
  });
});

describe('readGit rejects what a checkout would not contain safely', () => {
  let bad: TestRepo;
  beforeAll(() => {
    bad = createRepo();
    bad.write({ 'ok.yaml': 'a: 1\n' });
    bad.symlink('link.yaml', '../../../etc/passwd');
    bad.symlink('conf', '/etc');
    bad.symlink('docs/LICENSE', 'x');
    bad.symlink('CHANGELOG.md', 'docs/x.md');
    bad.addGitlink('vendor/mesh', 'a'.repeat(40));
    bad.commit('links and a submodule');
  });
  afterAll(() => bad.cleanup());

  it('reports symlinks (120000) and submodules (160000) by path and reads neither', async () => {
    const res = await readGit({ repo: bad.dir, rev: 'HEAD' });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['ok.yaml']);
    // A link named like config is config left unread (an error). The others lead out of the
    // repository (/etc) or to nothing the commit holds: without a file extension, each could be
    // a folder on a checkout, a warning; with one (CHANGELOG.md), only noted.
    expect(res.bundle.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['ML0008', 'info', 'CHANGELOG.md'],
      ['ML0008', 'warning', 'conf'],
      ['ML0008', 'warning', 'docs/LICENSE'],
      ['ML0001', 'error', 'link.yaml'],
      ['ML0002', 'error', 'vendor/mesh'],
    ]);
    const message = (file: string) => res.bundle.diagnostics.find((d) => d.file === file)!.message;
    expect(message('CHANGELOG.md')).toBe("CHANGELOG.md is a symbolic link, not followed; its name is not a config file's, so it is not read as config");
    expect(message('conf')).toBe('conf is a symbolic link, not followed, to a path this revision does not hold (outside the repository, or missing): if it leads to a folder, the config files there are not read');
    expect(message('vendor/mesh')).toContain('vendor/mesh is a submodule');
  });

  it('a link to a folder of the commit is an error: the config there would silently go unread', async () => {
    const repo = createRepo();
    try {
      repo.write({ 'shared/team-b/vs.yaml': 'a: 1\n', 'shared/notes': 'n\n', 'ok.yaml': 'a: 1\n' });
      repo.symlink('teams/team-b', '../shared/team-b'); // relative to the link's folder
      repo.symlink('all', '.'); // the root folder itself
      repo.symlink('trailing', 'shared/team-b/');
      repo.symlink('notes', 'shared/notes'); // a file: only noted
      repo.commit('links');
      const res = await readGit({ repo: repo.dir, rev: 'HEAD' });
      if (!res.ok) throw new Error(res.error.message);
      expect(res.bundle.files.map((f) => f.path)).toEqual(['ok.yaml', 'shared/team-b/vs.yaml']);
      expect(res.bundle.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
        ['ML0001', 'error', 'all'],
        ['ML0008', 'info', 'notes'],
        ['ML0001', 'error', 'teams/team-b'],
        ['ML0001', 'error', 'trailing'],
      ]);
      expect(res.bundle.diagnostics.find((d) => d.file === 'teams/team-b')!.message).toBe(
        'teams/team-b is a symbolic link to a folder; links are not followed, so the config files there are not read',
      );
    } finally {
      repo.cleanup();
    }
  });

  it('skips and reports tree entries named ".." (crafted trees)', async () => {
    const blob = bad.git('rev-parse', 'HEAD:ok.yaml');
    const evil = execFileSync('git', ['mktree'], { cwd: bad.dir, input: `100644 blob ${blob}\t..\n` }).toString().trim();
    const top = execFileSync('git', ['mktree'], {
      cwd: bad.dir,
      input: `040000 tree ${evil}\tsub\n100644 blob ${blob}\tok.yaml\n`,
    })
      .toString()
      .trim();
    const commit = bad.git('commit-tree', top, '-m', 'crafted');
    const res = await readGit({ repo: bad.dir, rev: commit });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['ok.yaml']);
    expect(res.bundle.diagnostics.map((d) => [d.code, d.file])).toEqual([['ML0003', 'sub']]);
  });
});

describe('readGit size guard', () => {
  let big: TestRepo;
  beforeAll(() => {
    big = createRepo();
    big.write({ 'small.yaml': 'a: 1\n', 'large.yaml': `data: ${'x'.repeat(50_000)}\n` });
    big.commit('one');
    big.write({ 'large.yaml': `data: ${'x'.repeat(50_000)}y\n` }); // packs as a delta
    big.commit('two');
  });
  afterAll(() => big.cleanup());

  const limits = { maxFileBytes: 10_000, maxTotalBytes: 1_000_000, maxFiles: 100 };

  it('refuses a blob over the limit, loose or packed (delta included)', async () => {
    for (const stage of ['loose', 'packed']) {
      if (stage === 'packed') execFileSync('git', ['gc', '-q', '--aggressive'], { cwd: big.dir });
      for (const rev of ['HEAD', 'HEAD~1']) {
        const res = await readGit({ repo: big.dir, rev, limits });
        if (!res.ok) throw new Error(res.error.message);
        expect(res.bundle.files.map((f) => f.path), `${stage} ${rev}`).toEqual(['small.yaml']);
        expect(res.bundle.diagnostics.map((d) => [d.code, d.file])).toEqual([['ML0004', 'large.yaml']]);
        expect(res.bundle.diagnostics[0]!.message).toMatch(/large\.yaml is 48\.8 KiB/);
      }
    }
    expect(fs.readdirSync(path.join(big.dir, '.git', 'objects', 'pack')).some((n) => n.endsWith('.pack'))).toBe(true);
  });

  it('learns object sizes from headers alone, equal to git cat-file -s (loose, packed, delta)', async () => {
    const all = big.git('rev-list', '--objects', '--all').split('\n').map((l) => l.split(' ')[0]!);
    const packDir = path.join(big.dir, '.git', 'objects', 'pack');
    const indexes = fs.readdirSync(packDir).filter((n) => n.endsWith('.idx'));
    const packed = big.git('verify-pack', '-v', ...indexes.map((n) => path.join(packDir, n)));
    expect(packed).toMatch(/ blob +\d+ \d+ \d+ 1 [0-9a-f]{40}/); // at least one blob stored as a delta
    big.write({ 'loose.yaml': 'b: 2\n' });
    const looseCommit = big.commit('three'); // loose objects next to the pack
    const gitdir = path.join(big.dir, '.git');
    const sizer = new GitObjects(new LooseObjects(gitdir));
    for (const oid of [...all, looseCommit, big.git('rev-parse', 'HEAD:loose.yaml')]) {
      expect(await sizer.size(oid), oid).toBe(Number(big.git('cat-file', '-s', oid)));
    }
  });
});
