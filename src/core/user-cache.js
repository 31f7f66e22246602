// Where meshlog keeps what only makes it start faster (Node's compile cache of its sources,
// the Envoy schema as JSON): `$XDG_CACHE_HOME/meshlog`, else `~/.cache/meshlog`. A folder the
// user owns, not the shared temp folder, where another user could plant what this process then
// loads. Anything here can be deleted at any time; it is rebuilt on the next command.
//
// Plain JavaScript (types in user-cache.d.ts): bin/meshlog.js turns the compile cache on with
// it before loading any TypeScript module. The first TypeScript module loaded without the cache
// starts Node's type stripper, about 50 ms of every command (measured on `meshlog validate`).
// tsc does not check this file (no allowJs): keep user-cache.d.ts in step with it by hand.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureDir } from './ensure-dir.js';

/**
 * The cache folder (created, private to this user), or undefined when there is none to be had.
 * @param {Readonly<Record<string, string | undefined>>} [env]
 * @returns {string | undefined}
 */
export function userCacheDir(env = process.env) {
  try {
    const base = env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME) ? env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
    const dir = path.join(base, 'meshlog');
    // Not mkdirSync({ recursive }): it never returns for a path under /proc (see ensure-dir.js).
    if (!ensureDir(dir, 0o700).ok) return undefined;
    const stat = fs.lstatSync(dir);
    const mine = !process.getuid || stat.uid === process.getuid();
    return stat.isDirectory() && mine && (stat.mode & 0o022) === 0 ? dir : undefined;
  } catch {
    return undefined; // no home, or read-only: meshlog just starts slower
  }
}
