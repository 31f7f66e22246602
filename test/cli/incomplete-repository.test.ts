// A revision whose objects are not all there (a partial clone, a corrupt repository) or are
// damaged is unavailable (exit 3), never config to judge: reading it in part would report the
// files it lacks as invalid config, and `diff -o markdown` would post "config is invalid" on a
// pull request whose config is fine.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { objectReadError, type ObjectRepository } from '../../src/ingest/object-errors.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { MESH } from './mesh-fixture.ts';
import { runCli } from './run-cli.ts';

let origin: TestRepo;
let tmp: string;
const weights = (v1: number): string => MESH['routing/reviews.yaml']!.replace('weight: 90', `weight: ${v1}`).replace('weight: 10', `weight: ${100 - v1}`);
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
const looseFile = (gitdir: string, oid: string): string => path.join(gitdir, 'objects', oid.slice(0, 2), oid.slice(2));

beforeAll(() => {
  origin = createRepo();
  origin.write(MESH);
  origin.commit('one');
  origin.write({ 'routing/reviews.yaml': weights(80) });
  origin.commit('two');
  origin.write({ 'routing/reviews.yaml': weights(70) });
  origin.commit('three');
  origin.git('config', 'uploadpack.allowFilter', 'true'); // lets clones ask for a filter
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-incomplete-'));
});
afterAll(() => {
  origin.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** A copy of the origin (its objects loose, as commits left them), to damage. */
function looseCopy(name: string): string {
  const copy = path.join(tmp, name);
  fs.cpSync(origin.dir, copy, { recursive: true });
  expect(fs.readdirSync(path.join(copy, '.git', 'objects', 'pack'))).toEqual([]);
  return copy;
}

describe('a revision with missing objects', () => {
  it('in a partial clone (--filter=blob:none) is unavailable (exit 3) with how to fetch them, and fetching them as told fixes it', async () => {
    const partial = path.join(tmp, 'partial');
    git(tmp, 'clone', '-q', '--filter=blob:none', `file://${origin.dir}`, partial);
    const missing = git(partial, 'rev-parse', 'HEAD~1:routing/reviews.yaml'); // the checkout fetched only HEAD's
    const validate = await runCli(['validate', '--repo', partial, '--rev', 'HEAD~1']);
    expect(validate.code).toBe(3);
    expect(validate.stdout).toBe('');
    expect(validate.stderr).toContain(`the file routing/reviews.yaml (blob ${missing}) is not in the repository; the repository is a partial clone`);
    expect(validate.stderr).toContain('git fetch --refetch --no-filter origin');
    expect(validate.stderr).not.toContain('ML0005');
    const diff = await runCli(['diff', 'HEAD~2...HEAD', '--repo', partial, '-o', 'markdown']);
    expect(diff.code).toBe(3);
    expect(diff.stdout).toBe(''); // no "config is invalid" comment for a pull request
    expect(diff.stderr).toContain('partial clone');

    // The refetch starts a gc that merges the packs; it runs in the foreground here, so what is
    // tested is the fetched repository (a read racing that gc: test/ingest/concurrent-gc.test.ts).
    git(partial, '-c', 'gc.autoDetach=false', '-c', 'maintenance.autoDetach=false', 'fetch', '-q', '--refetch', '--no-filter', 'origin');
    expect((await runCli(['validate', '--repo', partial, '--rev', 'HEAD~1'])).code).toBe(0);
  });

  it('in a repository without a promisor remote is a corrupt repository (exit 3) naming the object', async () => {
    const copy = looseCopy('corrupt');
    const blob = git(copy, 'rev-parse', 'HEAD:routing/reviews.yaml');
    fs.rmSync(looseFile(path.join(copy, '.git'), blob));
    const res = await runCli(['validate', '--repo', copy]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`the file routing/reviews.yaml (blob ${blob}) is not in the repository; the repository looks corrupt`);
    expect(res.stderr).toContain('git fsck');
    expect(res.stderr).not.toContain('partial clone');

    // The older spelling of a partial clone, and packs marked as fetched from a promisor, count too.
    git(copy, 'config', 'extensions.partialclone', 'upstream');
    expect((await runCli(['validate', '--repo', copy])).stderr).toContain('`git fetch --refetch --no-filter upstream`');
    git(copy, 'config', '--unset', 'extensions.partialclone');
    fs.writeFileSync(path.join(copy, '.git', 'objects', 'pack', 'pack-0000.promisor'), '');
    expect((await runCli(['validate', '--repo', copy])).stderr).toContain('partial clone');
  });

  it('a missing folder (tree) is named as the folder, exit 3', async () => {
    const copy = looseCopy('no-tree');
    const tree = git(copy, 'rev-parse', 'HEAD:routing');
    fs.rmSync(looseFile(path.join(copy, '.git'), tree));
    const res = await runCli(['validate', '--repo', copy]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`the folder routing/ (tree ${tree}) is not in the repository; the repository looks corrupt`);
  });
});

describe('a damaged commit', () => {
  it("is meshlog's own message naming the object and git fsck, not isomorphic-git's internal error, exit 3", async () => {
    const copy = looseCopy('damaged');
    const head = git(copy, 'rev-parse', 'HEAD');
    const file = looseFile(path.join(copy, '.git'), head);
    fs.chmodSync(file, 0o644);
    fs.writeFileSync(file, zlib.deflateSync(Buffer.from('commit 5\0oops!'))); // well-formed, but not what hashes to its id
    const res = await runCli(['validate', '--repo', copy]);
    expect(res.code).toBe(3);
    expect(res.stderr).toBe(`Error: cannot read revision "HEAD": commit ${head} cannot be read: its stored object is damaged, so the repository looks corrupt; run \`git fsck\` in it to see what else is, and clone or fetch it again\n`);
    fs.writeFileSync(file, Buffer.from('not zlib at all'));
    const garbage = await runCli(['validate', '--repo', copy]);
    expect(garbage.code).toBe(3);
    expect(garbage.stderr).toContain(`commit ${head} cannot be read: its stored object is damaged`);
  });
});

describe('an object the operating system will not let meshlog read', () => {
  it('says what happened (exit 3), not that the repository is corrupt', async () => {
    // Tests run as root, where a chmod denies nothing: a folder in the object's place makes the
    // read fail with a system error (EISDIR) just as a permission or I/O error would.
    const copy = looseCopy('unreadable-object');
    const blob = git(copy, 'rev-parse', 'HEAD:routing/reviews.yaml');
    const file = looseFile(path.join(copy, '.git'), blob);
    fs.rmSync(file, { force: true });
    fs.mkdirSync(file);
    const res = await runCli(['validate', '--repo', copy]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(new RegExp(`^Error: cannot read revision "HEAD" \\(\\w+\\): cannot read the file routing/reviews\\.yaml \\(blob ${blob}\\): EISDIR`));
    expect(res.stderr).not.toContain('damaged');
    expect(res.stderr).not.toContain('git fsck');
  });

  it('names a permission error as one, with the file it could not open', () => {
    const denied = Object.assign(new Error("EACCES: permission denied, open '/repo/.git/objects/pack/p.pack'"), { code: 'EACCES', path: '/repo/.git/objects/pack/p.pack' });
    const unchanged = { loose: { packsGoneSinceOpen: () => false } } as unknown as ObjectRepository;
    expect(objectReadError(unchanged, denied, 'commit 1a2b').message).toBe('cannot read commit 1a2b: permission denied (/repo/.git/objects/pack/p.pack)');
  });
});
