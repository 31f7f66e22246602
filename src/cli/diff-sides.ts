// What `meshlog diff` compares, from its positional arguments:
//   A B       two folders or files (when both exist and no --repo), a revision and a folder or
//             file (when one exists and no --repo), else two revisions; `-` is standard input,
//             as one file, on one side at most and never with --repo
//   REV       the revision and the work tree of the repository the current directory (or
//             --repo) is in, as `git diff REV`: what the edits not committed yet change
//   A..B      the same as `A B`, as git spells it
//   A...B     merge-base(A, B) → B, as `git diff A...B`: only what B's branch changed since
//             it left A. What a pull request comment needs once the base branch has moved on.
// Without --repo, an existing folder or file that also names a revision is a command-line
// error, as in git: neither reading is guessed; `./NAME` or --repo says which is meant.
import fs from 'node:fs';
import path from 'node:path';
import { findMergeBase } from '../ingest/merge-base.ts';
import { namesRevision } from '../ingest/names-revision.ts';
import { revisionNameProblem } from '../ingest/resolve-rev.ts';
import { findWorkTreeRoot } from '../ingest/work-tree-root.ts';
import { EXIT, type ExitCode } from './command.ts';
import { insteadNote, pathInput, pathKind, repositoryArgument, type InputSpec } from './input.ts';

export interface DiffSide {
  readonly spec: InputSpec;
  /** Shown instead of the revision (the merge base has no name of its own). */
  readonly name?: string;
}

export type SidesOutcome =
  | {
      readonly ok: true;
      readonly before: DiffSide;
      readonly after: DiffSide;
      /** Why two arguments were read as revisions although one is a folder (for a revision error). */
      readonly hint?: string;
    }
  | { readonly ok: false; readonly exit: ExitCode; readonly message: string };

const RANGE = /^([^.].*?)(\.\.\.?)([^.].*)$/;

export async function diffSides(positionals: readonly string[], repo: string | undefined, cwd: string): Promise<SidesOutcome> {
  const [a, b] = positionals;
  const stdinProblem = standardInputProblem(positionals, repo);
  if (stdinProblem) return { ok: false, exit: EXIT.usage, message: stdinProblem };
  if (a !== undefined && b !== undefined) return twoSides(a, b, repo, cwd);
  if (a === undefined) return { ok: false, exit: EXIT.usage, message: 'expected a revision (compared with the work tree), two revisions or two folders or files, or REV_A...REV_B' };
  const kind = repo === undefined ? pathKind(a, cwd) : undefined;
  if (kind) {
    // The revision would be read from the work tree's repository, found as the work tree is.
    const root = await findWorkTreeRoot('.', cwd);
    if (await namesRevision(root.ok ? root.root : cwd, a)) return ambiguous(a, kind);
    return { ok: false, exit: EXIT.usage, message: `${a} is a ${kind}: compare two ${kind}s, or a revision with the work tree of the repository in the current directory` };
  }
  const range = RANGE.exec(a);
  if (!range && a.includes('..')) return { ok: false, exit: EXIT.usage, message: `${a}: expected REV_A...REV_B or REV_A..REV_B, a revision on each side` };
  if (!range) return againstWorkTree(a, repo ?? '.', cwd);
  const r = repositoryArgument(repo ?? '.', cwd);
  const [, from, dots, to] = range as unknown as [string, string, string, string];
  const after: DiffSide = { spec: { kind: 'git', repo: r, rev: to } };
  if (dots === '..') return { ok: true, before: { spec: { kind: 'git', repo: r, rev: from } }, after };
  // A malformed name is a command-line mistake (exit 2), as for any revision argument.
  const badName = revisionNameProblem(from) ?? revisionNameProblem(to);
  if (badName) return { ok: false, exit: EXIT.usage, message: badName };
  const base = await findMergeBase(path.resolve(cwd, r), from, to);
  if (!base.ok) return { ok: false, exit: EXIT.unavailable, message: base.error.message + insteadNote(base.error, 'argument') };
  return { ok: true, before: { spec: { kind: 'git', repo: r, rev: base.oid }, name: `merge base of ${from} and ${to}` }, after };
}

/**
 * `diff REV`: REV and the work tree, both of the repository `repo` lies in (`meshlog diff HEAD`
 * from a folder inside the work tree reads the whole of it). The repository is named by its
 * top folder, relative to the current directory, so reported paths open from there.
 */
async function againstWorkTree(rev: string, repo: string, cwd: string): Promise<SidesOutcome> {
  const found = await findWorkTreeRoot(repo, cwd);
  if (!found.ok) return { ok: false, exit: EXIT.unavailable, message: found.error.message };
  const named = nameOfRoot(found.root, repo, cwd);
  return { ok: true, before: { spec: { kind: 'git', repo: named, rev } }, after: { spec: { kind: 'worktree', repo: named } } };
}

/** `repo` as written when it is the top folder itself; else the top folder, spelt the same way (relative or absolute). */
function nameOfRoot(root: string, repo: string, cwd: string): string {
  if (fs.realpathSync(path.resolve(cwd, repo)) === root) return repo;
  // git gives the top folder with links resolved: relative to the real current directory.
  return path.isAbsolute(repo) ? root : path.relative(fs.realpathSync(cwd), root) || '.';
}

/**
 * What is wrong with `-` among the arguments, if anything: standard input can be read once, so
 * on one side only, and is never a revision, so not with --repo (which makes both sides ones).
 */
function standardInputProblem(positionals: readonly string[], repo: string | undefined): string | undefined {
  const dashes = positionals.filter((p) => p === '-').length;
  if (dashes === 0) return undefined;
  if (repo !== undefined) return '- reads the config from standard input; it cannot be combined with --repo, which reads both sides as revisions';
  if (dashes > 1) return 'standard input (-) can be read on one side only';
  if (positionals.length === 1) return '- (standard input) needs another side to compare it with: a revision, a folder or a file (meshlog diff main -)';
  return undefined;
}

async function twoSides(a: string, b: string, repo: string | undefined, cwd: string): Promise<SidesOutcome> {
  // `-` is on disk in the sense that matters: input that is not a revision.
  const onDisk = (arg: string) => (repo !== undefined ? undefined : arg === '-' ? 'standard input' : pathKind(arg, cwd));
  const kindA = onDisk(a);
  const kindB = onDisk(b);
  let r = repositoryArgument(repo ?? '.', cwd);
  if (kindA || kindB) {
    // A revision beside a folder is the repository's the current directory is in, found as for `diff REV`.
    const found = await findWorkTreeRoot('.', cwd);
    if (found.ok) r = nameOfRoot(found.root, '.', cwd);
    for (const [arg, kind] of [[a, kindA], [b, kindB]] as const) {
      if (kind && kind !== 'standard input' && (await namesRevision(path.resolve(cwd, r), arg))) return ambiguous(arg, kind);
    }
  }
  const side = (arg: string, onDisk: boolean): DiffSide => ({ spec: onDisk ? pathInput(arg, cwd) : { kind: 'git', repo: r, rev: arg } });
  const sides = { ok: true, before: side(a, kindA !== undefined), after: side(b, kindB !== undefined) } as const;
  if ((kindA === undefined) === (kindB === undefined)) return sides;
  // A revision against a folder (`diff main config/`); a typo in a folder name reads as a revision.
  const [given, kind, other] = kindA ? [a, kindA, b] : [b, kindB!, a];
  const what = kind === 'standard input' ? '- is standard input' : `${given} is a ${kind}`;
  return { ...sides, hint: `${what} but ${other} is not, so ${other} was read as a revision of the git repository the current directory is in` };
}

function ambiguous(arg: string, kind: 'folder' | 'file'): SidesOutcome {
  return {
    ok: false,
    exit: EXIT.usage,
    message: `${arg} is ambiguous: both a ${kind} and a revision of the git repository the current directory is in; write ./${arg} for the ${kind}, or pass --repo . to read revisions`,
  };
}
