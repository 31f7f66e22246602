// Finds the git directory for a repository path: a work tree (`.git` folder, or a `.git`
// file pointing elsewhere as in linked worktrees and submodule checkouts) or a bare repo.
import fs from 'node:fs';
import path from 'node:path';
import { ingestError, type IngestError } from './ingest-error.ts';

export type GitDirResult = { readonly ok: true; readonly gitdir: string } | { readonly ok: false; readonly error: IngestError };

export async function findGitDir(repo: string): Promise<GitDirResult> {
  const abs = path.resolve(repo);
  const stat = await statOrNull(abs);
  if (!stat) return ingestError('not-found', `repository ${repo} does not exist`);
  if (!stat.isDirectory()) return ingestError('not-a-repository', `${repo} is not a git repository (not a folder)`);

  const dotGit = path.join(abs, '.git');
  const dotGitStat = await statOrNull(dotGit);
  if (dotGitStat?.isDirectory()) return { ok: true, gitdir: dotGit };
  if (dotGitStat?.isFile()) {
    const text = await fs.promises.readFile(dotGit, 'utf8');
    const match = /^gitdir:\s*(.+?)\s*$/m.exec(text);
    if (match?.[1]) return { ok: true, gitdir: path.resolve(abs, match[1]) };
  }
  // A bare repository is its own git directory.
  if ((await statOrNull(path.join(abs, 'HEAD')))?.isFile() && (await statOrNull(path.join(abs, 'objects')))?.isDirectory()) {
    return { ok: true, gitdir: abs };
  }
  return ingestError('not-a-repository', `${repo} is not a git repository (no .git folder, not a bare repository)`);
}

async function statOrNull(p: string): Promise<fs.Stats | null> {
  try {
    return await fs.promises.stat(p);
  } catch {
    return null;
  }
}
