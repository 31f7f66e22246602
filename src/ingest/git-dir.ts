// Finds the git directory for a repository path: a work tree (`.git` folder, or a `.git`
// file pointing elsewhere as in linked worktrees and submodule checkouts) or a bare repo.
// A linked worktree's own git directory (`.git/worktrees/NAME`) holds little more than its
// HEAD; refs and objects are in the main repository's, which its `commondir` file names.
// So the common directory is the one to read, with the worktree's HEAD taken from its own.
import fs from 'node:fs';
import path from 'node:path';
import { readGitConfig } from './git-config.ts';
import { ingestError, type IngestError } from './ingest-error.ts';

export type GitDirResult =
  | {
      readonly ok: true;
      /** Where refs and objects are (a linked worktree's common directory). */
      readonly gitdir: string;
      /** A linked worktree's own git directory, which holds its HEAD; absent otherwise. */
      readonly worktreeGitdir?: string;
    }
  | { readonly ok: false; readonly error: IngestError };

export async function findGitDir(repo: string): Promise<GitDirResult> {
  const abs = path.resolve(repo);
  const stat = await statOrNull(abs);
  if (!stat) return ingestError('not-found', `repository ${repo} does not exist`);
  if (!stat.isDirectory()) return ingestError('not-a-repository', `${repo} is not a git repository (not a folder)`);
  const found = (await gitDirAt(abs)) ?? ingestError('not-a-repository', `${repo} is not a git repository (no .git folder, not a bare repository)`);
  const unsupported = found.ok ? unsupportedFormat(repo, found.gitdir) : undefined;
  return unsupported ? ingestError('unsupported-repository', unsupported) : found;
}

/**
 * Why the repository's storage is one meshlog cannot read, from the formats its config
 * declares: SHA-256 object ids (`git init --object-format=sha256`), which neither meshlog's
 * object reader nor isomorphic-git knows, and reftable refs. Said up front, since otherwise
 * every revision would look unknown.
 */
function unsupportedFormat(repo: string, gitdir: string): string | undefined {
  const config = readGitConfig(gitdir);
  const objectFormat = config.get('extensions.objectformat')?.toLowerCase();
  if (objectFormat !== undefined && objectFormat !== 'sha1') {
    const name = objectFormat === 'sha256' ? 'SHA-256' : `"${objectFormat}"`;
    return `${repo} is a ${name} repository (extensions.objectformat = ${objectFormat}): ${name} repositories are not supported; meshlog reads repositories with SHA-1 object ids, git's default`;
  }
  const refStorage = config.get('extensions.refstorage')?.toLowerCase();
  if (refStorage !== undefined && refStorage !== 'files') {
    return `${repo} keeps its refs in the "${refStorage}" format (extensions.refstorage): such repositories are not supported; meshlog reads refs stored as files, git's default (\`git refs migrate --ref-format=files\` converts them)`;
  }
  return undefined;
}

/**
 * The top folder of the repository `dir` is in, looked for from `dir` upward as git looks: the
 * first folder with a `.git` folder holding a HEAD, or a `.git` file (whose target findGitDir
 * then checks), or that is a bare repository. Undefined when there is none.
 */
export function repositoryAbove(dir: string): string | undefined {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    const dotGit = fs.statSync(path.join(at, '.git'), { throwIfNoEntry: false });
    if (dotGit?.isFile() || (dotGit?.isDirectory() && fs.statSync(path.join(at, '.git', 'HEAD'), { throwIfNoEntry: false })?.isFile())) return at;
    if (fs.statSync(path.join(at, 'HEAD'), { throwIfNoEntry: false })?.isFile() && fs.statSync(path.join(at, 'objects'), { throwIfNoEntry: false })?.isDirectory()) return at;
    if (path.dirname(at) === at) return undefined;
  }
}

/** The git directory of the folder `abs` (a work tree's or a bare repository's), if it is a repository. */
async function gitDirAt(abs: string): Promise<GitDirResult | undefined> {
  const dotGit = path.join(abs, '.git');
  const dotGitStat = await statOrNull(dotGit);
  if (dotGitStat?.isDirectory()) return { ok: true, gitdir: dotGit };
  if (dotGitStat?.isFile()) {
    const text = await fs.promises.readFile(dotGit, 'utf8');
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
    // As git: a `.git` file is this folder's repository, or an error; never a reason to look elsewhere.
    if (!match?.[1]) return ingestError('not-a-repository', `${dotGit} is not a valid .git file (no "gitdir:" line)`);
    const target = path.resolve(abs, match[1]);
    if (!(await statOrNull(target))?.isDirectory()) return ingestError('not-a-repository', `${dotGit} points at ${target}, which is not a folder`);
    return withCommonDir(target);
  }
  // A bare repository is its own git directory.
  if ((await statOrNull(path.join(abs, 'HEAD')))?.isFile() && (await statOrNull(path.join(abs, 'objects')))?.isDirectory()) {
    return { ok: true, gitdir: abs };
  }
  return undefined;
}

async function withCommonDir(gitdir: string): Promise<GitDirResult> {
  let common: string;
  try {
    common = (await fs.promises.readFile(path.join(gitdir, 'commondir'), 'utf8')).trim();
  } catch {
    return { ok: true, gitdir }; // no commondir: a submodule checkout, or a plain `.git` file
  }
  return { ok: true, gitdir: path.resolve(gitdir, common), worktreeGitdir: gitdir };
}

async function statOrNull(p: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(p);
  } catch {
    return null;
  }
}
