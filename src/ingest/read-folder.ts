// A folder on disk → SourceBundle. Walks without following symbolic links (each is
// reported, never read), so nothing outside the root can be reached; paths are built from
// directory entry names only. Files are opened with O_NOFOLLOW and sized with fstat before
// reading, so a huge file is reported instead of loaded.
import fs from 'node:fs';
import path from 'node:path';
import { BundleCollector } from './collector.ts';
import { DEFAULT_LIMITS, isConfigFileName, isSkippedFolderName, joinPath, type IngestLimits } from './file-filter.ts';
import { ingestError, type IngestResult } from './ingest-error.ts';
import type { SourceBundle } from './source-bundle.ts';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

export async function readFolder(
  root: string,
  limits: IngestLimits = DEFAULT_LIMITS,
): Promise<IngestResult<{ readonly bundle: SourceBundle }>> {
  const absRoot = path.resolve(root);
  let rootStat: fs.Stats;
  try {
    rootStat = await fs.promises.stat(absRoot); // the root itself may be a link the user chose
  } catch (err) {
    if (errCode(err) === 'ENOENT') return ingestError('not-found', `folder ${root} does not exist`);
    return ingestError('unreadable', `cannot read folder ${root}: ${errMessage(err)}`);
  }
  if (!rootStat.isDirectory()) return ingestError('not-a-directory', `${root} is not a folder`);

  const out = new BundleCollector(limits);
  // Iterative walk with an explicit stack: deep trees cannot overflow the call stack.
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(rel === '' ? absRoot : path.join(absRoot, rel), { withFileTypes: true });
    } catch (err) {
      out.report('ML0005', rel, `cannot list folder ${rel}: ${errMessage(err)}`);
      continue;
    }
    for (const entry of entries) {
      const relPath = joinPath(rel, entry.name);
      if (entry.isSymbolicLink()) {
        if (!isSkippedFolderName(entry.name)) {
          out.report('ML0001', relPath, `${relPath} is a symbolic link; links are not followed`);
        }
      } else if (entry.isDirectory()) {
        if (!isSkippedFolderName(entry.name)) pending.push(relPath);
      } else if (isConfigFileName(entry.name)) {
        if (entry.isFile()) await readOne(absRoot, relPath, out);
        else out.report('ML0005', relPath, `${relPath} is not a regular file`);
      }
    }
  }
  return { ok: true, bundle: out.finish({ kind: 'folder', path: root }, null) };
}

async function readOne(absRoot: string, relPath: string, out: BundleCollector): Promise<void> {
  let handle: fs.promises.FileHandle | undefined;
  try {
    // O_NOFOLLOW: if the entry was swapped for a link since readdir, opening fails (ELOOP).
    handle = await fs.promises.open(path.join(absRoot, relPath), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const stat = await handle.stat();
    if (!stat.isFile()) {
      out.report('ML0005', relPath, `${relPath} is not a regular file`);
      return;
    }
    if (!out.admit(relPath, stat.size)) return;
    const bytes = new Uint8Array(stat.size);
    let filled = 0;
    // Read at most the size admitted: a file growing while we read is cut, not followed.
    while (filled < bytes.length) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.length - filled, filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    out.add(relPath, filled === bytes.length ? bytes : bytes.subarray(0, filled));
  } catch (err) {
    if (errCode(err) === 'ELOOP') out.report('ML0001', relPath, `${relPath} is a symbolic link; links are not followed`);
    else out.report('ML0005', relPath, `cannot read ${relPath}: ${errMessage(err)}`);
  } finally {
    await handle?.close();
  }
}

function errCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : undefined;
}

function errMessage(err: unknown): string {
  const code = errCode(err);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  return err instanceof Error ? err.message : String(err);
}
