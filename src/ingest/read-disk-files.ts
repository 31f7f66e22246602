// Reading given files from disk (paths relative to a root, sorted), for the folder and
// work-tree readers. Files are sized with lstat before anything is opened, so a huge file is
// reported instead of loaded, then opened with O_NOFOLLOW and read up to the admitted size.
import fs from 'node:fs';
import path from 'node:path';
import type { BundleCollector } from './collector.ts';
import { errorCode, errorMessage } from './error-code.ts';

const { O_RDONLY, O_NOFOLLOW, O_NONBLOCK } = fs.constants;

/**
 * Sizes first (lstat: nothing is opened or read), then admission in path order, so which
 * files fit under the totals is deterministic; then the reads; then the files recorded in
 * path order.
 *
 * The system calls are synchronous: on a local disk each takes microseconds, while a
 * promise-based call costs a thread-pool round trip — measured on 10,000 files, 0.5 s with
 * 32 reads in flight against ~0.1 s one after another. The compile that follows a read is
 * synchronous anyway, so a server waiting on it is not held any longer than by the compile.
 */
export async function readFiles(absRoot: string, paths: readonly string[], out: BundleCollector): Promise<void> {
  const sizes = paths.map((rel) => {
    try {
      return fs.lstatSync(path.join(absRoot, rel)).size;
    } catch {
      return 0; // vanished or unreadable: the read below reports it
    }
  });
  const admitted = paths.map((rel, i) => out.admit(rel, sizes[i]!));
  paths.forEach((rel, i) => {
    if (!admitted[i]) return;
    const got = readOne(absRoot, rel, sizes[i]!);
    if ('bytes' in got) out.add(rel, got.bytes);
    // Only config-named paths get here, and such a link is ML0001 wherever it leads.
    else if ('link' in got) out.link(rel, 'file');
    else out.unreadable(rel, got.message);
  });
}

type ReadOutcome = { readonly bytes: Uint8Array } | { readonly link: true } | { readonly message: string };

function readOne(absRoot: string, relPath: string, admittedSize: number): ReadOutcome {
  let fd: number | undefined;
  try {
    // O_NOFOLLOW: if the entry was swapped for a link since readdir, opening fails (ELOOP).
    // O_NONBLOCK: a FIFO put in its place opens at once (and is refused below) instead of hanging.
    fd = fs.openSync(path.join(absRoot, relPath), O_RDONLY | O_NOFOLLOW | O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { message: `${relPath} is not a regular file` };
    return { bytes: readAdmitted(fd, stat.size, admittedSize) };
  } catch (err) {
    if (errorCode(err) === 'ELOOP') return { link: true };
    return { message: `cannot read ${relPath}: ${errorMessage(err)}` };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/**
 * The bytes of the regular file open as `fd`, `size` as fstat gives it, read up to the size
 * admitted: a file that grew since it was sized is cut, not followed; one that shrank is read
 * as far as it goes.
 */
export function readAdmitted(fd: number, size: number, admittedSize: number): Uint8Array {
  const bytes = new Uint8Array(Math.min(size, admittedSize));
  let filled = 0;
  while (filled < bytes.length) {
    const bytesRead = fs.readSync(fd, bytes, filled, bytes.length - filled, filled);
    if (bytesRead === 0) break;
    filled += bytesRead;
  }
  return filled === bytes.length ? bytes : bytes.subarray(0, filled);
}
