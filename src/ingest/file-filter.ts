// Which entries of a folder or git tree are candidate config files. One rule for both
// readers, so `meshlog validate DIR` and `--repo DIR --rev HEAD` see the same files.

/** Limits that keep a hostile or runaway repository from exhausting memory. */
export interface IngestLimits {
  /** Largest single file read (bytes). Larger files are reported, never read. */
  readonly maxFileBytes: number;
  /** Total bytes of config read for one revision. */
  readonly maxTotalBytes: number;
  /** Number of candidate config files read for one revision. */
  readonly maxFiles: number;
}

// 32 MiB is far above any real mesh config (10,000 services is ~10 MiB of YAML) while the
// parser's own, lower limit still produces the precise diagnostic for big-but-readable files.
export const DEFAULT_LIMITS: IngestLimits = {
  maxFileBytes: 32 * 1024 * 1024,
  maxTotalBytes: 256 * 1024 * 1024,
  maxFiles: 20_000,
};

/** `*.yaml` / `*.yml` (any case), not a dot-file such as `.gitlab-ci.yml` or `.pre-commit-config.yaml`. */
export function isConfigFileName(name: string): boolean {
  if (name.startsWith('.')) return false;
  const lower = name.toLowerCase();
  return lower.endsWith('.yaml') || lower.endsWith('.yml');
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
