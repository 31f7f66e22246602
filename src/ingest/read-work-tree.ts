// A repository's work tree → SourceBundle: the config as it is on disk, uncommitted edits
// included, which is what `meshlog diff REV` compares a revision with. Which files count is
// git's answer, not a reimplementation of it (git-cli.ts): tracked files as they are on disk
// (a deleted one is gone), untracked files git does not ignore, and the files a sparse
// checkout leaves off the disk as the index holds them — so a clean work tree reads exactly
// as its HEAD does. Of those, the readers' rule picks the config files (file-filter.ts);
// links and submodules are reported as the git reader reports them, sizes are capped.
import fs from 'node:fs';
import path from 'node:path';
import { BundleCollector } from './collector.ts';
import { DEFAULT_LIMITS, comparePaths, inSkippedFolder, isConfigFileName, isSkippedFolderName, type IngestLimits } from './file-filter.ts';
import { runGit } from './git-cli.ts';
import type { IngestResult } from './ingest-error.ts';
import { withRereads } from './fresh-read.ts';
import { readFiles } from './read-disk-files.ts';
import { readBlobsById, type Candidate } from './read-git.ts';
import type { SourceBundle } from './source-bundle.ts';
import { findWorkTreeRoot } from './work-tree-root.ts';
import { listWorkTree } from './work-tree-files.ts';

export interface ReadWorkTreeOptions {
  /** A folder in the work tree (its top, or any folder below), as the user wrote it. */
  readonly repo: string;
  /** What `repo` is relative to (default: the process's current directory). */
  readonly cwd?: string;
  readonly limits?: IngestLimits;
}

const MODE = { symlink: '120000', gitlink: '160000' } as const;

type ReadWorkTreeResult = IngestResult<{ readonly bundle: SourceBundle }>;

/** The work tree; read again when a blob the index names was not found (a gc meanwhile: fresh-read.ts). */
export function readWorkTree(opts: ReadWorkTreeOptions): Promise<ReadWorkTreeResult> {
  return withRereads(() => readWorkTreeOnce(opts));
}

async function readWorkTreeOnce(opts: ReadWorkTreeOptions): Promise<ReadWorkTreeResult> {
  const found = await findWorkTreeRoot(opts.repo, opts.cwd ?? process.cwd());
  if (!found.ok) return found;
  const { root } = found;
  const listed = await listWorkTree(root);
  if (!listed.ok) return listed;
  const { tracked, untracked, nestedRepos } = listed.files;

  const out = new BundleCollector(opts.limits ?? DEFAULT_LIMITS);
  const onDisk: string[] = [];
  const fromIndex: Candidate[] = [];
  const folders = new RealFolders(root);
  const consider = async (relPath: string): Promise<void> => {
    if (inSkippedFolder(relPath)) return;
    const kind = folders.kindOf(relPath);
    const name = path.posix.basename(relPath);
    if (kind === 'link') {
      if (!isSkippedFolderName(name)) out.link(relPath, await BundleCollector.diskLinkTarget(path.join(root, relPath)));
    } else if (kind !== 'gone' && isConfigFileName(name)) {
      onDisk.push(relPath); // not a regular file, or unreadable: the reader says which
    }
  };

  for (const entry of tracked) {
    if (inSkippedFolder(entry.path)) continue;
    const name = path.posix.basename(entry.path);
    if (entry.mode === MODE.gitlink) {
      if (!isSkippedFolderName(name)) out.submodule(entry.path, (await checkedOutCommit(root, entry.path)) ?? entry.oid);
    } else if (!entry.skipWorktree) {
      await consider(entry.path);
    } else if (entry.mode === MODE.symlink) {
      // Off the disk (sparse checkout): where it leads is not looked up in the index.
      if (!isSkippedFolderName(name)) out.link(entry.path, 'unresolved');
    } else if (isConfigFileName(name)) {
      fromIndex.push({ path: entry.path, oid: entry.oid });
    }
  }
  for (const relPath of untracked) await consider(relPath);
  for (const relPath of nestedRepos) {
    // What `git add` would record: a gitlink to the nested repository's checked-out commit.
    if (!inSkippedFolder(relPath) && !isSkippedFolderName(path.posix.basename(relPath))) {
      out.submodule(relPath, await checkedOutCommit(root, relPath));
    }
  }
  // Under the size limits, files on disk are admitted before the index's, each in path order:
  // which files fit is still the same on every run.
  await readFiles(root, onDisk.sort(comparePaths), out);
  const failed = await readBlobsById(found.gitdir, fromIndex, out);
  if (failed) return { ok: false, error: { ...failed, message: `cannot read the work tree of ${opts.repo}: ${failed.message}` } };
  return { ok: true, bundle: out.finish({ kind: 'folder', path: opts.repo }, null) };
}

/**
 * What is at a listed path on disk. A path under a folder that became a link (or a file) is
 * gone, as git sees it (the link is listed as untracked): opening it would follow the link,
 * possibly out of the work tree. Folders are checked once each.
 */
class RealFolders {
  readonly #root: string;
  readonly #checked = new Map<string, boolean>([['', true]]);

  constructor(root: string) {
    this.#root = root;
  }

  kindOf(relPath: string): 'gone' | 'link' | 'other' {
    if (!this.#isRealFolder(path.posix.dirname(relPath))) return 'gone';
    let stat: fs.Stats | undefined;
    try {
      stat = fs.lstatSync(path.join(this.#root, relPath), { throwIfNoEntry: false });
    } catch {
      return 'other'; // unreadable: reading it reports why
    }
    // Deleted (a tracked file): left out, as `git add -A` would. A tracked file that became a
    // folder is gone too: git lists the folder's files as untracked instead.
    if (!stat || stat.isDirectory()) return 'gone';
    return stat.isSymbolicLink() ? 'link' : 'other';
  }

  #isRealFolder(rel: string): boolean {
    const key = rel === '.' ? '' : rel;
    const known = this.#checked.get(key);
    if (known !== undefined) return known;
    let real = this.#isRealFolder(path.posix.dirname(key));
    try {
      real &&= fs.lstatSync(path.join(this.#root, key), { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      // Cannot be looked at (permissions): opening a file in it fails too, and says why.
    }
    this.#checked.set(key, real);
    return real;
  }
}

/** The commit checked out in a submodule or nested repository, when it has one. */
async function checkedOutCommit(root: string, relPath: string): Promise<string | undefined> {
  // Without its own `.git`, git would look upwards and answer for the enclosing repository.
  if (!fs.existsSync(path.join(root, relPath, '.git'))) return undefined;
  const head = await runGit(path.join(root, relPath), ['rev-parse', '-q', '--verify', 'HEAD']);
  return head.ok ? head.stdout.toString('utf8').trim() || undefined : undefined;
}
