// What `meshlog diff` compares, from its positional arguments:
//   A B       two folders (when both exist and no --repo), a revision and a folder (when one
//             exists and no --repo), else two revisions
//   REV       the revision and the repository's work tree, as `git diff REV`: what the edits
//             not committed yet change
//   A..B      the same as `A B`, as git spells it
//   A...B     merge-base(A, B) → B, as `git diff A...B`: only what B's branch changed since
//             it left A. What a pull request comment needs once the base branch has moved on.
import fs from 'node:fs';
import path from 'node:path';
import { findMergeBase } from '../ingest/merge-base.ts';
import { revisionNameProblem } from '../ingest/resolve-rev.ts';
import { EXIT, type ExitCode } from './command.ts';
import type { InputSpec } from './input.ts';

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
  if (a !== undefined && b !== undefined) return { ok: true, ...twoSides(a, b, repo, cwd) };
  if (a === undefined) return { ok: false, exit: EXIT.usage, message: 'expected a revision (compared with the work tree), two revisions or two folders, or REV_A...REV_B' };
  const r = repo ?? '.';
  if (repo === undefined && isFolder(a, cwd)) return { ok: false, exit: EXIT.usage, message: `${a} is a folder: compare two folders, or a revision with the work tree of the repository in the current directory` };
  const range = RANGE.exec(a);
  if (!range && a.includes('..')) return { ok: false, exit: EXIT.usage, message: `${a}: expected REV_A...REV_B or REV_A..REV_B, a revision on each side` };
  if (!range) return { ok: true, before: { spec: { kind: 'git', repo: r, rev: a } }, after: { spec: { kind: 'worktree', repo: r } } };
  const [, from, dots, to] = range as unknown as [string, string, string, string];
  const after: DiffSide = { spec: { kind: 'git', repo: r, rev: to } };
  if (dots === '..') return { ok: true, before: { spec: { kind: 'git', repo: r, rev: from } }, after };
  // A malformed name is a command-line mistake (exit 2), as for any revision argument.
  const badName = revisionNameProblem(from) ?? revisionNameProblem(to);
  if (badName) return { ok: false, exit: EXIT.usage, message: badName };
  const base = await findMergeBase(path.resolve(cwd, r), from, to);
  if (!base.ok) return { ok: false, exit: EXIT.unavailable, message: base.error.message };
  return { ok: true, before: { spec: { kind: 'git', repo: r, rev: base.oid }, name: `merge base of ${from} and ${to}` }, after };
}

function twoSides(a: string, b: string, repo: string | undefined, cwd: string): { before: DiffSide; after: DiffSide; hint?: string } {
  const dirA = repo === undefined && isFolder(a, cwd);
  const dirB = repo === undefined && isFolder(b, cwd);
  const r = repo ?? '.';
  const side = (arg: string, isFolder: boolean): DiffSide => ({ spec: isFolder ? { kind: 'folder', path: arg } : { kind: 'git', repo: r, rev: arg } });
  const sides = { before: side(a, dirA), after: side(b, dirB) };
  if (dirA === dirB) return sides;
  // A revision against a folder (`diff main config/`); a typo in a folder name reads as a revision.
  const [folder, other] = dirA ? [a, b] : [b, a];
  return { ...sides, hint: `${folder} is a folder but ${other} is not, so ${other} was read as a revision of the git repository in the current directory` };
}

function isFolder(arg: string, cwd: string): boolean {
  return fs.statSync(path.resolve(cwd, arg), { throwIfNoEntry: false })?.isDirectory() === true;
}
