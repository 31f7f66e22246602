// A folder on disk → SourceBundle. Walks without following symbolic links (each is
// reported, never read), so nothing outside the root can be reached; paths are built from
// directory entry names only. The files found are read by read-disk-files.ts.
import fs from 'node:fs';
import path from 'node:path';
import { BundleCollector } from './collector.ts';
import { DEFAULT_LIMITS, comparePaths, isConfigFileName, isSkippedFolderName, joinPath, type IngestLimits } from './file-filter.ts';
import { ingestError, type IngestResult } from './ingest-error.ts';
import { errorCode, errorMessage } from './error-code.ts';
import { readFiles } from './read-disk-files.ts';
import type { SourceBundle } from './source-bundle.ts';

export async function readFolder(
  root: string,
  limits: IngestLimits = DEFAULT_LIMITS,
): Promise<IngestResult<{ readonly bundle: SourceBundle }>> {
  const absRoot = path.resolve(root);
  let rootStat: fs.Stats;
  try {
    rootStat = await fs.promises.stat(absRoot); // the root itself may be a link the user chose
  } catch (err) {
    // Not "folder …": the path the user meant may as well have been a file (the CLI reads one).
    if (errorCode(err) === 'ENOENT') return ingestError('not-found', `${root} does not exist`);
    return ingestError('unreadable', `cannot read folder ${root}: ${errorMessage(err)}`);
  }
  if (!rootStat.isDirectory()) return ingestError(
      'not-a-directory',
      `${root} is not a folder: meshlog reads a whole config folder, so references between resources can be checked`,
    );

  // A Kubernetes ConfigMap or Secret volume is read through its `..data` link (see below).
  const walkRoot = volumeDataFolder(absRoot) ?? absRoot;
  const out = new BundleCollector(limits);
  const candidates: string[] = [];
  // Iterative walk with an explicit stack: deep trees cannot overflow the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(rel === '' ? walkRoot : path.join(walkRoot, rel), { withFileTypes: true });
    } catch (err) {
      // The root itself: nothing in it can be read, so there is no config to judge.
      if (rel === '') return ingestError('unreadable', `cannot list folder ${root}: ${errorMessage(err)}`);
      out.report('ML0005', rel, `cannot list folder ${rel}: ${errorMessage(err)}`);
      continue;
    }
    for (const entry of entries) {
      const relPath = joinPath(rel, entry.name);
      if (entry.isSymbolicLink()) {
        if (!isSkippedFolderName(entry.name)) out.link(relPath, await BundleCollector.diskLinkTarget(path.join(walkRoot, relPath)));
      } else if (entry.isDirectory()) {
        if (!isSkippedFolderName(entry.name)) pending.push(relPath);
      } else if (isConfigFileName(entry.name)) {
        if (entry.isFile()) candidates.push(relPath);
        else out.unreadable(relPath, `${relPath} is not a regular file`);
      }
    }
  }
  await readFiles(walkRoot, candidates.sort(comparePaths), out);
  return { ok: true, bundle: out.finish({ kind: 'folder', path: root }, null) };
}

/**
 * The folder a Kubernetes ConfigMap or Secret volume mounted at `absRoot` currently shows, or
 * undefined for any other folder. Such a volume holds one link per key (`reviews.yaml` →
 * `..data/reviews.yaml`) and a link `..data` → `..<timestamp>`, a folder beside it with the
 * real files; an update writes a new folder and swaps `..data` at once. Reading the folder
 * it leads to, resolved once, reads one whole version even if it is swapped meanwhile, where
 * the per-key links would each be refused (links are not followed). Only that exact layout
 * counts: the target must be a folder directly inside the root (so `..data` cannot lead out),
 * and every other entry of the root must be a dot-entry or a link into `..data/` (so a
 * planted `..data` in an ordinary folder cannot make the reader skip the folder's own files).
 */
function volumeDataFolder(absRoot: string): string | undefined {
  const link = path.join(absRoot, '..data');
  try {
    if (!fs.lstatSync(link).isSymbolicLink()) return undefined;
    const target = fs.realpathSync(link);
    if (path.dirname(target) !== fs.realpathSync(absRoot) || !fs.statSync(target).isDirectory()) return undefined;
    for (const entry of fs.readdirSync(absRoot, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      if (!entry.isSymbolicLink() || !fs.readlinkSync(path.join(absRoot, entry.name)).startsWith('..data/')) return undefined;
    }
    return target;
  } catch {
    return undefined;
  }
}
