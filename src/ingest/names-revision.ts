// Whether a string names a revision of a repository: for a command-line argument that could
// be read either way (a folder that has a branch's name), which must then not be guessed.
import { findGitDir } from './git-dir.ts';
import { withRereads } from './fresh-read.ts';
import { openRepo } from './git-read-fs.ts';
import { resolveRevision, revisionNameProblem } from './resolve-rev.ts';

export async function namesRevision(repo: string, rev: string): Promise<boolean> {
  if (revisionNameProblem(rev)) return false; // `./staging`, `staging/`: only ever a path
  const found = await findGitDir(repo);
  if (!found.ok) return false;
  return (await withRereads(() => resolveRevision(openRepo(found), rev))).ok;
}
