// A read-only file system client for isomorphic-git, scoped to one read of one repository.
// isomorphic-git looks for every object first as a loose file (a failed open, with an
// exception built, per packed object) and lists `objects/pack` on every packed read. With
// thousands of files that bookkeeping dominates. Here each `objects/xx` folder and the
// pack folder are listed once, the git directory is stat'ed once; a loose object that is not there fails at once with a
// shared ENOENT error instead of a system call. Everything else goes to node:fs. Nothing
// here writes: isomorphic-git is only ever asked to read.
// isomorphic-git knows nothing of alternates (git-alternates.ts), so this client shows it one
// object store: the `objects/xx` folders and `objects/pack` of every store merged, each name
// read from the first store that has it.
// In a linked worktree isomorphic-git is given the common git directory (git-dir.ts), which
// it takes for the whole repository; the refs git keeps per worktree (HEAD and the other
// *_HEAD files, refs/bisect, refs/worktree, refs/rewritten) are read from the worktree's own.
import fs from 'node:fs';
import path from 'node:path';
import type { PromiseFsClient } from 'isomorphic-git';
import { objectStores, type ObjectStores } from './git-alternates.ts';

/** What isomorphic-git and meshlog's readers share for one read of a repository. */
export interface GitRepo {
  readonly fs: PromiseFsClient;
  /** Where refs and objects are (a linked worktree's common directory). */
  readonly gitdir: string;
  /** isomorphic-git's pack cache. */
  readonly cache: object;
  readonly loose: LooseObjects;
}

/** Opens a read of the repository findGitDir found (`worktreeGitdir`: a linked worktree's own). */
export function openRepo(found: { readonly gitdir: string; readonly worktreeGitdir?: string }): GitRepo {
  const loose = new LooseObjects(found.gitdir);
  return { fs: gitReadFs(loose, found.worktreeGitdir), gitdir: found.gitdir, cache: {}, loose };
}

/**
 * The object stores' folders, listed once per read. A `git gc` may move objects meanwhile; a
 * read that then misses one is done again with a new listing (fresh-read.ts).
 */
export class LooseObjects {
  readonly #objects: string;
  readonly stores: ObjectStores;
  /** Per store, `objects/xx` folder listings by prefix. */
  readonly #dirs: Map<string, Promise<ReadonlySet<string>>>[];

  /** The pack files of every store when this read began (packsGoneSinceOpen). */
  readonly #packsAtOpen: readonly string[];

  constructor(gitdir: string) {
    this.#objects = path.join(gitdir, 'objects');
    this.stores = objectStores(this.#objects);
    this.#dirs = this.stores.dirs.map(() => new Map());
    this.#packsAtOpen = this.stores.dirs.flatMap((dir) => packFilesIn(dir));
  }

  /** Whether a pack file of the stores at the start of this read has since been deleted (a gc replaced it). */
  packsGoneSinceOpen(): boolean {
    return this.#packsAtOpen.some((file) => !fs.existsSync(file));
  }

  /** The repository's own objects directory. */
  get objectsDir(): string {
    return this.#objects;
  }

  /** Whether some store has `<oid[0:2]>/<oid[2:]>`. */
  async has(oid: string): Promise<boolean> {
    return (await this.find(oid)) !== undefined;
  }

  /** The loose file holding `oid`, from the first store that has one. */
  async find(oid: string): Promise<string | undefined> {
    const prefix = oid.slice(0, 2);
    for (const [i, dir] of this.stores.dirs.entries()) {
      if ((await this.#list(i, prefix)).has(oid.slice(2))) return path.join(dir, prefix, oid.slice(2));
    }
    return undefined;
  }

  /** The names in `objects/<prefix>` across the stores (abbreviated ids are looked up there). */
  async names(prefix: string): Promise<string[]> {
    const all = new Set<string>();
    for (let i = 0; i < this.stores.dirs.length; i++) for (const name of await this.#list(i, prefix)) all.add(name);
    return [...all];
  }

  #list(store: number, prefix: string): Promise<ReadonlySet<string>> {
    const dirs = this.#dirs[store]!;
    let listed = dirs.get(prefix);
    if (!listed) {
      listed = fs.promises.readdir(path.join(this.stores.dirs[store]!, prefix)).then(
        (names) => new Set(names),
        () => new Set<string>(),
      );
      dirs.set(prefix, listed);
    }
    return listed;
  }
}

const LOOSE_PATH = /^([0-9a-f]{2})[/\\]([0-9a-f]{38})$/;
const LOOSE_DIR = /^[0-9a-f]{2}$/;
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
  let packFiles: Promise<Map<string, string>> | undefined; // name → path, from the first store that has it
  const packs = (): Promise<Map<string, string>> => (packFiles ??= listPackFiles(loose.stores.dirs));
  /** Where `file` really is: an object's or a pack's in the store that has it; undefined: no store has the object. */
  const storedPath = async (file: string): Promise<string | undefined> => {
    const m = LOOSE_PATH.exec(path.relative(loose.objectsDir, file));
    if (m) return loose.find(`${m[1]}${m[2]}`);
    if (path.resolve(path.dirname(file)) === packDir) return (await packs()).get(path.basename(file)) ?? file;
    return file;
  };
  let gitdirStat: Promise<fs.Stats> | undefined; // isomorphic-git stats the git dir on every call
  const promises = {
    async readFile(file: string, options?: { readonly encoding?: BufferEncoding } | BufferEncoding): Promise<string | Buffer> {
      if (typeof file !== 'string') throw missing; // isomorphic-git probes readFile() with no arguments
      if (worktreeGitdir) file = perWorktree(file);
      const stored = await storedPath(file);
      if (stored === undefined) throw missing;
      const encoding = typeof options === 'string' ? options : options?.encoding;
      return encoding ? fs.promises.readFile(stored, encoding) : fs.promises.readFile(stored);
    },
    async readdir(dir: string) {
      const resolved = path.resolve(dir);
      if (resolved === packDir) return [...(await packs()).keys()];
      if (path.dirname(resolved) === loose.objectsDir && LOOSE_DIR.test(path.basename(resolved))) return loose.names(path.basename(resolved));
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

/** The files in every store's `pack` folder, by name; a name in several stores is the first one's. */
async function listPackFiles(objectDirs: readonly string[]): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of objectDirs) {
    const names = await fs.promises.readdir(path.join(dir, 'pack')).catch(() => [] as string[]);
    for (const name of names) if (!files.has(name)) files.set(name, path.join(dir, 'pack', name));
  }
  return files;
}

/** The `.pack` files of one object store, by path (none when it has no pack folder). */
function packFilesIn(objectsDir: string): string[] {
  const dir = path.join(objectsDir, 'pack');
  try {
    return fs.readdirSync(dir).filter((name) => name.endsWith('.pack')).map((name) => path.join(dir, name));
  } catch {
    return [];
  }
}
