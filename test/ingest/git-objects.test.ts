// The native blob reader against git itself: every blob of a real repository, loose, packed
// with offset deltas (git gc --aggressive: long chains of near-copies) and packed with
// reference deltas, must read back byte for byte as `git cat-file blob` prints it.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GitObjects } from '../../src/ingest/git-objects.ts';
import { PACK_TYPE, applyDelta, entryEnd, loadPackIndexes, parseEntryHeader, sortedOffsets } from '../../src/ingest/git-pack.ts';
import { LooseObjects } from '../../src/ingest/git-read-fs.ts';
import { readGit } from '../../src/ingest/read-git.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';

function serviceYaml(i: number, weight: number): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: svc-${i}, namespace: shop}
spec:
  hosts: [svc-${i}.shop.svc.cluster.local]
  http:
  - route:
    - {destination: {host: svc-${i}, subset: v1}, weight: ${weight}}
    - {destination: {host: svc-${i}, subset: v2}, weight: ${100 - weight}}
`;
}

describe('GitObjects (native blob reads)', () => {
  let repo: TestRepo;
  let gitdir: string;

  beforeAll(() => {
    repo = createRepo();
    const files: Record<string, string | Uint8Array> = {};
    for (let i = 0; i < 200; i++) files[`services/svc-${i}.yaml`] = serviceYaml(i, 90);
    // Over 64 KiB, with a change deep inside: delta copies with multi-byte offsets and sizes.
    const big = Array.from({ length: 6000 }, (_, k) => `line ${k}: ${'x'.repeat(k % 37)}`).join('\n');
    files['big.yaml'] = `${big}\n`;
    files['binary.bin'] = Uint8Array.from({ length: 3000 }, (_, k) => (k * 7919) % 256);
    // Like nothing else in the repository: stored whole, never as a delta.
    files['unique.yaml'] = `data: ${Array.from({ length: 1500 }, (_, k) => ((k * 2654435761) >>> 24).toString(16).padStart(2, '0')).join('')}\n`;
    repo.write(files);
    repo.commit('one');
    const next: Record<string, string> = { 'big.yaml': `${big.replace('line 4000:', 'line 4000 changed:')}\n` };
    for (let i = 0; i < 200; i += 3) next[`services/svc-${i}.yaml`] = serviceYaml(i, 50);
    repo.write(next);
    repo.commit('two');
    gitdir = path.join(repo.dir, '.git');
  });
  afterAll(() => repo.cleanup());

  const blobIds = (): string[] => {
    const listed = repo.git('rev-list', '--objects', '--all').split('\n').map((l) => l.split(' ')[0]!);
    const types = execFileSync('git', ['cat-file', '--batch-check=%(objectname) %(objecttype)'], { cwd: repo.dir, input: listed.join('\n'), encoding: 'utf8' });
    return types.trim().split('\n').filter((l) => l.endsWith(' blob')).map((l) => l.split(' ')[0]!);
  };
  const gitBlob = (oid: string): Buffer => execFileSync('git', ['cat-file', 'blob', oid], { cwd: repo.dir, maxBuffer: 1 << 26 });

  async function expectAllBlobsRead(stage: string): Promise<void> {
    const objects = new GitObjects(new LooseObjects(gitdir));
    try {
      const ids = blobIds();
      expect(ids.length, stage).toBeGreaterThan(250);
      for (const oid of ids) {
        const got = await objects.readBlob(oid);
        expect(got, `${stage} ${oid}`).toBeDefined();
        expect(Buffer.compare(got!, gitBlob(oid)), `${stage} ${oid}`).toBe(0);
        expect(await objects.size(oid), `${stage} ${oid}`).toBe(got!.length);
      }
      // Trees too: every entry as `git ls-tree` lists it (modes as isomorphic-git spells them).
      for (const rev of ['HEAD^{tree}', 'HEAD:services', 'HEAD~1^{tree}']) {
        const oid = repo.git('rev-parse', rev);
        const listed = repo.git('ls-tree', oid).split('\n').map((l) => {
          const [mode, , id, name] = l.split(/\s+/);
          return { mode: mode === '40000' ? '040000' : mode!, path: name!, oid: id! };
        });
        expect(await objects.readTree(oid), `${stage} ${rev}`).toEqual(listed);
      }
    } finally {
      await objects.close();
    }
  }

  /** Entry types in the repository's packs, by our own header parser. */
  async function packEntryTypes(): Promise<Set<number>> {
    const types = new Set<number>();
    for (const index of await loadPackIndexes(gitdir)) {
      const pack = fs.readFileSync(index.packFile);
      const sorted = sortedOffsets(index);
      for (const offset of sorted) {
        const header = parseEntryHeader(pack.subarray(offset, entryEnd(sorted, offset, pack.length)), offset);
        if (header) types.add(header.type);
      }
    }
    return types;
  }

  it('reads every blob as git does: loose objects', async () => {
    expect(fs.readdirSync(path.join(gitdir, 'objects', 'pack')).filter((n) => n.endsWith('.pack'))).toEqual([]);
    await expectAllBlobsRead('loose');
  });

  it('reads every blob as git does: packed with offset deltas (long chains)', async () => {
    repo.git('gc', '-q', '--aggressive');
    const verify = repo.git('verify-pack', '-v', ...fs.readdirSync(path.join(gitdir, 'objects', 'pack')).filter((n) => n.endsWith('.idx')).map((n) => path.join(gitdir, 'objects', 'pack', n)));
    expect(verify).toMatch(/chain length = [5-9]\d*: /); // deltas on deltas on deltas
    expect((await packEntryTypes()).has(PACK_TYPE.ofsDelta)).toBe(true);
    await expectAllBlobsRead('ofs-delta');
  });

  it('reads every blob as git does: packed with reference deltas', async () => {
    repo.git('-c', 'repack.useDeltaBaseOffset=false', 'repack', '-a', '-d', '-f', '-q');
    const types = await packEntryTypes();
    expect(types.has(PACK_TYPE.refDelta)).toBe(true);
    expect(types.has(PACK_TYPE.ofsDelta)).toBe(false);
    await expectAllBlobsRead('ref-delta');
  });

  it('answers undefined for what is not a blob here: a tree, a commit, an unknown id', async () => {
    const objects = new GitObjects(new LooseObjects(gitdir));
    try {
      expect(await objects.readBlob(repo.git('rev-parse', 'HEAD'))).toBeUndefined();
      expect(await objects.readBlob(repo.git('rev-parse', 'HEAD^{tree}'))).toBeUndefined();
      expect(await objects.readBlob('0123456789abcdef0123456789abcdef01234567')).toBeUndefined();
    } finally {
      await objects.close();
    }
  });

  it('a delta whose copy op is cut short is refused, never filled with whatever comes next', () => {
    const base = Buffer.from('0123456789');
    // base size 10, result size 4, then a copy op announcing an offset byte and a size byte.
    expect(applyDelta(base, Uint8Array.from([10, 4, 0x91, 2, 4])).toString()).toBe('2345');
    expect(() => applyDelta(base, Uint8Array.from([10, 4, 0x91, 2]))).toThrow(/truncated/);
    expect(() => applyDelta(base, Uint8Array.from([10, 4, 0x91]))).toThrow(/truncated/);
    expect(() => applyDelta(base, Uint8Array.from([9, 4, 0x91, 2, 4]))).toThrow(/base size/);
  });

  it('an unreadable pack index (a folder named *.idx) is passed over, not fatal', async () => {
    const copy = repo.bareClone();
    fs.mkdirSync(path.join(copy, 'objects', 'pack', 'zz.idx'), { recursive: true });
    const res = await readGit({ repo: copy, rev: 'HEAD' });
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.length).toBeGreaterThan(200);
    expect(res.bundle.diagnostics).toEqual([]);
  });

  it('content that does not hash to its id is declined, even when it inflates cleanly', async () => {
    const copy = repo.bareClone(); // loose objects: a clone of a local repository may keep a pack
    const oid = execFileSync('git', ['rev-parse', 'HEAD:services/svc-1.yaml'], { cwd: copy, encoding: 'utf8' }).trim();
    const content = execFileSync('git', ['cat-file', 'blob', oid], { cwd: copy });
    const forged = Buffer.from(content.toString('latin1').replace('svc-1', 'svc-X'), 'latin1');
    expect(forged.length).toBe(content.length);
    const looseFile = path.join(copy, 'objects', oid.slice(0, 2), oid.slice(2));
    fs.mkdirSync(path.dirname(looseFile), { recursive: true });
    fs.rmSync(looseFile, { force: true });
    fs.writeFileSync(looseFile, zlib.deflateSync(Buffer.concat([Buffer.from(`blob ${forged.length}\0`), forged])));
    const objects = new GitObjects(new LooseObjects(copy));
    try {
      expect(await objects.size(oid)).toBe(content.length); // the header alone looks fine
      expect(await objects.readBlob(oid)).toBeUndefined();
    } finally {
      await objects.close();
    }
  });

  it('a loose object holding more than its header states is declined', async () => {
    const copy = repo.bareClone();
    const oid = execFileSync('git', ['rev-parse', 'HEAD:services/svc-2.yaml'], { cwd: copy, encoding: 'utf8' }).trim();
    const looseFile = path.join(copy, 'objects', oid.slice(0, 2), oid.slice(2));
    fs.mkdirSync(path.dirname(looseFile), { recursive: true });
    fs.rmSync(looseFile, { force: true });
    fs.writeFileSync(looseFile, zlib.deflateSync(Buffer.concat([Buffer.from('blob 10\0'), Buffer.alloc(1 << 20, 0x61)])));
    const objects = new GitObjects(new LooseObjects(copy));
    try {
      expect(await objects.size(oid)).toBe(10);
      expect(await objects.readBlob(oid, 10)).toBeUndefined();
      expect(await objects.readBlob(oid)).toBeUndefined();
    } finally {
      await objects.close();
    }
  });

  it('random damage to a pack never yields wrong content: each blob reads as git has it, or not at all', async () => {
    const copy = repo.bareClone();
    execFileSync('git', ['repack', '-a', '-d', '-f', '-q', '--depth=20'], { cwd: copy });
    const [index] = await loadPackIndexes(copy);
    const good = fs.readFileSync(index!.packFile);
    const ids = blobIds();
    const truth = new Map(ids.map((oid) => [oid, gitBlob(oid)]));
    fs.chmodSync(index!.packFile, 0o644);
    let seed = 20261206; // deterministic: the same damage on every run
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let declined = 0;
    for (let round = 0; round < 25; round++) {
      const pack = Buffer.from(good);
      // A few bytes anywhere past the pack header: entry headers, delta data, compressed data.
      for (let k = 0; k < 3; k++) pack[12 + random(pack.length - 32)]! ^= 1 + random(255);
      fs.writeFileSync(index!.packFile, pack);
      const objects = new GitObjects(new LooseObjects(copy));
      try {
        for (const oid of ids) {
          const got = await objects.readBlob(oid);
          if (got === undefined) declined++;
          else expect(Buffer.compare(got, truth.get(oid)!), `round ${round} ${oid}`).toBe(0);
        }
      } finally {
        await objects.close();
      }
    }
    expect(declined).toBeGreaterThan(0); // the damage did reach objects
  });

  it('a damaged pack entry is never read as content: the reader declines, and the revision is refused', async () => {
    const copy = repo.bareClone();
    execFileSync('git', ['repack', '-a', '-d', '-q'], { cwd: copy });
    const oid = execFileSync('git', ['rev-parse', 'HEAD:unique.yaml'], { cwd: copy, encoding: 'utf8' }).trim();
    const [index] = await loadPackIndexes(copy);
    const pack = fs.readFileSync(index!.packFile);
    const sorted = sortedOffsets(index!);
    // Find unique.yaml's entry (stored whole) and flip a byte of its compressed data.
    let damaged = false;
    for (const offset of sorted) {
      const end = entryEnd(sorted, offset, pack.length);
      const header = parseEntryHeader(pack.subarray(offset, end), offset);
      if (header?.type === PACK_TYPE.blob && header.size === 3007) {
        pack[offset + header.dataStart + 20]! ^= 0xff;
        damaged = true;
      }
    }
    expect(damaged).toBe(true);
    fs.chmodSync(index!.packFile, 0o644);
    fs.writeFileSync(index!.packFile, pack);
    const objects = new GitObjects(new LooseObjects(copy));
    try {
      expect(await objects.readBlob(oid)).toBeUndefined(); // zlib's checksum catches it
    } finally {
      await objects.close();
    }
    // isomorphic-git, asked next, checks the whole pack: the revision is refused, with the reason.
    const res = await readGit({ repo: copy, rev: 'HEAD' });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error.message).toMatch(/corrupt/i);
  });
});
