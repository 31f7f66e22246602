// Creates a folder and its missing parents, one level at a time. Node's
// `mkdirSync(dir, { recursive: true })` never returns for a path under /proc: mkdir there
// fails with ENOENT even though the parent exists, and the recursive walk retries forever.
// Here every step is checked and the loop is bounded by the depth of the path.
//
// Plain JavaScript (types in ensure-dir.d.ts), like user-cache.js: bin/meshlog.js needs it
// before Node's compile cache is on, when a TypeScript module would start Node's type stripper.
// tsc does not check this file (no allowJs): keep ensure-dir.d.ts in step with it by hand.
import fs from 'node:fs';
import path from 'node:path';

/**
 * Makes sure `dir` (an absolute path) is a folder, creating missing parents first, each with `mode` (before umask).
 * @param {string} dir
 * @param {number} [mode]
 * @returns {import('./ensure-dir.d.ts').EnsureDirResult}
 */
export function ensureDir(dir, mode = 0o777) {
  const missing = [];
  let current = path.resolve(dir);
  // At most one step per path segment: the walk stops at the root (dirname(root) === root).
  for (;;) {
    const stat = statOrError(current);
    if (typeof stat === 'string') return { ok: false, message: `${current}: ${stat}` };
    if (stat) {
      if (!stat.isDirectory()) return { ok: false, message: `${current} exists and is not a folder` };
      break;
    }
    missing.push(current);
    const parent = path.dirname(current);
    if (parent === current) return { ok: false, message: `${current} does not exist` };
    current = parent;
  }
  for (const folder of missing.reverse()) {
    try {
      fs.mkdirSync(folder, { mode });
    } catch (err) {
      // Someone else created it between our stat and mkdir: fine, if it is a folder.
      if (err?.code === 'EEXIST' && fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory()) continue;
      return { ok: false, message: `cannot create ${folder}: ${err instanceof Error ? err.message : String(err)}` };
    }
  }
  return { ok: true };
}

/**
 * The stat, undefined when nothing is there, or the error text when the path cannot be examined.
 * @param {string} p
 * @returns {fs.Stats | undefined | string}
 */
function statOrError(p) {
  try {
    return fs.statSync(p, { throwIfNoEntry: false });
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
