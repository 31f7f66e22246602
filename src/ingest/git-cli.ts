// Running the git command, for the one thing meshlog does not reimplement: git's view of a
// work tree (which files it tracks, which it ignores — .gitignore files, info/exclude,
// core.excludesFile —, which a sparse checkout leaves off the disk). Revisions are still read
// from git objects (read-git.ts), with no git command needed.
import { spawn } from 'node:child_process';
import { ingestError, type IngestError } from './ingest-error.ts';

export type GitOutput =
  | { readonly ok: true; readonly stdout: Buffer }
  /** `said`: git's own message, when it ran and failed. */
  | { readonly ok: false; readonly error: IngestError; readonly said?: string };

// Variables that make git read another repository or index than the one at `dir` (a hook or
// a script may have set them). The path alone names the repository, as for revisions.
const REPOSITORY_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_PREFIX'];

/** `git -C dir ...args`: its stdout, or why it could not run or failed (with git's own words). */
export function runGit(dir: string, args: readonly string[]): Promise<GitOutput> {
  const env = { ...process.env };
  for (const name of REPOSITORY_VARIABLES) delete env[name];
  return new Promise((resolve) => {
    const child = spawn('git', ['-C', dir, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => {
      resolve(ingestError('git-unavailable', `reading the work tree needs the git command, which could not be run (${err.message}): install git, or compare two revisions or folders instead`));
    });
    child.on('close', (code) => {
      if (code === 0) return resolve({ ok: true, stdout: Buffer.concat(stdout) });
      const said = Buffer.concat(stderr).toString('utf8').trim().replace(/^(fatal|error): /, '') || `exit code ${code}`;
      resolve({ ...ingestError('unreadable', `git ${args.join(' ')} failed: ${said}`), said });
    });
  });
}

/** NUL-separated records (git's `-z` output), without the empty one after the last NUL. */
export function nulRecords(stdout: Buffer): string[] {
  const records = stdout.toString('utf8').split('\0');
  if (records.at(-1) === '') records.pop();
  return records;
}
