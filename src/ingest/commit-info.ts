// Commit metadata kept with every git-sourced bundle, for the audit trail
// (`commit.received` events: who changed what, when, why).
import type { CommitObject } from 'isomorphic-git';

export interface GitIdentity {
  readonly name: string;
  readonly email: string;
  /** Seconds since the epoch. */
  readonly timestamp: number;
  /** Minutes, with git's sign convention (UTC+2 is -120). */
  readonly timezoneOffset: number;
}

export interface CommitInfo {
  readonly oid: string;
  readonly tree: string;
  readonly parents: readonly string[];
  readonly author: GitIdentity;
  readonly committer: GitIdentity;
  readonly message: string;
}

export function commitInfo(oid: string, commit: CommitObject): CommitInfo {
  const identity = (p: CommitObject['author']): GitIdentity => ({
    name: p.name,
    email: p.email,
    timestamp: p.timestamp,
    timezoneOffset: p.timezoneOffset,
  });
  return {
    oid,
    tree: commit.tree,
    parents: [...commit.parent],
    author: identity(commit.author),
    committer: identity(commit.committer),
    message: commit.message,
  };
}
