// A read-only file system client for isomorphic-git, scoped to one read of one repository.
// isomorphic-git looks for every object first as a loose file (a failed open, with an
// exception built, per packed object) and lists `objects/pack` on every packed read. With
// thousands of files that bookkeeping dominates. Here each `objects/xx` folder and the
// pack folder are listed once, the git directory is stat'ed once; a loose object that is not there fails at once with a
// shared ENOENT error instead of a system call. Everything else goes to node:fs. Nothing
// here writes: isomorphic-git is only ever asked to read.
// In a linked worktree isomorphic-git is given the common git directory (git-dir.ts), which
// it takes for the whole repository; the refs git keeps per worktree (HEAD and the other
// *_HEAD files, refs/bisect, refs/worktree, refs/rewritten) are read from the worktree's own.
import fs from 'node:fs';
import path from 'node:path';
import type { PromiseFsClient } from 'isomorphic-git';

/** The object store's folders, listed once per read (objects do not change under a reader). */
export class LooseObjects {
  readonly #objects: string;
  readonly #dirs = new Map<string, Promise<ReadonlySet<string>>>();

  constructor(gitdir: string) {
    this.#objects = path.join(gitdir, 'objects');
  }

  get objectsDir(): string {
    return this.#objects;
  }

  /** Whether `objects/<oid[0:2]>/<oid[2:]>` exists. */
  has(oid: string): Promise<boolean> {
    return this.#list(oid.slice(0, 2)).then((names) => names.has(oid.slice(2)));
  }

  #list(prefix: string): Promise<ReadonlySet<string>> {
    let listed = this.#dirs.get(prefix);
    if (!listed) {
      listed = fs.promises.readdir(path.join(this.#objects, prefix)).then(
        (names) => new Set(names),
        () => new Set<string>(),
      );
      this.#dirs.set(prefix, listed);
    }
    return listed;
  }
}

const LOOSE_PATH = /^([0-9a-f]{2})[/\\]([0-9a-f]{38})$/;
const PER_WORKTREE = /^(?:[A-Z_]*HEAD|refs\/(?:bisect|worktree|rewritten)\/.+)$/;

function notFound(): Error {
  return Object.assign(new Error('ENOENT: no such object'), { code: 'ENOENT' });
}

function readOnly(): Promise<never> {
  return Promise.reject(Object.assign(new Error('read-only: meshlog never writes to a repository'), { code: 'EROFS' }));
}

/**
 * A promise-style fs client for isomorphic-git's `fs` option. `worktreeGitdir`: a linked
 * worktree's own git directory, where its per-worktree refs are.
 */
export function gitReadFs(loose: LooseObjects, worktreeGitdir?: string): PromiseFsClient {
  const missing = notFound(); // shared: isomorphic-git only checks the code and moves on
  const packDir = path.join(loose.objectsDir, 'pack');
  const gitdir = path.dirname(loose.objectsDir);
  const perWorktree = (file: string): string => {
    const rel = path.relative(gitdir, file).split(path.sep).join('/');
    return PER_WORKTREE.test(rel) ? path.join(worktreeGitdir!, rel) : file;
  };
  let packList: Promise<string[]> | undefined;
  let gitdirStat: Promise<fs.Stats> | undefined; // isomorphic-git stats the git dir on every call
  const promises = {
    async readFile(file: string, options?: { readonly encoding?: BufferEncoding } | BufferEncoding): Promise<string | Buffer> {
      if (typeof file !== 'string') throw missing; // isomorphic-git probes readFile() with no arguments
      if (worktreeGitdir) file = perWorktree(file);
      const rel = path.relative(loose.objectsDir, file);
      const m = LOOSE_PATH.exec(rel);
      if (m && !(await loose.has(`${m[1]}${m[2]}`))) throw missing;
      const encoding = typeof options === 'string' ? options : options?.encoding;
      return encoding ? fs.promises.readFile(file, encoding) : fs.promises.readFile(file);
    },
    readdir(dir: string) {
      if (dir === packDir || path.resolve(dir) === packDir) {
        packList ??= fs.promises.readdir(packDir).catch(() => []);
        return packList;
      }
      return fs.promises.readdir(dir);
    },
    stat(p: string) {
      if (p !== gitdir) return fs.promises.stat(p);
      gitdirStat ??= fs.promises.stat(p);
      return gitdirStat;
    },
    lstat: (p: string) => fs.promises.lstat(p),
    readlink: (p: string) => fs.promises.readlink(p),
    writeFile: readOnly,
    mkdir: readOnly,
    rmdir: readOnly,
    unlink: readOnly,
    symlink: readOnly,
  };
  return { promises };
}
