// What a thrown error is, for the readers that tell one failure from another: Node's system
// errors carry a `code` (ENOENT, EACCES), isomorphic-git's a `code` that is its class name
// (NotFoundError), and other libraries only a `name`. One helper, so a reader cannot check one
// of them and miss the others.

/** The error's `code` when it has a string one, else its `name`; undefined for non-errors. */
export function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = 'code' in err ? err.code : undefined;
  return typeof code === 'string' ? code : err instanceof Error ? err.name : undefined;
}

/** An operating-system error (EACCES, EMFILE, EIO …), as opposed to bad data or a library's verdict. */
export function isSystemError(err: unknown): boolean {
  return /^E[A-Z0-9]+$/.test(errorCode(err) ?? '');
}

/** What went wrong, in words: "permission denied" for EACCES/EPERM, else the error's message. */
export function errorMessage(err: unknown): string {
  const code = errorCode(err);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EMFILE' || code === 'ENFILE') return 'too many open files (raise the limit, e.g. `ulimit -n`)';
  return err instanceof Error ? err.message : String(err);
}
