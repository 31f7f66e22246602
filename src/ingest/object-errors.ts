// A git object a revision needs that cannot be had: missing from every object store, or there
// but damaged. Either way the repository, not the config, is at fault, so the revision is
// unavailable (exit 3), never read in part and judged as config. The message names the object
// and says why it is likely missing, and what fetches it:
//  - a partial clone (`git clone --filter=blob:none`, actions/checkout's `filter:`) holds only
//    the objects fetched so far; git fetches the others from its promisor remote when it needs
//    them, meshlog (which never fetches, nor writes to the repository) cannot;
//  - a shallow clone holds no commits beyond its depth;
//  - an alternate object store that is gone takes its objects with it;
//  - otherwise the repository is corrupt: `git fsck` says what else is wrong.
import fs from 'node:fs';
import path from 'node:path';
import { errorCode, errorMessage, isSystemError } from './error-code.ts';
import { isTrue, readGitConfig } from './git-config.ts';
import type { LooseObjects } from './git-read-fs.ts';
import type { IngestError } from './ingest-error.ts';

/** The repository a read failed in: its git directory and object stores. */
export interface ObjectRepository {
  readonly gitdir: string;
  readonly loose: LooseObjects;
}

/**
 * `err`, thrown reading `what` (e.g. `commit 1a2b…`), as the repository's fault: missing, or
 * damaged. An operating-system error (permission denied, too many open files, an I/O error)
 * says nothing about the object, so it is reported as what happened, not as corruption, which
 * would send the user to `git fsck` and a fresh clone for a chmod or a ulimit.
 */
export function objectReadError(repo: ObjectRepository, err: unknown, what: string): IngestError {
  if (errorCode(err) === 'NotFoundError') return { ...missingObject(repo, what), objectsMoved: true };
  // isomorphic-git reports a pack file deleted under it as a failed or malformed read, not as
  // a missing object: when a pack this read had listed is gone, that is what happened.
  const moved = errorCode(err) === 'ENOENT' || repo.loose.packsGoneSinceOpen();
  let error: IngestError;
  if (isSystemError(err)) {
    // "permission denied" drops the file the error's own message names: give it back.
    const said = errorMessage(err);
    error = { kind: 'unreadable', message: `cannot read ${what}: ${said}${err instanceof Error && said === err.message ? '' : fileOf(err)}` };
  } else {
    error = damagedObject(what);
  }
  return moved ? { ...error, objectsMoved: true } : error;
}

/** ` (path)` of the file a system error was about, when it names one. */
function fileOf(err: unknown): string {
  const file = typeof err === 'object' && err !== null && 'path' in err && typeof err.path === 'string' ? err.path : undefined;
  return file === undefined ? '' : ` (${file})`;
}

export function missingObject(repo: ObjectRepository, what: string): IngestError {
  return { kind: 'missing-object', message: `${what} is not in the repository${whyMissing(repo)}` };
}

export function damagedObject(what: string): IngestError {
  return {
    kind: 'unreadable',
    message: `${what} cannot be read: its stored object is damaged, so the repository looks corrupt; run \`git fsck\` in it to see what else is, and clone or fetch it again`,
  };
}

/** Why objects may be missing from this repository, as `; …` notes (the likely causes first). */
export function whyMissing(repo: ObjectRepository): string {
  const notes = [shallowNote(repo.gitdir), partialCloneNote(repo), ...repo.loose.stores.absent.map(absentStoreNote)].filter((n) => n !== undefined);
  if (notes.length === 0) notes.push('the repository looks corrupt (it refers to an object it does not have): run `git fsck` in it, and clone or fetch it again');
  return notes.map((n) => `; ${n}`).join('');
}

/**
 * CI checkouts are often shallow (one commit deep), so `HEAD~1` or a merge base names commits
 * that were never fetched: say so, and how to get them.
 */
export function shallowNote(gitdir: string): string | undefined {
  if (!fs.existsSync(path.join(gitdir, 'shallow'))) return undefined;
  return 'the repository is a shallow clone (only recent commits were fetched): fetch the history it needs, e.g. `git fetch --unshallow`, or `fetch-depth: 0` with actions/checkout';
}

function partialCloneNote(repo: ObjectRepository): string | undefined {
  const remote = promisorRemote(repo);
  if (remote === undefined) return undefined;
  return (
    'the repository is a partial clone (`git clone --filter`, or actions/checkout with `filter:`): it holds only the objects fetched so far, ' +
    `and git fetches the others from the promisor remote "${remote}" when it needs them, which meshlog does not (it reads only what is on disk). ` +
    `Fetch them first, e.g. \`git fetch --refetch --no-filter ${remote}\`, or clone without a filter (actions/checkout: \`fetch-depth: 0\` and no \`filter:\`)`
  );
}

/**
 * The promisor remote's name when the repository is a partial clone: a remote with
 * `promisor = true`, the older `extensions.partialclone = <remote>`, or packs git marked as
 * fetched from a promisor (`.promisor` files; the remote then presumably `origin`).
 */
function promisorRemote({ gitdir, loose }: ObjectRepository): string | undefined {
  const config = readGitConfig(gitdir);
  for (const [key, value] of config.keys('remote', 'promisor')) {
    if (isTrue(value)) return key.slice('remote.'.length, -'.promisor'.length);
  }
  const legacy = config.get('extensions.partialclone');
  if (legacy) return legacy;
  const promisorPacks = loose.stores.dirs.some((dir) => {
    try {
      return fs.readdirSync(path.join(dir, 'pack')).some((name) => name.endsWith('.promisor'));
    } catch {
      return false;
    }
  });
  return promisorPacks ? 'origin' : undefined;
}

function absentStoreNote(dir: string): string {
  return `the object store ${dir}, which the repository borrows objects from (objects/info/alternates), does not exist: restore it, or clone the repository again (without \`--shared\` or \`--reference\`)`;
}

