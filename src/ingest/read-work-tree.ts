// A repository's work tree → SourceBundle: the config as it is on disk, uncommitted edits
// included, which is what `meshlog diff REV` compares a revision with. The files are the
// ones the next `git add -A` would commit: tracked files (those in the index) that are still
// there, and untracked files git does not ignore. So a scratch file or a build output that
// .gitignore names does not show up as a routing change, while a new config file that is
// not added yet does. Reading is the folder reader's (links refused, sizes capped).
import fs from 'node:fs';
import path from 'node:path';
import git from 'isomorphic-git';
import { DEFAULT_LIMITS, type IngestLimits } from './file-filter.ts';
import { findGitDir } from './git-dir.ts';
import { ingestError, type IngestResult } from './ingest-error.ts';
import { readFolder } from './read-folder.ts';
import type { SourceBundle } from './source-bundle.ts';

export async function readWorkTree(repo: string, limits: IngestLimits = DEFAULT_LIMITS): Promise<IngestResult<{ readonly bundle: SourceBundle }>> {
  const dir = path.resolve(repo);
  const found = await findGitDir(dir);
  if (!found.ok) return found;
  const { gitdir } = found;
  if (gitdir === dir) return ingestError('not-a-repository', `${repo} is a bare repository: it has no work tree to compare with`);
  const tracked = await indexPaths(dir, gitdir);
  const committable = async (paths: readonly string[]): Promise<string[]> => {
    const kept: string[] = [];
    for (const p of paths) {
      // A tracked file stays tracked even if .gitignore names it, as in git.
      if (tracked.has(p) || !(await git.isIgnored({ fs, dir, gitdir, filepath: p }))) kept.push(p);
    }
    return kept;
  };
  return readFolder(dir, limits, committable);
}

/** Paths in the index; none for a repository without one yet (nothing staged or committed). */
async function indexPaths(dir: string, gitdir: string): Promise<ReadonlySet<string>> {
  if (!fs.existsSync(path.join(gitdir, 'index'))) return new Set();
  return new Set(await git.listFiles({ fs, dir, gitdir }));
}
