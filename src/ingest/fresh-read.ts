// Reads of a repository that git may be rewriting meanwhile. `git gc` runs by itself after
// commits and fetches (in the background by default; `git fetch --refetch` always starts one):
// it packs loose objects and then deletes them, and replaces packs with a new one. meshlog
// lists each object store once per read (git-read-fs.ts), so a read whose listing predates
// the new pack finds an object gone that is in fact in that pack. git itself lists its store
// again when an object is not found and looks once more; here the whole read is done again
// from fresh listings (a new openRepo), at most READ_ATTEMPTS times in all. An object still
// absent then is the repository's fault, and the last attempt's error says so.
import type { IngestError } from './ingest-error.ts';

/**
 * A read misses an object only once the gc has deleted what it replaced, which git does after
 * the new pack is in place, so the next read finds it there; a third covers a second gc.
 */
const READ_ATTEMPTS = 3;

type Result = { readonly ok: true } | { readonly ok: false; readonly error: IngestError };

/**
 * `read` (which opens the repository afresh each time: openRepo) until it succeeds, fails for
 * another reason than an object not found or a pack gone under it (an unknown branch name, a
 * damaged object, a permission: nothing a gc causes, so nothing to read again for), or has been tried
 * READ_ATTEMPTS times. A work-tree read is done again whole: only its blobs from the index can
 * be missed, and re-listing its files costs a git command, on a path taken only after a miss.
 */
export async function withRereads<R extends Result>(read: (attempt: number) => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    const result = await read(attempt);
    if (result.ok || attempt >= READ_ATTEMPTS || !result.error.objectsMoved) return result;
  }
}
