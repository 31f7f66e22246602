// The "read input" step every config-reading command shares: a folder argument
// (`meshlog validate PATH`, default `.`), one file (PATH names a file), standard input
// (`-`), or a git revision (`--repo PATH --rev REV`, read from git objects with no checkout).
// `--rev` alone reads the repository at PATH (or `.`); `--repo` alone reads its HEAD. Any
// failure to read is exit 3 (unavailable).
import fs from 'node:fs';
import path from 'node:path';
import type { CommitInfo } from '../ingest/commit-info.ts';
import { repositoryAbove } from '../ingest/git-dir.ts';
import type { IngestError } from '../ingest/ingest-error.ts';
import { readFolder } from '../ingest/read-folder.ts';
import { readOneFile, readStream } from '../ingest/read-one-file.ts';
import type { SourceBundle } from '../ingest/source-bundle.ts';
import type { FlagSpec, ParsedArgs } from './args.ts';
import { EXIT, type CliIo, type ExitCode } from './command.ts';

/** Add to a command's flags to accept `--repo` / `--rev`. */
export const INPUT_FLAGS = {
  repo: { type: 'string' },
  rev: { type: 'string' },
} as const satisfies FlagSpec;

/** Lines for a command's --help text, after its usage line. */
export const INPUT_HELP = `Input (one of):
  PATH                 A config folder (default: the current directory), or one config file:
                       named explicitly, a file is read whatever its extension
  -                    Standard input, as one config file named <stdin> (the output of
                       kustomize build or helm template, piped in)
      --repo PATH      A git repository (work tree or bare); read from git objects, no checkout.
                       Default with --rev: the repository the current folder is in
      --rev REV        The revision to read: branch, tag, commit id, HEAD~1, ... (default: HEAD)`;

/** The name standard input goes by in diagnostics and labels. */
export const STDIN_NAME = '<stdin>';

export type InputSpec =
  | { readonly kind: 'folder'; readonly path: string }
  /** One file named on the command line: a regular file, or a pipe (`<(helm template ...)`). */
  | { readonly kind: 'file'; readonly path: string }
  /** Standard input (`-`), as one file. */
  | { readonly kind: 'stdin' }
  | { readonly kind: 'git'; readonly repo: string; readonly rev: string }
  /** A repository's work tree as git sees it: what the next `git add -A` would commit (`meshlog diff REV`). */
  | { readonly kind: 'worktree'; readonly repo: string };

export type SpecOutcome = { readonly ok: true; readonly spec: InputSpec } | { readonly ok: false; readonly message: string };

/**
 * The input a command's parsed flags name; the single positional, if any, is the folder, file
 * or repository, or `-` for standard input. `cwd`: where relative paths start.
 */
export function inputSpec(args: ParsedArgs, cwd: string, positional: string | undefined = args.positionals[0]): SpecOutcome {
  const repo = args.string('repo');
  const rev = args.string('rev');
  if (positional === '-' && (repo !== undefined || rev !== undefined)) {
    return { ok: false, message: `- reads the config from standard input; it cannot be combined with --${repo !== undefined ? 'repo' : 'rev'}` };
  }
  if (repo !== undefined && positional !== undefined) {
    return { ok: false, message: `give either PATH (${positional}) or --repo, not both` };
  }
  if (repo === '' || rev === '') return { ok: false, message: `--${repo === '' ? 'repo' : 'rev'} needs a value` };
  if (repo !== undefined || rev !== undefined) {
    return { ok: true, spec: { kind: 'git', repo: repositoryArgument(repo ?? positional ?? '.', cwd), rev: rev ?? 'HEAD' } };
  }
  return { ok: true, spec: pathInput(positional ?? '.', cwd) };
}

/**
 * What a path argument reads: `-` standard input, a folder, or one file. Anything on disk that
 * is not a folder is a file (a pipe too); a path that is not there is taken for a folder, whose
 * reader says it does not exist.
 */
export function pathInput(arg: string, cwd: string): InputSpec {
  if (arg === '-') return { kind: 'stdin' };
  return pathKind(arg, cwd) === 'file' ? { kind: 'file', path: arg } : { kind: 'folder', path: arg };
}

/** What `arg` names on disk, links followed (the path named may be a link): undefined when nothing. */
export function pathKind(arg: string, cwd: string): 'folder' | 'file' | undefined {
  const stat = fs.statSync(path.resolve(cwd, arg), { throwIfNoEntry: false });
  return stat === undefined ? undefined : stat.isDirectory() ? 'folder' : 'file';
}

/**
 * The repository a revision is read from, as the user should see it named. The current folder
 * (`.`, given or implied, in any spelling) means the repository it is in, found upward as git
 * finds it, named relative to it (`../..`): `meshlog validate --rev main` works from any folder
 * of a work tree, and says which repository it read. A revision is read whole, whatever folder
 * the command runs in. Any other path must be the repository itself: a subfolder named on
 * purpose is an error, not a reading of the whole repository.
 */
export function repositoryArgument(repo: string, cwd: string): string {
  if (path.resolve(cwd, repo) !== path.resolve(cwd)) return repo;
  const root = repositoryAbove(cwd);
  if (root === undefined || root === path.resolve(cwd)) return repo;
  return path.relative(path.resolve(cwd), root);
}

export type InputOutcome =
  | { readonly ok: true; readonly bundle: SourceBundle; readonly commit?: CommitInfo }
  | { readonly ok: false; readonly exit: ExitCode; readonly error: IngestError };

/** Reads the input; paths are relative to the CLI's working directory. */
export async function readInput(spec: InputSpec, io: CliIo): Promise<InputOutcome> {
  if (spec.kind === 'folder') {
    const res = await readFolder(path.resolve(io.cwd, spec.path));
    return res.ok ? { ok: true, bundle: { ...res.bundle, origin: { kind: 'folder', path: spec.path } } } : failed(res.error);
  }
  if (spec.kind === 'file') {
    const res = await readOneFile(path.resolve(io.cwd, spec.path), spec.path);
    return res.ok ? { ok: true, bundle: res.bundle } : failed(res.error);
  }
  if (spec.kind === 'stdin') {
    const res = await readStream(io.stdin?.() ?? NOTHING, { name: STDIN_NAME, shown: 'standard input', origin: STDIN_NAME });
    return res.ok ? { ok: true, bundle: res.bundle } : failed(res.error);
  }
  // The git readers are loaded only for git input: isomorphic-git and its dependencies take
  // ~20 ms to load, which a folder or a file never needs.
  if (spec.kind === 'worktree') {
    const { readWorkTree } = await import('../ingest/read-work-tree.ts');
    const res = await readWorkTree({ repo: spec.repo, cwd: io.cwd });
    return res.ok ? { ok: true, bundle: { ...res.bundle, origin: { kind: 'folder', path: spec.repo } } } : failed(res.error);
  }
  // A malformed name is the command line's fault whatever the repository holds: say so first.
  const [{ revisionNameProblem }, { readGit }] = await Promise.all([import('../ingest/resolve-rev.ts'), import('../ingest/read-git.ts')]);
  const badName = revisionNameProblem(spec.rev);
  if (badName) return failed({ kind: 'bad-revision-name', message: badName });
  const res = await readGit({ repo: path.resolve(io.cwd, spec.repo), rev: spec.rev });
  if (!res.ok) {
    // Only the current folder's own search can end nowhere: say where it looked.
    if (res.error.kind === 'not-a-repository' && path.resolve(io.cwd, spec.repo) === path.resolve(io.cwd) && !repositoryAbove(io.cwd)) {
      return failed({ ...res.error, message: 'the current folder is not in a git repository (no .git in it or in any folder above it, and not a bare repository); pass --repo PATH' });
    }
    return failed(res.error);
  }
  return { ok: true, bundle: { ...res.bundle, origin: { kind: 'git', repo: spec.repo, rev: spec.rev } }, commit: res.commit };
}

/** Standard input when the CLI was given none (CliIo.stdin absent). */
const NOTHING: AsyncIterable<Uint8Array> = { async *[Symbol.asyncIterator]() {} };

function failed(error: IngestError): InputOutcome {
  return { ok: false, exit: error.kind === 'bad-revision-name' ? EXIT.usage : EXIT.unavailable, error };
}

/**
 * Prints an input failure the same way in every command, with the revision to read instead
 * when there is one, written as this command takes revisions: `--rev` (validate, compile,
 * explain) or as an argument (diff).
 */
export function reportInputError(io: CliIo, error: IngestError, revisions: 'flag' | 'argument' = 'flag'): void {
  io.stderr(`Error: ${error.message}${insteadNote(error, revisions)}\n`);
}

/** `; use --rev main instead`, or nothing when the error suggests no revision. */
export function insteadNote(error: IngestError, revisions: 'flag' | 'argument'): string {
  if (error.instead === undefined) return '';
  return revisions === 'flag' ? `; use --rev ${error.instead} instead` : `; write ${error.instead} instead`;
}

/** Human label: `config/`, `mesh.yaml`, `<stdin>`, `the work tree of .` or `repo@main (1a2b3c4d5e6f)`. */
export function describeInput(spec: InputSpec, commit?: string | null): string {
  if (spec.kind === 'folder' || spec.kind === 'file') return spec.path;
  if (spec.kind === 'stdin') return STDIN_NAME;
  if (spec.kind === 'worktree') return `the work tree of ${spec.repo}`;
  if (commit && commit.startsWith(spec.rev.toLowerCase())) return `${spec.repo}@${commit.slice(0, 12)}`;
  return `${spec.repo}@${spec.rev}${commit ? ` (${commit.slice(0, 12)})` : ''}`;
}

/**
 * Prefix that makes diagnostic paths clickable from the user's directory (files on disk only).
 * A file is named in its bundle by its base name, so the prefix is the rest of the path as
 * given: its diagnostics show that path exactly.
 */
export function displayPrefix(spec: InputSpec): string {
  if (spec.kind === 'git' || spec.kind === 'stdin') return '';
  if (spec.kind === 'file') return spec.path.slice(0, spec.path.length - path.basename(spec.path).length);
  const dir = spec.kind === 'folder' ? spec.path : spec.repo;
  if (dir === '.' || dir === './') return '';
  return dir.endsWith('/') ? dir : `${dir}/`;
}
