// Real git repositories for tests, made with the `git` CLI in a temp folder. Commits get
// a fixed author and a fixed, increasing date, so commit ids are the same on every run.
// Usage:
//   const repo = createRepo();
//   repo.write({ 'vs.yaml': '...' });
//   const c1 = repo.commit('first');
//   repo.cleanup();   // in afterAll / finally
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface TestRepo {
  /** The work tree (its `.git` inside). */
  readonly dir: string;
  /** Writes files (creating folders); paths relative to the work tree. */
  write(files: Readonly<Record<string, string | Uint8Array>>): void;
  /** Deletes a file or folder from the work tree (staged by the next commit). */
  remove(relPath: string): void;
  /** Creates a symbolic link `relPath` → `target` (target kept as written). */
  symlink(relPath: string, target: string): void;
  /** Stages a submodule gitlink (mode 160000) at `relPath` pointing at `sha`; commit afterwards. */
  addGitlink(relPath: string, sha: string): void;
  /** `git add -A` + commit; returns the new commit id. */
  commit(message: string, opts?: { readonly author?: { name: string; email: string } }): string;
  /** Runs git in the work tree and returns trimmed stdout. */
  git(...args: string[]): string;
  /** A bare clone of this repository (removed by cleanup()). */
  bareClone(): string;
  cleanup(): void;
}

const BASE_TIME = Date.UTC(2026, 0, 1, 12, 0, 0) / 1000;

export function createRepo(prefix = 'meshlog-repo-'): TestRepo {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const dir = path.join(root, 'work');
  fs.mkdirSync(dir);
  let commits = 0;
  const gitlinks = new Map<string, string>(); // `git add -A` would drop them: re-staged on commit
  // An isolated HOME: the user's global git config (signing, hooks, templates) must not leak in.
  const baseEnv: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: root,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: path.join(root, 'gitconfig'),
    LANG: 'C',
    // Fixed identity and date for commands other than commit() (tags, commit-tree).
    GIT_AUTHOR_NAME: 'Test Author',
    GIT_AUTHOR_EMAIL: 'author@example.com',
    GIT_AUTHOR_DATE: `${BASE_TIME} +0000`,
    GIT_COMMITTER_NAME: 'Test Committer',
    GIT_COMMITTER_EMAIL: 'committer@example.com',
    GIT_COMMITTER_DATE: `${BASE_TIME} +0000`,
  };
  fs.writeFileSync(path.join(root, 'gitconfig'), '[core]\n\tsymlinks = true\n\tautocrlf = false\n');

  const run = (cwd: string, args: string[], env: NodeJS.ProcessEnv = baseEnv): string =>
    execFileSync('git', args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();

  run(dir, ['init', '-q', '-b', 'main']);

  const repo: TestRepo = {
    dir,
    write(files) {
      for (const [rel, content] of Object.entries(files)) {
        const abs = path.join(dir, rel);
        fs.mkdirSync(path.dirname(abs), { recursive: true });
        fs.writeFileSync(abs, content);
      }
    },
    remove(relPath) {
      fs.rmSync(path.join(dir, relPath), { recursive: true, force: true });
    },
    symlink(relPath, target) {
      const abs = path.join(dir, relPath);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.symlinkSync(target, abs);
    },
    addGitlink(relPath, sha) {
      gitlinks.set(relPath, sha);
    },
    commit(message, opts) {
      const when = `${BASE_TIME + commits * 60} +0000`;
      commits += 1;
      const who = opts?.author ?? { name: 'Test Author', email: 'author@example.com' };
      run(dir, ['add', '-A']);
      for (const [rel, sha] of gitlinks) run(dir, ['update-index', '--add', '--cacheinfo', `160000,${sha},${rel}`]);
      run(dir, ['commit', '-q', '--allow-empty', '--no-verify', '-m', message], {
        ...baseEnv,
        GIT_AUTHOR_NAME: who.name,
        GIT_AUTHOR_EMAIL: who.email,
        GIT_AUTHOR_DATE: when,
        GIT_COMMITTER_DATE: when,
      });
      return run(dir, ['rev-parse', 'HEAD']);
    },
    git(...args) {
      return run(dir, args);
    },
    bareClone() {
      const bare = path.join(root, `bare-${fs.readdirSync(root).length}.git`);
      run(root, ['clone', '-q', '--bare', dir, bare]);
      return bare;
    },
    cleanup() {
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
  return repo;
}
