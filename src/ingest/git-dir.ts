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
  // A `.git` file (a linked worktree's or a submodule's) names the git directory, as for git --git-dir.
  const found = stat.isDirectory()
    ? ((await gitDirAt(abs)) ?? notARepository(repo, abs))
    : ((stat.isFile() ? await followGitFile(repo, abs) : undefined) ?? ingestError('not-a-repository', `${repo} is not a git repository (not a folder)`));
  const unsupported = found.ok ? unsupportedFormat(repo, found.gitdir) : undefined;
  return unsupported ? ingestError('unsupported-repository', unsupported) : found;
}

/** The folder `abs` holds no repository: a folder inside one (then say which to pass), or none at all. */
function notARepository(repo: string, abs: string): GitDirResult {
  const root = repositoryAbove(path.dirname(abs));
  if (root === undefined) return ingestError('not-a-repository', `${repo} is not a git repository (no .git folder, not a bare repository)`);
  return ingestError(
    'not-a-repository',
    `${repo} is a folder inside the repository at ${root}, not a repository itself: pass its top folder (--repo ${root}); a revision is always read whole`,
  );
}

/** The git directory a `.git` file (`shown` in messages) leads to; undefined when it is no `.git` file. */
async function followGitFile(shown: string, file: string): Promise<GitDirResult | undefined> {
  const target = await gitFileTarget(file);
  if (target === undefined) return undefined;
  if (!(await statOrNull(target))?.isDirectory()) return ingestError('not-a-repository', `${shown} points at ${target}, which is not a folder`);
  return withCommonDir(target);
}

/** The folder a `.git` file's `gitdir:` line names (relative to the file's folder), if it has one. */
async function gitFileTarget(file: string): Promise<string | undefined> {
  let text: string;
  try {
    const handle = await fs.promises.open(file, 'r');
    try {
      const head = Buffer.alloc(4096); // a .git file is one line; anything else need not be read whole
      text = head.toString('utf8', 0, (await handle.read(head, 0, head.length, 0)).bytesRead);
    } finally {
      await handle.close();
    }
  } catch {
    return undefined;
  }
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
  return match?.[1] ? path.resolve(path.dirname(file), match[1]) : undefined;
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
    // As git: a `.git` file is this folder's repository, or an error; never a reason to look elsewhere.
    return (await followGitFile(dotGit, dotGit)) ?? ingestError('not-a-repository', `${dotGit} is not a valid .git file (no "gitdir:" line)`);
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
