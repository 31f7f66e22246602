// The paths of a work tree as git sees them, from `git ls-files`: the tracked ones (in the
// index, with mode and blob id, and whether a sparse checkout leaves them off the disk) and
// the untracked ones git does not ignore. git never enters an ignored folder, so a build
// output with thousands of files, or one that cannot be read, costs nothing.
import { nulRecords, runGit } from './git-cli.ts';
import type { IngestError } from './ingest-error.ts';

export interface IndexEntry {
  readonly path: string;
  /** `100644`, `100755`, `120000` (symbolic link), `160000` (submodule). */
  readonly mode: string;
  readonly oid: string;
  /** The skip-worktree bit (sparse checkout): not on disk, its content is the index's. */
  readonly skipWorktree: boolean;
}

export interface WorkTreeFiles {
  readonly tracked: readonly IndexEntry[];
  /** Untracked files git does not ignore. */
  readonly untracked: readonly string[];
  /** Untracked git repositories inside the work tree (their folders): `git add` makes them gitlinks. */
  readonly nestedRepos: readonly string[];
}

// `-t --stage`: "<tag> <mode> <oid> <stage>\t<path>"; tag `S` marks skip-worktree.
const STAGE_LINE = /^(\S) (\d{6}) ([0-9a-f]{40,64}) \d\t(.+)$/s;

export async function listWorkTree(root: string): Promise<{ readonly ok: true; readonly files: WorkTreeFiles } | { readonly ok: false; readonly error: IngestError }> {
  const [staged, others] = await Promise.all([
    runGit(root, ['ls-files', '-z', '-t', '--stage']),
    runGit(root, ['ls-files', '-z', '--others', '--exclude-standard']),
  ]);
  if (!staged.ok) return staged;
  if (!others.ok) return others;
  const tracked: IndexEntry[] = [];
  let last = '';
  for (const record of nulRecords(staged.stdout)) {
    const m = STAGE_LINE.exec(record);
    // A merge conflict lists a path once per stage; the file on disk is what counts.
    if (!m || m[4] === last) continue;
    last = m[4]!;
    tracked.push({ path: m[4]!, mode: m[2]!, oid: m[3]!, skipWorktree: m[1] === 'S' });
  }
  const untracked: string[] = [];
  const nestedRepos: string[] = [];
  for (const p of nulRecords(others.stdout)) {
    // git lists an untracked repository inside the work tree as its folder and does not enter it.
    if (p.endsWith('/')) nestedRepos.push(p.slice(0, -1));
    else untracked.push(p);
  }
  return { ok: true, files: { tracked, untracked, nestedRepos } };
}
