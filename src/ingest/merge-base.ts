// The merge base of two revisions: the commit `git diff A...B` compares B against, i.e. where
// B's branch left A. A pull request's own changes are merge-base(base, head) → head; comparing
// head with the base branch's tip would also show, reversed, whatever landed on the base since.
import git from 'isomorphic-git';
import { findGitDir } from './git-dir.ts';
import { withRereads } from './fresh-read.ts';
import { openRepo, type GitRepo } from './git-read-fs.ts';
import { ingestError, type IngestError } from './ingest-error.ts';
import { objectReadError } from './object-errors.ts';
import { resolveRevision } from './resolve-rev.ts';

export type MergeBaseResult = { readonly ok: true; readonly oid: string } | { readonly ok: false; readonly error: IngestError };

export async function findMergeBase(repo: string, revA: string, revB: string): Promise<MergeBaseResult> {
  const found = await findGitDir(repo);
  if (!found.ok) return found;
  return withRereads(() => mergeBaseIn(openRepo(found), revA, revB));
}

async function mergeBaseIn(opened: GitRepo, revA: string, revB: string): Promise<MergeBaseResult> {
  const a = await resolveRevision(opened, revA);
  if (!a.ok) return a;
  const b = await resolveRevision(opened, revB);
  if (!b.ok) return b;
  let bases: string[];
  try {
    bases = (await git.findMergeBase({ fs: opened.fs, gitdir: opened.gitdir, oids: [a.oid, b.oid], cache: opened.cache })) as string[];
  } catch (err) {
    const error = objectReadError(opened, err, `a commit in the history of "${revA}" and "${revB}"`);
    return { ok: false, error: { ...error, message: `cannot find the merge base of "${revA}" and "${revB}": ${error.message}` } };
  }
  // Several bases (criss-cross merges): like `git diff A...B`, use one of them, deterministically.
  const first = [...bases].sort()[0];
  if (first === undefined) {
    return ingestError('no-merge-base', `"${revA}" and "${revB}" have no common history (no merge base), so ${revA}...${revB} names nothing; compare them with two arguments instead`);
  }
  return { ok: true, oid: first };
}
