// Accumulates the files and problems of one revision while a reader walks it, enforcing
// the size limits and wording the entries never read (links, submodules) in one place, so
// the folder, git and work-tree readers cannot drift apart.
import fs from 'node:fs';
import type { Diagnostic } from '../core/diagnostics.ts';
import { diagnostic } from '../core/diagnostic-codes/index.ts';
import { comparePaths, isConfigFileName, type IngestLimits } from './file-filter.ts';
import type { SourceBundle, SourceFile, SourceOrigin } from './source-bundle.ts';

/**
 * Where a symbolic link leads, as far as its reader can tell: a folder, anything else that
 * exists, nothing on disk (dangling or unreadable), or, in a revision, a path that leaves the
 * repository or that the commit does not hold.
 */
export type LinkTarget = 'folder' | 'file' | 'dangling' | 'unresolved';

export class BundleCollector {
  readonly #limits: IngestLimits;
  readonly #files: SourceFile[] = [];
  readonly #diagnostics: Diagnostic[] = [];
  #totalBytes = 0;
  #admitted = 0;
  #unread = 0;
  #tooManyReported = false;

  constructor(limits: IngestLimits) {
    this.#limits = limits;
  }

  /**
   * Asks, before reading, whether a file of `size` bytes may be read. Reports why not
   * (too large, over the total, too many files) and returns false; the caller skips it.
   * Callers ask in path order, so which files fit under the totals is deterministic.
   */
  admit(path: string, size: number): boolean {
    const admitted = this.#admits(path, size);
    if (!admitted) this.#unread += 1;
    return admitted;
  }

  #admits(path: string, size: number): boolean {
    const { maxFileBytes, maxTotalBytes, maxFiles } = this.#limits;
    if (this.#admitted >= maxFiles) {
      if (!this.#tooManyReported) {
        this.#tooManyReported = true;
        this.report('ML0006', path, `more than ${maxFiles} config files; ${path} and later files were not read`);
      }
      return false;
    }
    if (size > maxFileBytes) {
      this.report('ML0004', path, `${path} is ${formatBytes(size)}; config files over ${formatBytes(maxFileBytes)} are not read`);
      return false;
    }
    if (this.#totalBytes + size > maxTotalBytes) {
      this.report(
        'ML0004',
        path,
        `${path} would take the config read for this revision over ${formatBytes(maxTotalBytes)}; it was not read`,
      );
      return false;
    }
    this.#totalBytes += size;
    this.#admitted += 1;
    return true;
  }

  /**
   * A file read as a stream (standard input, a pipe), whose size is known only once it passed
   * the limit, where reading stopped: ML0004, as `admit` reports a file sized beforehand.
   */
  tooLargeStream(path: string): void {
    const limit = formatBytes(this.#limits.maxFileBytes);
    this.#unread += 1;
    this.report('ML0004', path, `${path} is more than ${limit}; config files over ${limit} are not read (reading stopped there)`);
  }

  add(path: string, bytes: Uint8Array): void {
    this.#files.push({ path, bytes });
  }

  /** A config file that could not be read (permissions, not a regular file): ML0005. */
  unreadable(path: string, message: string): void {
    this.#unread += 1;
    this.report('ML0005', path, message);
  }

  /** Records a problem with `path` (`''`, the root itself, gets no file). */
  report(code: string, path: string, message: string): void {
    this.#diagnostics.push(diagnostic(code, message, path === '' ? {} : { file: path }));
  }

  /**
   * A symbolic link: reported, never followed (it could lead out of the root). Named like a
   * config file, or leading to a folder, it is config left unread: an error, or that folder's
   * config would silently not be served. A link to a file not named like config is not config,
   * only noted. Where it leads cannot always be told: a dangling link on disk leads nowhere
   * (noted); a link in a revision that leaves the repository or names nothing in the commit
   * may still be a folder on the machine that checks it out, so one without a file extension
   * is a warning.
   */
  link(path: string, target: LinkTarget): void {
    const name = path.slice(path.lastIndexOf('/') + 1);
    const hasExtension = /.\.[^.]+$/.test(name);
    if (isConfigFileName(name)) {
      this.#unread += 1;
      this.report('ML0001', path, `${path} is a symbolic link; links are not followed`);
    } else if (target === 'folder') {
      this.report('ML0001', path, `${path} is a symbolic link to a folder; links are not followed, so the config files there are not read`);
    } else if (target === 'file') {
      this.report('ML0008', path, `${path} is a symbolic link to a file, not followed; its name is not a config file's, so it is not read as config`);
    } else if (hasExtension) {
      this.report('ML0008', path, `${path} is a symbolic link, not followed; its name is not a config file's, so it is not read as config`);
    } else if (target === 'dangling') {
      this.report('ML0008', path, `${path} is a symbolic link, not followed, that leads to nothing here or cannot be read: if it leads to a folder elsewhere, the config files there are not read`);
    } else {
      this.#diagnostics.push(
        diagnostic('ML0008', `${path} is a symbolic link, not followed, to a path this revision does not hold (outside the repository, or missing): if it leads to a folder, the config files there are not read`, { file: path }, 'warning'),
      );
    }
  }

  /** A link on disk at `absPath`: where it leads, followed only to look (stat), never read. */
  static async diskLinkTarget(absPath: string): Promise<LinkTarget> {
    try {
      return (await fs.promises.stat(absPath)).isDirectory() ? 'folder' : 'file';
    } catch {
      return 'dangling';
    }
  }

  /** A submodule (a gitlink to `commit`, when known): reported, its files not read. */
  submodule(path: string, commit: string | undefined): void {
    const at = commit ? ` (commit ${commit.slice(0, 12)})` : '';
    this.report('ML0002', path, `${path} is a submodule${at}; submodules are not read`);
  }

  finish(origin: SourceOrigin, commit: string | null): SourceBundle {
    const files = [...this.#files].sort((a, b) => comparePaths(a.path, b.path));
    // "valid (0 config files read)" looks like success; a wrong path or working folder must show.
    // When files were found but refused (links, limits), their own errors say so already.
    if (files.length === 0 && !this.#diagnostics.some((d) => d.severity === 'error')) {
      const where = origin.kind === 'git' ? `revision ${origin.rev} of ${origin.repo}` : origin.path;
      this.report('ML0007', '', `no config files (*.yaml, *.yml, *.json outside dot-folders and node_modules) found in ${where}; is this the config folder?`);
    }
    const diagnostics = [...this.#diagnostics].sort(
      (a, b) => comparePaths(a.file ?? '', b.file ?? '') || comparePaths(a.code, b.code),
    );
    return { origin, commit, files, diagnostics, unread: this.#unread };
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / (1024 * 1024)).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} bytes`;
}
