// Why a source could not be read at all (as opposed to problems inside it, which are
// diagnostics in the bundle). Expected outcomes, returned as data; the CLI maps a
// malformed revision name to exit code 2 (bad command line), every other kind to exit
// code 3 ("unavailable").
import type { SourceBundle } from './source-bundle.ts';

export type IngestErrorKind =
  | 'not-found' // the folder or repository path does not exist
  | 'not-a-directory' // a folder input that is a file
  | 'not-a-repository' // no git directory at the path
  | 'bad-revision-name' // the rev is not a name git accepts (`main.lock`), or syntax meshlog does not (`HEAD@{1}`); nothing looked up
  | 'unknown-revision' // the rev names no ref or object
  | 'not-a-commit' // the rev names a tree or blob
  | 'missing-object' // an object the revision needs is in no object store (a partial, shallow or corrupt clone)
  | 'unsupported-repository' // a repository format meshlog cannot read (SHA-256 object ids)
  | 'no-merge-base' // `A...B` for two revisions without common history
  | 'git-unavailable' // the git command, which the work-tree reader needs, could not be run
  | 'unreadable'; // permissions, a damaged object

export interface IngestError {
  readonly kind: IngestErrorKind;
  readonly message: string;
  /**
   * An object was looked for and not found, or could not be read while a pack the read had
   * listed was deleted: what a `git gc` moving objects into a new pack during the read causes,
   * so the read is worth doing again from fresh listings of the object store (fresh-read.ts).
   */
  readonly objectsMoved?: true;
  /**
   * A revision that would read where the one asked for names nothing (`main` for a HEAD that
   * points at a branch with no commits): the command line suggests it as its own flag or
   * argument (`--rev main`).
   */
  readonly instead?: string;
}

export type IngestResult<T extends { readonly bundle: SourceBundle }> =
  | ({ readonly ok: true } & T)
  | { readonly ok: false; readonly error: IngestError };

export function ingestError(kind: IngestErrorKind, message: string): { readonly ok: false; readonly error: IngestError } {
  return { ok: false, error: { kind, message } };
}
