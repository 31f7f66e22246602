// git rewrites a repository's object store under its readers: a `git gc` (run in the
// background after commits and fetches) packs loose objects and deletes them, and merges
// packs. A read that listed the store before that must find the objects where they went,
// not report them missing (src/ingest/fresh-read.ts). To make the interleaving certain, the
// first openRepo of a read is handed a repository whose listings were taken before a real
// `git gc` ran; the read itself and the gc are real.
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import * as gitReadFs from '../../src/ingest/git-read-fs.ts';
import { findGitDir } from '../../src/ingest/git-dir.ts';
import { findMergeBase } from '../../src/ingest/merge-base.ts';
import { readGit, readRevision } from '../../src/ingest/read-git.ts';
import { readWorkTree } from '../../src/ingest/read-work-tree.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

vi.mock('../../src/ingest/git-read-fs.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/ingest/git-read-fs.ts')>();
  return { ...actual, openRepo: vi.fn(actual.openRepo) };
});
const openRepo = vi.mocked(gitReadFs.openRepo);
const { openRepo: realOpenRepo } = await vi.importActual<typeof gitReadFs>('../../src/ingest/git-read-fs.ts');

const VS = (weight: number): string => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews }
spec:
  hosts: [reviews]
  http:
    - route:
        - { destination: { host: reviews, subset: v1 }, weight: ${weight} }
        - { destination: { host: reviews, subset: v2 }, weight: ${100 - weight} }
`;

let repo: TestRepo;
beforeEach(() => {
  repo = createRepo();
  repo.write({ 'reviews.yaml': VS(90) });
  repo.commit('one');
  repo.write({ 'reviews.yaml': VS(50), 'ratings.yaml': VS(70).replaceAll('reviews', 'ratings') });
  repo.commit('two');
});
afterEach(() => {
  repo.cleanup();
  openRepo.mockClear();
});

/** A read of `repo` whose listings of loose objects and packs were taken, and then a gc ran. */
async function staleRead(): Promise<gitReadFs.GitRepo> {
  const found = await findGitDir(repo.dir);
  if (!found.ok) throw new Error(found.error.message);
  const stale = realOpenRepo(found);
  const blob = repo.git('rev-parse', 'HEAD:reviews.yaml');
  expect(await stale.loose.has(blob)).toBe(true); // loose, as the commit left it: listed so
  await stale.fs.promises.readdir(path.join(found.gitdir, 'objects', 'pack')); // no pack yet: listed so
  repo.git('gc', '--quiet', '--prune=now'); // everything packed, the loose files deleted
  expect(await realOpenRepo(found).loose.has(blob)).toBe(false);
  return stale;
}

/**
 * A read of `repo` whose listing of packs was taken, and then a gc replaced the pack it listed
 * with a new one (the repository had a commit since): the listed pack is deleted under the read.
 */
async function readWithPackReplaced(): Promise<gitReadFs.GitRepo> {
  repo.git('gc', '--quiet', '--prune=now');
  const found = await findGitDir(repo.dir);
  if (!found.ok) throw new Error(found.error.message);
  const stale = realOpenRepo(found);
  const packDir = path.join(found.gitdir, 'objects', 'pack');
  const before = await stale.fs.promises.readdir(packDir); // listed so, as isomorphic-git reads it
  repo.write({ 'extra.yaml': VS(30).replaceAll('reviews', 'extra') });
  repo.commit('three');
  repo.git('gc', '--quiet', '--prune=now');
  expect(before.filter((name: string) => fs.existsSync(path.join(packDir, name)))).toEqual([]); // all replaced
  return stale;
}

describe('a gc that rewrites the object store while meshlog reads it', () => {
  it('makes a read from the old listings miss objects that are in the new pack', async () => {
    const res = await readRevision(await staleRead(), { repo: repo.dir, rev: 'HEAD' });
    expect(res.ok).toBe(false);
    expect(!res.ok && res.error.kind).toBe('missing-object');
  });

  it('does not fail a revision read: it is read again from fresh listings', async () => {
    openRepo.mockReturnValueOnce(await staleRead());
    const res = await readGit({ repo: repo.dir, rev: 'HEAD' });
    expect(res.ok && res.bundle.files.map((f) => f.path)).toEqual(['ratings.yaml', 'reviews.yaml']);
    expect(res.ok && new TextDecoder().decode(res.bundle.files[1]!.bytes)).toContain('weight: 50');
    expect(openRepo).toHaveBeenCalledTimes(2);
  });

  it('does not fail a revision read whose listed pack was replaced by a new one', async () => {
    const stale = await readWithPackReplaced();
    const first = await readRevision(stale, { repo: repo.dir, rev: 'HEAD~1' });
    // isomorphic-git trips over the deleted pack with a read error, not "not found".
    expect(!first.ok && first.error).toMatchObject({ kind: 'unreadable', objectsMoved: true });

    repo.git('reset', '-q', '--hard', 'HEAD~1');
    openRepo.mockReturnValueOnce(await readWithPackReplaced());
    const res = await readGit({ repo: repo.dir, rev: 'HEAD~1' }); // commit two, read from the replaced pack
    expect(res.ok && res.bundle.files.map((f) => f.path)).toEqual(['ratings.yaml', 'reviews.yaml']);
    expect(openRepo).toHaveBeenCalledTimes(2);
  });

  it('does not fail a merge base', async () => {
    openRepo.mockReturnValueOnce(await staleRead());
    const res = await findMergeBase(repo.dir, 'HEAD~1', 'HEAD');
    expect(res).toEqual({ ok: true, oid: repo.git('rev-parse', 'HEAD~1') });
  });

  it('does not fail a work-tree read of files a sparse checkout keeps only in the index', async () => {
    repo.write({ 'keep/README.md': 'kept on disk\n' });
    repo.commit('three');
    repo.git('sparse-checkout', 'set', '--no-cone', '/keep/'); // reviews.yaml and ratings.yaml leave the disk
    expect(fs.existsSync(path.join(repo.dir, 'reviews.yaml'))).toBe(false);
    openRepo.mockReturnValueOnce(await staleRead());
    const res = await readWorkTree({ repo: repo.dir });
    expect(res.ok && res.bundle.files.map((f) => f.path)).toEqual(['ratings.yaml', 'reviews.yaml']);
  });

  it('still reports an object that is missing from every listing, after a bounded number of reads', async () => {
    const blob = repo.git('rev-parse', 'HEAD:reviews.yaml');
    fs.rmSync(path.join(repo.dir, '.git', 'objects', blob.slice(0, 2), blob.slice(2))); // a corrupt repository: no read mends it
    const res = await readGit({ repo: repo.dir, rev: 'HEAD' });
    expect(!res.ok && res.error.message).toContain(`the file reviews.yaml (blob ${blob}) is not in the repository`);
    expect(openRepo).toHaveBeenCalledTimes(3);
  });

  it('reads once what no gc can cause: a branch name the repository does not have', async () => {
    const res = await readGit({ repo: repo.dir, rev: 'no-such-branch' });
    expect(!res.ok && res.error.kind).toBe('unknown-revision');
    expect(openRepo).toHaveBeenCalledTimes(1);
  });
});
