// Repositories that borrow objects from others through `objects/info/alternates`: clones made
// with `git clone --shared` or `--reference` (Jenkins' and GitLab runners' reference caches).
// git reads them as if the objects were their own; so must meshlog, loose and packed.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unquoteC } from '../../src/ingest/git-alternates.ts';
import { GitObjects } from '../../src/ingest/git-objects.ts';
import { LooseObjects } from '../../src/ingest/git-read-fs.ts';
import { readGit } from '../../src/ingest/read-git.ts';
import { MESH } from '../cli/mesh-fixture.ts';
import { runCli } from '../cli/run-cli.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

let origin: TestRepo;
let tmp: string;
let first: string;

const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
/** `path weight-of-v2` for each file the revision holds (the weight tells the commits apart). */
const files = async (repo: string, rev = 'HEAD'): Promise<string[]> => {
  const res = await readGit({ repo, rev });
  if (!res.ok) throw new Error(res.error.message);
  expect(res.bundle.diagnostics).toEqual([]);
  return res.bundle.files.map((f) => `${f.path} ${/weight: (\d+)\n$/.exec(Buffer.from(f.bytes).toString())?.[1] ?? '-'}`);
};
const V1 = ['routing/reviews.yaml 10', 'services/reviews.yaml -'];
const V2 = ['routing/reviews.yaml 50', 'services/reviews.yaml -'];
const alternatesOf = (gitdir: string): string => path.join(gitdir, 'objects', 'info', 'alternates');

beforeAll(() => {
  origin = createRepo();
  origin.write(MESH);
  first = origin.commit('one');
  origin.write({ 'routing/reviews.yaml': MESH['routing/reviews.yaml']!.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50') });
  origin.commit('two');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-alternates-'));
});
afterAll(() => {
  origin.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('alternates (objects borrowed from another repository)', () => {
  it('reads a `git clone --shared` clone, with the lender\'s objects loose and then packed', async () => {
    const shared = path.join(tmp, 'shared');
    git(tmp, 'clone', '-q', '--shared', origin.dir, shared);
    expect(fs.readdirSync(path.join(shared, '.git', 'objects')).filter((n) => /^[0-9a-f]{2}$/.test(n))).toEqual([]); // nothing of its own
    expect(await files(shared)).toEqual(V2);
    git(origin.dir, 'gc', '-q');
    expect(fs.readdirSync(path.join(origin.dir, '.git', 'objects', 'pack')).some((n) => n.endsWith('.pack'))).toBe(true);
    expect(await files(shared, first.slice(0, 10))).toEqual(V1);
    // The native reader finds them itself (isomorphic-git, its fallback, is many times slower).
    const objects = new GitObjects(new LooseObjects(path.join(shared, '.git')));
    try {
      const blob = git(shared, 'rev-parse', 'HEAD:routing/reviews.yaml');
      expect((await objects.readBlob(blob))?.toString()).toBe(git(shared, 'cat-file', 'blob', blob) + '\n');
    } finally {
      await objects.close();
    }
  });

  it('reads a `--reference` clone whose own commits sit on top of the borrowed ones, through the CLI too', async () => {
    const cache = path.join(tmp, 'cache.git');
    git(tmp, 'clone', '-q', '--bare', origin.dir, cache);
    const ref = path.join(tmp, 'ref');
    git(tmp, 'clone', '-q', '--reference', cache, `file://${origin.dir}`, ref);
    fs.writeFileSync(path.join(ref, 'routing', 'reviews.yaml'), MESH['routing/reviews.yaml']!.replace('weight: 90', 'weight: 70').replace('weight: 10', 'weight: 30'));
    git(ref, '-c', 'user.name=t', '-c', 'user.email=t@t', 'commit', '-q', '-am', 'own');
    expect(await files(ref)).toEqual(['routing/reviews.yaml 30', 'services/reviews.yaml -']);
    const diff = await runCli(['diff', 'HEAD~2...HEAD', '--repo', ref]);
    expect(diff.stderr).toBe('');
    expect(diff.code).toBe(0);
    expect(diff.stdout).toMatch(/v1 90→70, v2 10→30/);
  });

  it('follows a relative alternates path (relative to the objects folder) and chains of alternates', async () => {
    const middle = path.join(tmp, 'middle.git');
    git(tmp, 'clone', '-q', '--bare', '--shared', origin.dir, middle);
    fs.writeFileSync(alternatesOf(middle), `# a comment line\n${path.relative(path.join(middle, 'objects'), path.join(origin.dir, '.git', 'objects'))}\n`);
    const last = path.join(tmp, 'last.git');
    git(tmp, 'clone', '-q', '--bare', '--shared', middle, last);
    expect(fs.readFileSync(alternatesOf(last), 'utf8').trim()).toBe(path.join(middle, 'objects'));
    expect(await files(last)).toEqual(V2); // last → middle → origin
  });

  it('ends on a cycle of alternates, and a store listed twice counts once', async () => {
    const a = path.join(tmp, 'cycle-a.git');
    const b = path.join(tmp, 'cycle-b.git');
    git(tmp, 'clone', '-q', '--bare', '--shared', origin.dir, a);
    git(tmp, 'clone', '-q', '--bare', '--shared', a, b);
    const aObjects = path.join(a, 'objects');
    fs.writeFileSync(alternatesOf(a), `${path.join(b, 'objects')}\n${path.join(origin.dir, '.git', 'objects')}\n${aObjects}\n`);
    expect(await files(b)).toEqual(V2);
    expect(await files(a)).toEqual(V2);
  });

  it('a lender that is gone is named: its objects are missing (exit 3), not a corrupt config', async () => {
    const lender = path.join(tmp, 'lender.git');
    git(tmp, 'clone', '-q', '--bare', origin.dir, lender);
    const borrower = path.join(tmp, 'borrower');
    git(tmp, 'clone', '-q', '--shared', lender, borrower);
    fs.rmSync(lender, { recursive: true, force: true });
    const res = await runCli(['validate', '--repo', borrower]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`the object store ${path.join(lender, 'objects')}, which the repository borrows objects from (objects/info/alternates), does not exist`);
  });

  it('unquotes C-quoted alternates lines as git writes them', () => {
    expect(unquoteC('"/srv/caches/r\\303\\251po\\tx/objects"')).toBe('/srv/caches/rÉpo\tx/objects'.replace('É', 'é'));
    expect(unquoteC('"unterminated')).toBeUndefined();
  });
});
