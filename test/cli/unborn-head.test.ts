// A HEAD that points at a branch with no commits: a bare repository made with `git init
// --bare` (HEAD → master) that was pushed only `main`, or a work tree on an orphan branch.
// The error says where HEAD points and which revision to read instead, as each command takes it.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { runCli } from './run-cli.ts';

let repo: TestRepo;
let bare: string;
beforeAll(() => {
  repo = createRepo();
  repo.write({ 'a.yaml': 'x: 1\n' });
  repo.commit('one');
  repo.write({ 'a.yaml': 'x: 2\n' });
  repo.commit('two');
  bare = repo.bareClone();
  // What `git init --bare` leaves when the default branch is master and only main is pushed.
  execFileSync('git', ['symbolic-ref', 'HEAD', 'refs/heads/master'], { cwd: bare });
});
afterAll(() => repo.cleanup());

describe('a HEAD pointing at a branch without commits', () => {
  it('validate and compile say where HEAD points and suggest --rev with the branch there is (exit 3)', async () => {
    const validate = await runCli(['validate', '--repo', bare]);
    expect(validate.code).toBe(3);
    expect(validate.stderr).toBe('Error: unknown revision "HEAD": HEAD points at branch "master", which has no commits (branches: main); use --rev main instead\n');
    const compile = await runCli(['compile', '--repo', bare, '--rev', 'HEAD~1']);
    expect(compile.code).toBe(3);
    expect(compile.stderr).toBe('Error: unknown revision "HEAD~1": HEAD points at branch "master", which has no commits (branches: main); use --rev main~1 instead\n');
    // The suggestion reads.
    expect((await runCli(['validate', '--repo', bare, '--rev', 'main~1'])).stderr).not.toContain('Error');
  });

  it('diff suggests the revision argument to write instead, for two revisions and for A...B', async () => {
    const two = await runCli(['diff', '--repo', bare, 'HEAD~1', 'HEAD']);
    expect(two.code).toBe(3);
    expect(two.stderr).toContain('Error: unknown revision "HEAD~1": HEAD points at branch "master", which has no commits (branches: main); write main~1 instead\n');
    const range = await runCli(['diff', '--repo', bare, 'main~1...HEAD']);
    expect(range.code).toBe(3);
    expect(range.stderr).toContain('Error: unknown revision "HEAD": HEAD points at branch "master", which has no commits (branches: main); write main instead\n');
  });

  it('in a work tree on an orphan branch, names that branch', async () => {
    repo.git('checkout', '-q', '--orphan', 'fresh');
    try {
      const res = await runCli(['validate', '--repo', repo.dir]);
      expect(res.code).toBe(3);
      expect(res.stderr).toBe('Error: unknown revision "HEAD": HEAD points at branch "fresh", which has no commits (branches: main); use --rev main instead\n');
    } finally {
      repo.git('checkout', '-q', '-f', 'main');
    }
  });
});
