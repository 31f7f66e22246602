// A revision string → the commit it names, read with isomorphic-git. Accepts what people
// type in CI and PRs: full or abbreviated commit ids, branch/tag names, `HEAD`, full ref
// names, plus git's `~N`, `^` and `^N` suffixes (`HEAD~1`, `main^2`). Annotated tags are
// peeled to their commit.
import git, { type CommitObject } from 'isomorphic-git';
import { errorCode, errorMessage } from './error-code.ts';
import type { GitRepo } from './git-read-fs.ts';
import { ingestError, type IngestError } from './ingest-error.ts';
import { objectReadError, shallowNote } from './object-errors.ts';

export type ResolveResult =
  | { readonly ok: true; readonly oid: string; readonly commit: CommitObject }
  | { readonly ok: false; readonly error: IngestError };

const SUFFIX = /([~^])(\d*)$/;

/**
 * Why `rev` cannot name a revision, judged from its text alone (nothing is looked up), or
 * undefined when it may. Callers check this first so that a malformed name is a mistake on
 * the command line, not a revision the repository lacks.
 */
export function revisionNameProblem(rev: string): string | undefined {
  const unsupported = unsupportedSyntax(rev);
  if (unsupported) return `"${rev}" is git syntax meshlog does not support (${unsupported}); name a branch, tag or commit, optionally followed by ~N, ^ or ^N`;
  if (!isRevisionName(rev)) return `"${rev}" is not a valid revision name`;
  return undefined;
}

function isRevisionName(rev: string): boolean {
  if (rev === '' || rev.startsWith('-') || /[\0\s]/.test(rev)) return false;
  // Ref names become file paths under the git directory: refuse anything git itself would
  // (check-ref-format), so a revision can never name a file outside refs/.
  const base = splitSuffixes(rev).base;
  return !(/\.\.|^\/|\/$|\/\/|\\|[:?*[\]~^\0-\x20\x7f]|@\{|\.lock$|^\.|\/\./.test(base) || base === '@');
}

/**
 * What kind of git revision syntax `rev` is, when it is syntax git accepts and meshlog does
 * not: worded for the user, with what to write instead where there is an equivalent.
 */
function unsupportedSyntax(rev: string): string | undefined {
  if (rev === '@') return '`@` is short for HEAD: write HEAD';
  if (rev.startsWith(':/') || /\^\{\//.test(rev)) return 'a search of commit messages, :/text or ^{/text}';
  const peel = /^(.+?)\^\{([^}]*)\}$/.exec(rev);
  if (peel && isRevisionName(peel[1]!)) {
    if (peel[2] === '' || peel[2] === 'commit') return `peeling with ^{${peel[2]}}: tags are peeled to their commit anyway, so write "${peel[1]}"`;
    return `peeling with ^{${peel[2]}}: meshlog reads commits`;
  }
  if (/@\{[^}]*\}/.test(rev)) return 'a reflog entry or upstream, @{…}: meshlog reads objects, not reflogs';
  if (/^[^:]*:/.test(rev) && rev.length > 1) return 'a file in a revision or the index, REV:path';
  const range = /^(.+?)\.\.\.?(.+)$/.exec(rev);
  if (range && isRevisionName(range[1]!) && isRevisionName(range[2]!)) return 'a range of commits, A..B: meshlog diff compares two revisions';
  if (/\^[!@-]\d*$/.test(rev) && isRevisionName(rev.replace(/\^[!@-]\d*$/, ''))) return 'a range of commits, ^!, ^@ or ^-';
  return undefined;
}

/** `main~2^1` → base `main` and the steps `~2`, `^1`: peeled right to left, applied left to right. */
function splitSuffixes(rev: string): { base: string; steps: { op: string; n: number }[] } {
  const steps: { op: string; n: number }[] = [];
  let base = rev;
  for (let m = SUFFIX.exec(base); m && base.length > m[0].length; m = SUFFIX.exec(base)) {
    const op = m[1]!;
    const n = m[2] === '' ? 1 : Number(m[2]);
    steps.unshift({ op, n });
    base = base.slice(0, -m[0].length);
  }
  return { base, steps };
}

export async function resolveRevision(repo: GitRepo, rev: string): Promise<ResolveResult> {
  const problem = revisionNameProblem(rev);
  if (problem) return ingestError('bad-revision-name', problem);
  const { base, steps } = splitSuffixes(rev);
  const start = await resolveBase(repo, base);
  if (!start.ok) {
    const { error } = start;
    // `HEAD~1` of an unborn HEAD: suggest `main~1`, the same steps from the branch suggested.
    const instead = error.instead === undefined ? {} : { instead: error.instead + rev.slice(base.length) };
    return { ok: false, error: { ...error, message: error.message.replace(`"${base}"`, `"${rev}"`), ...instead } };
  }
  let current = await readCommitOf(repo, start.oid, rev, start.oid === base.toLowerCase());
  for (const step of steps) {
    if (!current.ok) return current;
    const parents = current.commit.parent;
    if (step.op === '^') {
      if (step.n === 0) continue; // `X^0` is X itself
      const parent = parents[step.n - 1];
      if (!parent) return ingestError('unknown-revision', `revision "${rev}": ${current.oid.slice(0, 12)} has no parent ${step.n}`);
      current = await readCommitOf(repo, parent, rev);
    } else {
      for (let i = 0; i < step.n && current.ok; i++) {
        const parent = current.commit.parent[0];
        if (!parent) return ingestError('unknown-revision', `revision "${rev}": history ends at ${current.oid.slice(0, 12)}`);
        current = await readCommitOf(repo, parent, rev);
      }
    }
  }
  return current;
}

async function resolveBase({ fs, gitdir, cache }: GitRepo, base: string): Promise<{ ok: true; oid: string } | { ok: false; error: IngestError }> {
  try {
    return { ok: true, oid: await git.resolveRef({ fs, gitdir, ref: base }) };
  } catch (refErr) {
    if (/^[0-9a-f]{4,40}$/i.test(base)) {
      try {
        return { ok: true, oid: await git.expandOid({ fs, gitdir, oid: base.toLowerCase(), cache }) };
      } catch (oidErr) {
        if (errorCode(oidErr) === 'AmbiguousError') {
          return ingestError('unknown-revision', `revision "${base}" is ambiguous: use more characters of the commit id`);
        }
      }
    }
    if (errorCode(refErr) === 'NotFoundError') {
      const unborn = await unbornTarget({ fs, gitdir }, base);
      if (unborn !== undefined) return unbornError(base, unborn, await listBranches(fs, gitdir));
      return ingestError('unknown-revision', `unknown revision "${base}": no branch, tag or commit by that name${branchesNote(await listBranches(fs, gitdir))}`);
    }
    return ingestError('unreadable', `cannot resolve "${base}": ${errorMessage(refErr)}`);
  }
}

/**
 * The commit `oid`, reached from `rev`. `typed`: the user wrote this full id, so its absence
 * is a revision the repository lacks (a shallow clone's missing base, a mistyped id); a commit
 * a ref or a parent names that is absent is the repository's fault.
 */
async function readCommitOf(repo: GitRepo, oid: string, rev: string, typed = false): Promise<ResolveResult> {
  try {
    const { oid: commitOid, commit } = await git.readCommit({ fs: repo.fs, gitdir: repo.gitdir, oid, cache: repo.cache });
    return { ok: true, oid: commitOid, commit };
  } catch (err) {
    if (typed && errorCode(err) === 'NotFoundError') {
      const message = `unknown revision "${rev}": no commit ${oid} in the repository${notePrefixed(shallowNote(repo.gitdir))}`;
      return { ok: false, error: { kind: 'unknown-revision', message, objectsMoved: true } };
    }
    if (errorCode(err) === 'ObjectTypeError') return ingestError('not-a-commit', `revision "${rev}" names ${oid}, which is not a commit`);
    const error = objectReadError(repo, err, `commit ${oid}`);
    return { ok: false, error: { ...error, message: `cannot read revision "${rev}": ${error.message}` } };
  }
}

/**
 * The ref that `base`, a symbolic ref, points at and that does not exist: HEAD of a bare
 * repository made with `git init --bare` (HEAD → master) that was pushed only `main`, or
 * of a work tree on a branch not committed to yet (`git checkout --orphan`).
 */
async function unbornTarget({ fs, gitdir }: Pick<GitRepo, 'fs' | 'gitdir'>, base: string): Promise<string | undefined> {
  try {
    // depth 2: one step, from the symbolic ref to the name it holds, without resolving that name.
    const target = await git.resolveRef({ fs, gitdir, ref: base, depth: 2 });
    return target !== base && target.startsWith('refs/') ? target : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `base` points at `target`, which has no commits: say so, and which branch to read instead
 * (`instead`, for the command line to phrase as its own flag or argument).
 */
function unbornError(base: string, target: string, branches: readonly string[] | undefined): { ok: false; error: IngestError } {
  const name = target.startsWith('refs/heads/') ? `branch "${target.slice('refs/heads/'.length)}"` : `"${target}"`;
  const message = `unknown revision "${base}": ${base} points at ${name}, which has no commits${branchesNote(branches)}`;
  const instead = branches?.length === 1 ? branches[0] : LIKELY_DEFAULTS.find((b) => branches?.includes(b));
  return { ok: false, error: { kind: 'unknown-revision', message, ...(instead !== undefined ? { instead } : {}) } };
}

/** The branch to suggest among several: the usual default names, in this order. */
const LIKELY_DEFAULTS = ['main', 'master', 'trunk', 'develop'];

/** The repository's branches, sorted; undefined when they cannot be listed. */
async function listBranches(fs: GitRepo['fs'], gitdir: string): Promise<string[] | undefined> {
  try {
    return (await git.listBranches({ fs, gitdir })).sort();
  } catch {
    return undefined;
  }
}

/** The repository's branches, for a revision that named none of them (`main` in a `master` repo). */
function branchesNote(branches: readonly string[] | undefined): string {
  if (branches === undefined) return '';
  if (branches.length === 0) return ' (the repository has no branches yet: commit first)';
  const shown = branches.slice(0, 8).join(', ');
  return ` (branches: ${shown}${branches.length > 8 ? `, and ${branches.length - 8} more` : ''})`;
}

function notePrefixed(note: string | undefined): string {
  return note === undefined ? '' : `; ${note}`;
}


