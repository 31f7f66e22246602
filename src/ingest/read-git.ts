// A revision of a git repository → SourceBundle, read straight from the object store with
// isomorphic-git: no checkout, no work tree needed (bare repositories work), nothing on
// disk changes. Symbolic links (mode 120000) and submodules (160000) are reported, never
// followed; tree entry names that could escape the root are reported and skipped.
import fs from 'node:fs';
import git, { type TreeEntry } from 'isomorphic-git';
import { BundleCollector } from './collector.ts';
import { commitInfo, type CommitInfo } from './commit-info.ts';
import { DEFAULT_LIMITS, isConfigFileName, isSafeComponent, isSkippedFolderName, joinPath, type IngestLimits } from './file-filter.ts';
import { findGitDir } from './git-dir.ts';
import { GitObjectSizer } from './git-object-size.ts';
import type { IngestResult } from './ingest-error.ts';
import { resolveRevision } from './resolve-rev.ts';
import type { SourceBundle } from './source-bundle.ts';

export interface ReadGitOptions {
  /** Work tree or bare repository path. */
  readonly repo: string;
  /** Branch, tag, commit id (full or abbreviated), `HEAD`, with optional `~N` / `^N`. */
  readonly rev: string;
  readonly limits?: IngestLimits;
}

export type ReadGitResult = IngestResult<{ readonly bundle: SourceBundle; readonly commit: CommitInfo }>;

const MODE = { tree: '040000', symlink: '120000', gitlink: '160000', file: '100644', executable: '100755' } as const;

export async function readGit(opts: ReadGitOptions): Promise<ReadGitResult> {
  const found = await findGitDir(opts.repo);
  if (!found.ok) return found;
  const { gitdir } = found;
  const cache = {}; // isomorphic-git's pack cache, shared by every read of this revision
  const resolved = await resolveRevision(gitdir, opts.rev, cache);
  if (!resolved.ok) return resolved;

  const out = new BundleCollector(opts.limits ?? DEFAULT_LIMITS);
  const sizer = new GitObjectSizer(gitdir);
  // Iterative walk: a deeply nested tree cannot overflow the call stack.
  const pending: { path: string; oid: string }[] = [{ path: '', oid: resolved.commit.tree }];
  while (pending.length > 0) {
    const dir = pending.pop()!;
    let entries: readonly TreeEntry[];
    try {
      entries = (await git.readTree({ fs, gitdir, oid: dir.oid, cache })).tree;
    } catch (err) {
      // isomorphic-git refuses to parse a tree holding `..` and similar names: same verdict as ours.
      if (err instanceof Error && err.name === 'UnsafeFilepathError') {
        out.report('ML0003', dir.path, `${dir.path || 'the root folder'} holds an unsafe entry name (${err.message}); skipped`);
      } else {
        out.report('ML0005', dir.path, `cannot read tree ${dir.oid} (${dir.path || 'root'}): ${errText(err)}`);
      }
      continue;
    }
    for (const entry of entries) {
      if (!isSafeComponent(entry.path)) {
        const shown = JSON.stringify(joinPath(dir.path, entry.path));
        out.report('ML0003', dir.path, `tree entry ${shown} is not a safe path component; skipped`);
        continue;
      }
      const path = joinPath(dir.path, entry.path);
      if (entry.mode === MODE.tree) {
        if (!isSkippedFolderName(entry.path)) pending.push({ path, oid: entry.oid });
      } else if (entry.mode === MODE.symlink) {
        if (!isSkippedFolderName(entry.path)) out.report('ML0001', path, `${path} is a symbolic link; links are not followed`);
      } else if (entry.mode === MODE.gitlink) {
        if (!isSkippedFolderName(entry.path)) {
          out.report('ML0002', path, `${path} is a submodule (commit ${entry.oid.slice(0, 12)}); submodules are not read`);
        }
      } else if (isConfigFileName(entry.path)) {
        await readBlobInto(out, sizer, gitdir, path, entry.oid, cache);
      }
    }
  }
  return {
    ok: true,
    bundle: out.finish({ kind: 'git', repo: opts.repo, rev: opts.rev }, resolved.oid),
    commit: commitInfo(resolved.oid, resolved.commit),
  };
}

async function readBlobInto(
  out: BundleCollector,
  sizer: GitObjectSizer,
  gitdir: string,
  path: string,
  oid: string,
  cache: object,
): Promise<void> {
  try {
    // Size first, from the object header only: a 2 GB blob is reported, never inflated.
    const size = await sizer.size(oid);
    if (size !== undefined && !out.admit(path, size)) return;
    const { blob } = await git.readBlob({ fs, gitdir, oid, cache });
    if (size === undefined && !out.admit(path, blob.byteLength)) return;
    out.add(path, blob);
  } catch (err) {
    out.report('ML0005', path, `cannot read ${path} (object ${oid.slice(0, 12)}): ${errText(err)}`);
  }
}

function errText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
