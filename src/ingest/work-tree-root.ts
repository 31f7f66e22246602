// The work tree a path lies in, as git finds it: its top folder (so a path inside the
// repository, the current directory of someone editing there, names the whole work tree, in
// a linked worktree too) and the git directory holding its objects (a linked worktree's
// common directory). Errors name the path as the user wrote it.
import fs from 'node:fs';
import path from 'node:path';
import { runGit } from './git-cli.ts';
import { ingestError, type IngestError } from './ingest-error.ts';

export type WorkTreeRoot =
  | { readonly ok: true; readonly root: string; readonly gitdir: string }
  | { readonly ok: false; readonly error: IngestError };

/** `repo` as given on the command line, relative to `cwd`. */
export async function findWorkTreeRoot(repo: string, cwd: string): Promise<WorkTreeRoot> {
  let abs = path.resolve(cwd, repo);
  let stat = fs.statSync(abs, { throwIfNoEntry: false });
  // A linked worktree's or submodule's `.git` file, named as the revisions' repository (`--repo wt/.git`): its folder is the work tree.
  if (stat?.isFile() && path.basename(abs) === '.git') {
    abs = path.dirname(abs);
    stat = fs.statSync(abs, { throwIfNoEntry: false });
  }
  if (!stat) return ingestError('not-found', `repository ${repo} does not exist`);
  if (!stat.isDirectory()) return ingestError('not-a-repository', `${repo} is not a git repository (not a folder)`);
  const facts = await runGit(abs, ['rev-parse', '--is-bare-repository', '--is-inside-work-tree', '--git-common-dir']);
  if (!facts.ok) {
    if (facts.error.kind === 'git-unavailable') return facts;
    return ingestError('not-a-repository', `${repo} is not in a git work tree (git: ${facts.said})`);
  }
  const [bare, inside, commonDir] = facts.stdout.toString('utf8').split('\n');
  if (bare === 'true') return ingestError('not-a-repository', `${repo} is a bare repository: it has no work tree to compare with`);
  if (inside !== 'true' || !commonDir) return ingestError('not-a-repository', `${repo} is inside a git directory, not in a work tree`);
  const top = await runGit(abs, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return top;
  // rev-parse prints the common directory relative to where it ran (`.git`), or absolute.
  return { ok: true, root: top.stdout.toString('utf8').replace(/\n$/, ''), gitdir: path.resolve(abs, commonDir) };
}
