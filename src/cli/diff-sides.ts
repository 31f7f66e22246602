// What `meshlog diff` compares, from its positional arguments:
//   A B       two folders (when both exist and no --repo), else two revisions
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
  const range = a === undefined ? null : RANGE.exec(a);
  if (!range) return { ok: false, exit: EXIT.usage, message: 'expected two revisions or two folders, or REV_A...REV_B' };
  const [, from, dots, to] = range as unknown as [string, string, string, string];
  const r = repo ?? '.';
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
  const isDir = (p: string) => fs.statSync(path.resolve(cwd, p), { throwIfNoEntry: false })?.isDirectory() === true;
  const dirA = repo === undefined && isDir(a);
  const dirB = repo === undefined && isDir(b);
  if (dirA && dirB) return { before: { spec: { kind: 'folder', path: a } }, after: { spec: { kind: 'folder', path: b } } };
  const r = repo ?? '.';
  const sides = { before: { spec: { kind: 'git', repo: r, rev: a } }, after: { spec: { kind: 'git', repo: r, rev: b } } } as const;
  // `diff config/ nosuchdir` reads two revisions and fails on that, not on the missing folder.
  if (dirA === dirB) return sides;
  const [folder, other] = dirA ? [a, b] : [b, a];
  return { ...sides, hint: `diff compares two folders or two revisions: ${folder} is a folder but ${other} is not, so both were read as revisions of the git repository in the current directory` };
}
