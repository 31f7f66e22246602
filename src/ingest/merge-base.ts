// The merge base of two revisions: the commit `git diff A...B` compares B against, i.e. where
// B's branch left A. A pull request's own changes are merge-base(base, head) → head; comparing
// head with the base branch's tip would also show, reversed, whatever landed on the base since.
import git from 'isomorphic-git';
import { findGitDir } from './git-dir.ts';
import { LooseObjects, gitReadFs } from './git-read-fs.ts';
import { ingestError, type IngestError } from './ingest-error.ts';
import { resolveRevision } from './resolve-rev.ts';

export type MergeBaseResult = { readonly ok: true; readonly oid: string } | { readonly ok: false; readonly error: IngestError };

export async function findMergeBase(repo: string, revA: string, revB: string): Promise<MergeBaseResult> {
  const found = await findGitDir(repo);
  if (!found.ok) return found;
  const { gitdir } = found;
  const cache = {};
  const fs = gitReadFs(new LooseObjects(gitdir), found.worktreeGitdir);
  const a = await resolveRevision(fs, gitdir, revA, cache);
  if (!a.ok) return a;
  const b = await resolveRevision(fs, gitdir, revB, cache);
  if (!b.ok) return b;
  let bases: string[];
  try {
    bases = (await git.findMergeBase({ fs, gitdir, oids: [a.oid, b.oid], cache })) as string[];
  } catch (err) {
    return ingestError('unreadable', `cannot find the merge base of "${revA}" and "${revB}": ${err instanceof Error ? err.message : String(err)}`);
  }
  // Several bases (criss-cross merges): like `git diff A...B`, use one of them, deterministically.
  const first = [...bases].sort()[0];
  if (first === undefined) {
    return ingestError('no-merge-base', `"${revA}" and "${revB}" have no common history (no merge base), so ${revA}...${revB} names nothing; compare them with two arguments instead`);
  }
  return { ok: true, oid: first };
}
