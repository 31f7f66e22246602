// What `--repo` may name, and what a user is told when it names something meshlog cannot read
// as a repository: each message says what the path is and what to pass instead.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { MESH } from './mesh-fixture.ts';
import { runCli } from './run-cli.ts';

let repo: TestRepo;
let tmp: string;
const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

beforeAll(() => {
  repo = createRepo();
  repo.write(MESH);
  repo.commit('mesh');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-repo-arg-'));
});
afterAll(() => {
  repo.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('repositories meshlog cannot read', () => {
  it('a SHA-256 repository is said to be one (exit 3), not a repository without the branch asked for', async () => {
    const sha256 = path.join(tmp, 'sha256');
    git(tmp, 'init', '-q', '-b', 'main', '--object-format=sha256', sha256);
    fs.cpSync(path.join(repo.dir, 'routing'), path.join(sha256, 'routing'), { recursive: true });
    git(sha256, 'add', '-A');
    git(sha256, 'commit', '-q', '-m', 'one');
    for (const args of [['validate', '--repo', sha256, '--rev', 'main'], ['diff', 'HEAD', '--repo', sha256], ['diff', 'HEAD~1', 'HEAD', '--repo', sha256]]) {
      const res = await runCli(args);
      expect(res.code, args.join(' ')).toBe(3);
      expect(res.stderr, args.join(' ')).toBe(`Error: ${sha256} is a SHA-256 repository (extensions.objectformat = sha256): SHA-256 repositories are not supported; meshlog reads repositories with SHA-1 object ids, git's default\n`);
    }
  });

  it('a repository whose refs are in the reftable format is said to be one (exit 3)', async () => {
    const copy = path.join(tmp, 'reftable');
    fs.cpSync(repo.dir, copy, { recursive: true });
    // What `git init --ref-format=reftable` writes (git 2.45+); the git running the tests may predate it.
    execFileSync('git', ['config', 'core.repositoryformatversion', '1'], { cwd: copy });
    execFileSync('git', ['config', 'extensions.refstorage', 'reftable'], { cwd: copy });
    const res = await runCli(['validate', '--repo', copy]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('keeps its refs in the "reftable" format (extensions.refstorage): such repositories are not supported');
  });
});

describe('revision syntax meshlog does not support', () => {
  it('is named as such (exit 2), with what to write instead where git has an equivalent', async () => {
    repo.git('tag', '-a', '-m', 'release', 'v1-ann');
    const cases: [string, string][] = [
      ['@', '`@` is short for HEAD: write HEAD'],
      ['main@{1}', 'a reflog entry or upstream, @{…}: meshlog reads objects, not reflogs'],
      ['main@{yesterday}', 'a reflog entry or upstream, @{…}: meshlog reads objects, not reflogs'],
      ['HEAD^{commit}', 'peeling with ^{commit}: tags are peeled to their commit anyway, so write "HEAD"'],
      ['v1-ann^{}', 'peeling with ^{}: tags are peeled to their commit anyway, so write "v1-ann"'],
      [':/init', 'a search of commit messages, :/text or ^{/text}'],
      ['HEAD:routing/reviews.yaml', 'a file in a revision or the index, REV:path'],
      ['main..HEAD', 'a range of commits, A..B: meshlog diff compares two revisions'],
    ];
    for (const [rev, kind] of cases) {
      const r = await runCli(['validate', '--repo', repo.dir, '--rev', rev]);
      expect(r.code, rev).toBe(2);
      expect(r.stderr, rev).toContain(`"${rev}" is git syntax meshlog does not support (${kind}); name a branch, tag or commit`);
    }
    const diff = await runCli(['diff', 'main@{1}...HEAD', '--repo', repo.dir]);
    expect(diff.code).toBe(2);
    expect(diff.stderr).toContain('"main@{1}" is git syntax meshlog does not support (a reflog entry');
    // A name git itself refuses is still just invalid.
    expect((await runCli(['validate', '--repo', repo.dir, '--rev', 'main.lock'])).stderr).toContain('"main.lock" is not a valid revision name');
  });
});

describe('--repo naming something other than a repository\'s top folder', () => {
  it('a folder inside a repository is named as such, with the folder to pass (exit 3)', async () => {
    const r = await runCli(['validate', '--repo', path.join(repo.dir, 'routing')]);
    expect(r.code).toBe(3);
    expect(r.stderr).toBe(
      `Error: ${path.join(repo.dir, 'routing')} is a folder inside the repository at ${repo.dir}, not a repository itself: pass its top folder (--repo ${repo.dir}); a revision is always read whole\n`,
    );
    // Relative to the working folder, as typed.
    const relative = await runCli(['validate', '--repo', 'routing', '--rev', 'HEAD'], repo.dir);
    expect(relative.stderr).toContain(`is a folder inside the repository at ${repo.dir}`);
  });

  it('a linked worktree\'s .git file is followed to its git directory, for revisions and for its work tree', async () => {
    const wt = path.join(tmp, 'wt');
    repo.git('worktree', 'add', '-q', '-b', 'wt-branch', wt, 'HEAD');
    try {
      expect(fs.statSync(path.join(wt, '.git')).isFile()).toBe(true);
      const res = await runCli(['validate', '--repo', path.join(wt, '.git')]);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('.git@HEAD');
      fs.writeFileSync(path.join(wt, 'routing', 'reviews.yaml'), MESH['routing/reviews.yaml']!.replace('weight: 90', 'weight: 60').replace('weight: 10', 'weight: 40'));
      const diff = await runCli(['diff', 'HEAD', '--repo', path.join(wt, '.git')]);
      expect(diff.stderr).toBe('');
      expect(diff.stdout).toMatch(/v1 90→60, v2 10→40/);
      // Any other file is still no repository.
      expect((await runCli(['validate', '--repo', path.join(wt, 'routing', 'reviews.yaml')])).stderr).toContain('is not a git repository (not a folder)');
    } finally {
      repo.git('worktree', 'remove', '--force', wt);
    }
  });
});
