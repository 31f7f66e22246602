// A folder laid out as git-sync publishes a repository: each commit checked out as
// `<base>/.worktrees/<commit>`, and the link `<base>/current` swapped to the newest by renaming
// a new link over it (atomic for readers). Here each "commit" is a copy of the config
// template with the reviews canary split set to v1/v2 = `v1` / 100 - `v1`.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');

/** The template's reviews VirtualService text with the canary split set to v1 / 100 - v1. */
export function reviewsWithSplit(text: string, v1: number): string {
  return text.replace('weight: 90', `weight: ${v1}`).replace('weight: 10', `weight: ${100 - v1}`);
}

export interface GitSyncLayout {
  /** The folder holding `.worktrees/` and the link. */
  readonly base: string;
  /** The link's path, what `serve --config` names. */
  readonly current: string;
  /** Checks out a new "commit" (the template with the canary at v1) as `.worktrees/<commit>`. */
  checkout(commit: string, v1: number): string;
  /** Points `current` at a checked-out commit, as git-sync does. */
  publish(commit: string): void;
  remove(): void;
}

export function gitSyncLayout(prefix = 'meshlog-gitsync-'): GitSyncLayout {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    base,
    current: path.join(base, 'current'),
    checkout(commit, v1) {
      const dir = path.join(base, '.worktrees', commit);
      fs.cpSync(TEMPLATE, dir, { recursive: true });
      const reviews = path.join(dir, 'routing/reviews.yaml');
      fs.writeFileSync(reviews, reviewsWithSplit(fs.readFileSync(reviews, 'utf8'), v1));
      return dir;
    },
    publish(commit) {
      fs.symlinkSync(path.join('.worktrees', commit), path.join(base, 'current.tmp'));
      fs.renameSync(path.join(base, 'current.tmp'), path.join(base, 'current'));
    },
    remove() {
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
