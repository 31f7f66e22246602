// Types of ensure-dir.js (plain JavaScript: see its header).
export type EnsureDirResult = { readonly ok: true } | { readonly ok: false; readonly message: string };

/** Makes sure `dir` (an absolute path) is a folder, creating missing parents first, each with `mode` (before umask). */
export function ensureDir(dir: string, mode?: number): EnsureDirResult;
