// Which entries of a folder or git tree are candidate config files. One rule for both
// readers, so `meshlog validate DIR` and `--repo DIR --rev HEAD` see the same files.

/**
 * Limits on reading, that keep a hostile or runaway repository from exhausting memory: a file
 * or revision over them is reported (ML0004, ML0006) and not read at all, judged by the size
 * the file system or the git object header states.
 */
export interface IngestLimits {
  /** Largest single file read (bytes). Larger files are reported, never read. */
  readonly maxFileBytes: number;
  /** Total bytes of config read for one revision. */
  readonly maxTotalBytes: number;
  /** Number of candidate config files read for one revision. */
  readonly maxFiles: number;
}

/**
 * The largest config file meshlog parses: real mesh config files are kilobytes (10,000
 * services are ~10 MiB of YAML in all), and parsed YAML takes many times its size in memory.
 * The readers refuse a larger file before reading it, so nothing is read that would not be
 * parsed; the parser checks the same limit (ML1005) for files given to the compiler otherwise.
 */
export const MAX_CONFIG_FILE_BYTES = 8 * 1024 * 1024;

export const DEFAULT_LIMITS: IngestLimits = {
  maxFileBytes: MAX_CONFIG_FILE_BYTES,
  maxTotalBytes: 256 * 1024 * 1024,
  maxFiles: 20_000,
};

/**
 * `*.yaml` / `*.yml` / `*.json` (any case; kubectl applies all three), not a dot-file such as
 * `.gitlab-ci.yml` or `.eslintrc.json`.
 */
export function isConfigFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const lower = name.toLowerCase();
  return lower.endsWith('.yaml') || lower.endsWith('.yml') || lower.endsWith('.json');
}

/** Dot-folders (`.git`, `.github`, ...) and `node_modules` hold tooling, never mesh config. */
export function isSkippedFolderName(name: string): boolean {
  return name.startsWith('.') || name === 'node_modules';
}

/**
 * Whether a file at `relPath` (`/`-separated) lies in a folder the readers skip: any of its
 * folders is a skipped name. The walks apply the rule folder by folder, never entering such a
 * folder; a reader handed whole paths (the work tree's, from git) applies it here.
 */
export function inSkippedFolder(relPath: string): boolean {
  const parts = relPath.split('/');
  return parts.slice(0, -1).some(isSkippedFolderName);
}

/**
 * A single path component that cannot climb out of the root or smuggle a separator.
 * Git trees from crafted repositories can hold such names; a real file system cannot.
 */
export function isSafeComponent(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  return !/[/\\\0]/.test(name);
}

/** Joins validated components with `/`; never produces a leading `/` or `./`. */
export function joinPath(parent: string, name: string): string {
  return parent === '' ? name : `${parent}/${name}`;
}

/** Byte-wise (code unit) order: the same on every machine and locale. */
export function comparePaths(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
