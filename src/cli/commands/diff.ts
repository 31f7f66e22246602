// `meshlog diff`: what a change does to Envoy's routing, between two git revisions (read
// from git objects), two folders or files (or standard input), or a revision and the work tree. Both sides go through
// the whole front end (every check, so an invalid side is reported as validate reports it) to
// the IR; the diff is over the IR, so it shows behaviour (weights, matches, clusters), not YAML
// text. No snapshot is encoded: nothing here reads one (compileToIr).
import { compileToIr } from '../../compile/index.ts';
import type { MeshIR } from '../../compile/ir/types.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { elementIdentity, type ElementIdentity } from '../../diff/element-identity.ts';
import { diffIr, newWarnings, renderDiffMarkdown, renderDiffText, renderInvalidMarkdown, renderNewWarningsText, unappliedNote, type InvalidSide } from '../../diff/index.ts';
import { OUTPUT_FLAG, VERBOSE_FLAG, parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand, type CliIo, type ExitCode } from '../command.ts';
import { diffSides, type DiffSide } from '../diff-sides.ts';
import { describeInput, displayPrefix, readInput, reportInputError } from '../input.ts';
import { chooseFormat, diagnosticLines, renderDiagnostics, renderJson, renderYaml } from '../output.ts';
import { shellWord } from '../shell-word.ts';

const FLAGS = { ...OUTPUT_FLAG, ...VERBOSE_FLAG, repo: { type: 'string' }, title: { type: 'string' } } as const;

export const command: CliCommand = {
  name: 'diff',
  summary: 'Show what a change does to Envoy routing, between revisions, folders, files or the work tree',
  help: `Compile two versions of the mesh config and show the semantic difference in what
Envoy will do: per view, per virtual host (host:port) and per route — weight changes
("reviews: v1 90→50, v2 10→50"), routes added (with their place: "added at position 2
of 3, before …/canary/match/0"), removed or reordered, match and action
changes (redirect, direct response, rewrite, timeout, retries, fault, mirror, CORS,
header operations, a split destination's own headers), clusters added/removed/changed
(load balancing, connection pool, TCP proxy timeouts, outlier detection, TLS), endpoints
and listeners (a gateway HTTPS listener per server: certificate, SNI names, TLS versions,
ciphers), a gateway view's selector, and a gateway view renamed "(was …)" when a new first
Gateway joins its selector. A setting those lines do not name shows field by field
("action.retry.previousHosts: none → true"): a route, cluster or listener whose compiled
config differs is never left out. Rules without a name are paired by match, then by what
they do, so removing one does not read as editing the next. Reformatting YAML, moving
resources between files or rescaling weights to the same shares is no change. Then the new
warnings: those REV_B has and REV_A had not (e.g. a rule a reordering made dead). A
VirtualService host that has no Service or ServiceEntry on either side applies to no
sidecar, so changes to its routes cannot show: the output names such hosts first
("Not compared: ..."), rather than let "No routing changes" stand alone.

Usage:
  meshlog diff REV_A REV_B [--repo PATH] [flags]   two revisions of a git repository
  meshlog diff REV_A...REV_B [--repo PATH] [flags] what REV_B changed since it left REV_A
  meshlog diff REV [--repo PATH] [flags]           REV against the work tree: what the
                                                   edits not committed yet change
  meshlog diff PATH_A PATH_B [flags]               two config folders or files
  meshlog diff REV PATH [flags]                    a revision against a folder or file
                                                   (either order)

Without --repo, an argument that is an existing folder is compared as a folder, and one
that is an existing file (or a pipe: <(helm template ...)) as that one config file,
whatever its name; - is standard input, as one file named <stdin>, on one side at most
(helm template mesh charts/mesh | meshlog diff main -). Any other argument is a revision
(branch, tag, commit id, HEAD~1, ...) of the repository the current directory is in. An
existing folder or file that is also a revision is an error (exit 2): write ./NAME for
it, or pass --repo . to read revisions (- cannot be given with --repo).

With one revision, the other side is the work tree of the repository the current folder
(or --repo) is in, as git sees it — the next "git add -A": tracked files as they are on
disk (deleted ones gone), untracked files git does not ignore (.gitignore, info/exclude,
core.excludesFile), submodules as in revisions, and the files a sparse checkout leaves
off the disk as the index holds them. Reading it runs the git command, which must be
installed. A bare repository has no work tree.

REV_A...REV_B (three dots, as in git diff) compares REV_B with the merge base of the two,
so for a pull request (main...feature) it shows only the branch's own changes, not the
changes that landed on main since it branched, reversed. Two revisions without common
history have no merge base: exit 3. REV_A..REV_B is the same as REV_A REV_B.

Flags:
      --repo PATH      The git repository (default: .). Revisions are read from git
                       objects, no checkout, so a bare repository works; the work tree
                       (one revision given) is read with the git command.
  -o, --output FORMAT  table (default, text for a terminal), json, yaml, or markdown (for a
                       pull-request comment: "No routing changes" when there are none; kept
                       under GitHub's comment size, a big diff cut between whole sections
                       with a line saying what was left out);
                       json/yaml start with "base" and "head": the sides compared, each
                       {label, kind, revision, commit, path}
      --title TEXT     Heading of the markdown output (default: "meshlog diff A → B")
  -v, --verbose        With invalid config, also print info notes (e.g. skipped kinds)

Exit codes: 0 the diff was computed — a non-empty diff is NOT an error;
            1 either side is invalid config (its diagnostics are printed to stderr;
              with -o markdown, stdout still gets a comment naming the invalid side
              and listing its errors, so a PR comment never goes stale; other
              formats print nothing on stdout);
            2 bad command line; 3 a folder, file, standard input, repository, work
            tree or revision is unavailable (or REV_A...REV_B has no merge base).

Examples:
  meshlog diff HEAD                                # what your uncommitted edits change
  meshlog diff origin/main HEAD
  meshlog diff origin/main...HEAD -o markdown      # a pull request's own changes
  meshlog diff main...feature --repo ../mesh-config -o markdown > comment.md
  meshlog diff config-before/ config-after/ -o json
  kustomize build overlays/prod | meshlog diff prod-rendered.yaml -`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 2);
    if (!parsed.ok) return usageError(io, 'diff', parsed.message);
    const { args } = parsed;
    const format = chooseFormat(args.string('output'), ['table', 'json', 'yaml', 'markdown'], 'table');
    if (!format.ok) return usageError(io, 'diff', format.message);
    const repo = args.string('repo');
    if (repo === '') return usageError(io, 'diff', '--repo needs a value');

    const sides = await diffSides(args.positionals, repo, io.cwd);
    if (!sides.ok) {
      if (sides.exit === EXIT.usage) return usageError(io, 'diff', sides.message);
      io.stderr(`Error: ${sides.message}\n`);
      return sides.exit;
    }
    const verbose = args.bool('verbose');
    const hint = sides.hint;
    const before = await compileSide(sides.before, io, verbose, hint);
    if (typeof before === 'number') return before;
    const after = await compileSide(sides.after, io, verbose, hint);
    if (typeof after === 'number') return after;
    if (args.string('title') !== undefined && format.format !== 'markdown') io.stderr('note: --title applies to -o markdown only; ignored\n');
    const title = args.string('title') ?? `meshlog diff ${before.label} → ${after.label}`;

    if (!before.ir || !after.ir) {
      // A PR comment must say the change is broken, or the last (now stale) diff stays up.
      const invalid = [before, after].filter((s) => !s.ir).map((s) => s.invalid);
      if (format.format === 'markdown') io.stdout(renderInvalidMarkdown(invalid, { title }));
      return EXIT.invalid;
    }
    const diff = diffIr(before.ir, after.ir);
    // What the change brings besides routing: warnings the new side has and the old did not.
    const warnings = newWarnings(before.diagnostics, after.diagnostics, { before: before.identity, after: after.identity });
    const note = unappliedNote(before.diagnostics, after.diagnostics);
    const pathPrefix = displayPrefix(sides.after.spec);
    const routePrefixes = { before: displayPrefix(sides.before.spec), after: pathPrefix };
    switch (format.format) {
      case 'json':
        io.stdout(renderJson({ base: before.compared, head: after.compared, ...diff, newWarnings: warnings }));
        break;
      case 'yaml':
        io.stdout(renderYaml({ base: before.compared, head: after.compared, ...diff, newWarnings: warnings }));
        break;
      case 'markdown':
        io.stdout(renderDiffMarkdown(diff, { title, newWarnings: warnings, pathPrefix, routePrefixes, wholeDiffCommand: wholeDiffCommand(before.compared, after.compared), ...(note ? { note } : {}) }));
        break;
      default: {
        const lines = warnings.flatMap((d) => diagnosticLines(d, pathPrefix));
        io.stdout(`${before.label} → ${after.label}\n${note ? `${note}\n` : ''}${renderDiffText(diff, routePrefixes)}${renderNewWarningsText(lines, warnings.length)}`);
      }
    }
    return EXIT.ok;
  },
};

/**
 * One side as json/yaml name it (text prints its label in the first line): what was read, and
 * the commit, so a tool can tell which two revisions a stored diff compared.
 */
interface ComparedSide {
  readonly label: string;
  readonly kind: 'revision' | 'folder' | 'file' | 'standard input' | 'work tree';
  /** The revision as given (`main`, `HEAD~1`; the merge base's own name for `A...B`), else null. */
  readonly revision: string | null;
  /** Full commit id of a revision, else null. */
  readonly commit: string | null;
  /** The folder or file, or the repository whose work tree was read, as given; null for a revision and standard input. */
  readonly path: string | null;
}

function comparedSide({ spec, name }: DiffSide, label: string, commit: string | null): ComparedSide {
  if (spec.kind === 'git') return { label, kind: 'revision', revision: name ?? spec.rev, commit, path: null };
  if (spec.kind === 'worktree') return { label, kind: 'work tree', revision: null, commit: null, path: spec.repo };
  if (spec.kind === 'stdin') return { label, kind: 'standard input', revision: null, commit: null, path: null };
  return { label, kind: spec.kind, revision: null, commit: null, path: spec.path };
}

/**
 * The command that prints this diff whole, for a comment cut to fit: revisions by commit id
 * (a merge base has no name of its own, and CI's checkout folder is not the reader's), folders
 * and files by path, standard input as `-` (to be piped in again), and the work tree as
 * `diff REV` does.
 */
function wholeDiffCommand(before: ComparedSide, after: ComparedSide): string {
  const arg = (side: ComparedSide) =>
    side.kind === 'standard input' ? '-' : shellWord(side.commit ? side.commit.slice(0, SHORT_COMMIT) : (side.path ?? side.label));
  return after.kind === 'work tree' ? `meshlog diff ${arg(before)}` : `meshlog diff ${arg(before)} ${arg(after)}`;
}

type CompiledSide = { readonly label: string; readonly compared: ComparedSide } & (
  | { readonly ir: MeshIR; readonly diagnostics: readonly Diagnostic[]; readonly identity: ElementIdentity }
  | { readonly ir?: undefined; readonly invalid: InvalidSide }
);

/**
 * The side's IR; or, for invalid config, its diagnostics (also printed to stderr) so the
 * other side is still compiled and both are reported; or the exit code when it is unreadable.
 */
async function compileSide(side: DiffSide, io: CliIo, verbose: boolean, hint: string | undefined): Promise<CompiledSide | ExitCode> {
  const { spec, name } = side;
  const input = await readInput(spec, io);
  if (!input.ok) {
    reportInputError(io, input.error, 'argument');
    if (hint && spec.kind === 'git') io.stderr(`hint: ${hint}\n`);
    return input.exit;
  }
  const label = spec.kind === 'git' ? revisionLabel(name ?? spec.rev, input.bundle.commit) : spec.kind === 'worktree' ? 'work tree' : describeInput(spec);
  const compared = comparedSide(side, label, input.bundle.commit);
  const result = compileToIr(input.bundle);
  if (!result.valid || !result.ir) {
    io.stderr(`${describeInput(spec, input.bundle.commit)} is invalid:\n`);
    io.stderr(renderDiagnostics(result.diagnostics, { verbose, pathPrefix: displayPrefix(spec) }));
    return { label, compared, invalid: { label, diagnostics: result.diagnostics, pathPrefix: displayPrefix(spec) } };
  }
  return { ir: result.ir, diagnostics: result.diagnostics, identity: elementIdentity(input.bundle.files, result.diagnostics), label, compared };
}

/** Commit ids in labels and headings: long enough to stay unique in a large repository. */
const SHORT_COMMIT = 12;

/**
 * A revision named once: `main (1a2b3c4d5e6f)`, or just `1a2b3c4d5e6f` when the revision given
 * is itself a commit id (full or abbreviated), which would otherwise appear twice. Full commit
 * ids inside the name (CI's `merge base of <sha> and <sha>`) are shortened too: a heading with
 * two 40-character hashes is unreadable.
 */
export function revisionLabel(rev: string, commit: string | null): string {
  if (!commit) return shortenCommitIds(rev);
  const short = commit.slice(0, SHORT_COMMIT);
  return /^[0-9a-f]{4,64}$/i.test(rev) && commit.startsWith(rev.toLowerCase()) ? short : `${shortenCommitIds(rev)} (${short})`;
}

/** Every full commit id (40 hex digits, or 64 in a SHA-256 repository) cut to SHORT_COMMIT. */
function shortenCommitIds(text: string): string {
  return text.replace(/\b([0-9a-f]{40}|[0-9a-f]{64})\b/gi, (id) => id.slice(0, SHORT_COMMIT));
}
