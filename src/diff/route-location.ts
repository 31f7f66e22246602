// Where a changed route is written, to open it from the terminal: `file:line` in the side
// that has the route (a removed route's is in the old side), behind that side's path prefix
// (a folder or work-tree argument, so the path opens from the current directory).
import type { RouteChange } from './types.ts';

/** Put before a file path of each side; `''` for a git revision, whose paths are the repository's. */
export interface SidePrefixes {
  readonly before: string;
  readonly after: string;
}

export function routeLocation(r: RouteChange, prefixes: SidePrefixes = { before: '', after: '' }): string | undefined {
  if (!r.source) return undefined;
  return `${r.change === 'removed' ? prefixes.before : prefixes.after}${r.source.file}:${r.source.line}`;
}
