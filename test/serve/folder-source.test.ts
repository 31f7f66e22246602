import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { writeMesh } from '../../bench/compile/generate.ts';
import { ChildFolderCompiler } from '../../src/serve/folder-compiler.ts';
import { FolderSnapshotSource } from '../../src/serve/folder-source.ts';
import { silentLogger, type Logger } from '../../src/serve/logger.ts';
import type { ActiveSnapshot } from '../../src/serve/snapshot-source.ts';
import { gitSyncLayout, reviewsWithSplit } from '../support/git-sync-layout.ts';
import { fakeEnvoy } from '../verify/fixtures.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
const dirs: string[] = [];
const sources: FolderSnapshotSource[] = [];

afterEach(async () => {
  for (const s of sources.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function copyTemplate(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-folder-'));
  dirs.push(dir);
  fs.cpSync(TEMPLATE, dir, { recursive: true });
  return dir;
}

function nextActivation(source: FolderSnapshotSource, timeoutMs = 10_000): Promise<ActiveSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no activation')), timeoutMs);
    const off = source.subscribe((a) => {
      clearTimeout(timer);
      off();
      resolve(a);
    });
  });
}

/** The content hash `folder` compiles to now, compiled in this thread. */
async function hashOf(folder: string): Promise<string> {
  const read = await readFolder(folder);
  if (!read.ok) throw new Error(read.error.message);
  return compile(read.bundle).snapshot!.contentHash;
}

/** A source over `folder` (quick debounce, generations from 1), started; its first compile must succeed. */
async function started(folder: string): Promise<FolderSnapshotSource> {
  const source = new FolderSnapshotSource({ folder, logger: silentLogger, debounceMs: 50, initialGeneration: 1 });
  sources.push(source);
  expect((await source.start()).ok).toBe(true);
  return source;
}

describe('FolderSnapshotSource', () => {
  it('compiles at start, activates valid changes and keeps the last good snapshot on invalid ones', async () => {
    const dir = copyTemplate();
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (msg) => errors.push(msg) };
    const source = new FolderSnapshotSource({ folder: dir, logger, debounceMs: 50, initialGeneration: 100 });
    sources.push(source);
    const first = await source.start();
    expect(first.ok).toBe(true);
    expect(source.current()?.generation).toBe(100);
    const firstHash = source.current()!.snapshot.contentHash;

    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');
    const activated = nextActivation(source);
    fs.writeFileSync(reviews, text.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50'));
    const second = await activated;
    expect(second.generation).toBe(101);
    expect(second.snapshot.contentHash).not.toBe(firstHash);

    fs.writeFileSync(reviews, text.replace('weight: 90', 'weight: -5'));
    await new Promise((r) => setTimeout(r, 600));
    const attempt = await source.reload();
    expect(attempt.ok).toBe(false);
    expect(errors.some((e) => e.includes('invalid'))).toBe(true);
    expect(source.current()).toBe(second);
  });

  it('does not serve a read that a file change overlapped: the next compile reads the settled folder', async () => {
    const dir = copyTemplate();
    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');
    const split = (v1: number) => reviewsWithSplit(text, v1);
    // The content hash each version compiles to, from a copy of the folder.
    const hashOf = async (content: string): Promise<string> => {
      const copy = copyTemplate();
      fs.writeFileSync(path.join(copy, 'routing/reviews.yaml'), content);
      const read = await readFolder(copy);
      if (!read.ok) throw new Error(read.error.message);
      return compile(read.bundle).snapshot!.contentHash;
    };
    let armed = false;
    // The real compiler, and an editor that writes again before the read's result is in (as
    // during a slow compile or Envoy check): the 50/50 read is overtaken by a 30/70 write.
    const real = new ChildFolderCompiler();
    const source = new FolderSnapshotSource({
      folder: dir,
      logger: silentLogger,
      debounceMs: 50,
      initialGeneration: 100,
      compiler: {
        compile: async (folder, signal, envoyCheck) => {
          const result = await real.compile(folder, signal, envoyCheck);
          if (armed) {
            armed = false;
            fs.writeFileSync(reviews, split(30));
            await new Promise((r) => setTimeout(r, 100));
          }
          return result;
        },
        close: () => real.close(),
      },
    });
    sources.push(source);
    await source.start();
    const activated: string[] = [];
    source.subscribe((a) => activated.push(a.snapshot.contentHash));
    armed = true;
    fs.writeFileSync(reviews, split(50));
    const settled = await hashOf(split(30));
    for (let waited = 0; source.current()?.snapshot.contentHash !== settled && waited < 10_000; waited += 50) {
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(source.current()?.snapshot.contentHash).toBe(settled);
    expect(activated).toEqual([settled]); // the overtaken 50/50 read was never served
    expect(armed).toBe(false); // the overlap did happen
    expect(settled).not.toBe(await hashOf(split(50)));
  });

  it('a change during the pre-serve Envoy check ends that check and serves the newer content', async () => {
    // An Envoy whose check takes a minute while `slow` exists (as a 10,000-service view does):
    // a read that a change overtook is not worth its check.
    const dir = copyTemplate();
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-slow-check-'));
    dirs.push(bin);
    const envoyPath = fakeEnvoy(
      bin,
      `case "$1" in --version) echo "envoy  version: 0123abcd/1.40.0/Clean/RELEASE/BoringSSL";; *) if [ -e ${bin}/slow ]; then echo $$ > ${bin}/pid.tmp; mv ${bin}/pid.tmp ${bin}/pid; exec sleep 60; fi;; esac`,
    );
    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');
    const source = new FolderSnapshotSource({ folder: dir, logger: silentLogger, debounceMs: 50, initialGeneration: 1, envoyPath });
    sources.push(source);
    expect((await source.start()).ok).toBe(true);

    fs.writeFileSync(path.join(bin, 'slow'), '');
    fs.writeFileSync(reviews, reviewsWithSplit(text, 50));
    const pidFile = path.join(bin, 'pid');
    for (let waited = 0; !fs.existsSync(pidFile) && waited < 20_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
    const slowCheck = Number(fs.readFileSync(pidFile, 'utf8')); // written whole: by a rename
    expect(slowCheck).toBeGreaterThan(0);

    fs.rmSync(path.join(bin, 'slow'));
    const activated = nextActivation(source, 20_000);
    fs.writeFileSync(reviews, reviewsWithSplit(text, 30));
    const active = await activated;
    expect(active.snapshot.contentHash).toBe(await hashOf(dir));
    expect(fs.existsSync(`/proc/${slowCheck}`)).toBe(false); // ended and reaped
  }, 60_000);

  it('starts unready (no snapshot) when the folder is invalid from the start', async () => {
    const dir = copyTemplate();
    fs.writeFileSync(path.join(dir, 'routing/broken.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {http: 12}\n');
    const errors: string[] = [];
    const source = new FolderSnapshotSource({ folder: dir, logger: { ...silentLogger, error: (msg) => errors.push(msg) } });
    sources.push(source);
    expect((await source.start()).ok).toBe(false);
    expect(source.current()).toBeUndefined();
    // There is no previous snapshot to keep: the log says what proxies get.
    expect(errors).toEqual(['config is invalid and not served; nothing is served yet']);
  });

  it('sees every edit of a file an editor saved by renaming a new copy over it, and later in-place writes to it', async () => {
    // vim, `sed -i` and many IDEs save this way; with a recursive fs.watch the replaced file's
    // later edits raised no event, and serve kept the stale config without a word.
    const dir = copyTemplate();
    const source = await started(dir);
    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');
    const split = (v1: number) => reviewsWithSplit(text, v1);
    const weightsOf = (a: ActiveSnapshot) => JSON.stringify([...a.snapshot.resources.values()].filter((r) => r.type === 'rds').map((r) => r.hash).sort());

    const hashes = new Set<string>([weightsOf(source.current()!)]);
    for (const [i, v1] of [70, 60, 40].entries()) {
      const activated = nextActivation(source);
      if (i === 0) {
        const tmp = path.join(dir, 'routing', '.reviews.yaml.swp');
        fs.writeFileSync(tmp, split(v1));
        fs.renameSync(tmp, reviews); // replaces the file (a new inode)
      } else {
        fs.writeFileSync(reviews, split(v1)); // in place, into the replacement
      }
      const next = await activated;
      expect(next.generation).toBe(i + 2);
      hashes.add(weightsOf(next));
    }
    expect(hashes.size).toBe(4); // every edit was compiled and served
  });

  it('watches folders created after it started, and stops watching removed ones', async () => {
    const dir = copyTemplate();
    const source = await started(dir);
    const reviews = path.join(dir, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews, 'utf8');

    // A new folder, then a file in it: the VirtualService moves there.
    const moved = path.join(dir, 'teams/reviews-team');
    let activated = nextActivation(source);
    fs.mkdirSync(moved, { recursive: true });
    fs.writeFileSync(path.join(moved, 'reviews.yaml'), text.replace('weight: 90', 'weight: 80').replace('weight: 10', 'weight: 20'));
    fs.rmSync(reviews);
    const first = await activated;
    expect(first.generation).toBe(2);

    // An edit inside the new folder is seen too.
    activated = nextActivation(source);
    fs.writeFileSync(path.join(moved, 'reviews.yaml'), text.replace('weight: 90', 'weight: 30').replace('weight: 10', 'weight: 70'));
    const second = await activated;
    expect(second.generation).toBe(3);
    expect(second.snapshot.contentHash).not.toBe(first.snapshot.contentHash);

    // Removing the folder is a change (the routes fall back to the defaults).
    activated = nextActivation(source);
    fs.rmSync(path.join(dir, 'teams'), { recursive: true });
    expect((await activated).generation).toBe(4);
  });
  it('follows a config folder replaced under its name: deleted and made again, or renamed over', async () => {
    const dir = copyTemplate();
    const source = await started(dir);
    const keep = `${dir}.keep`;
    dirs.push(keep);
    fs.cpSync(dir, keep, { recursive: true });
    const reviews = (root: string) => path.join(root, 'routing/reviews.yaml');
    const text = fs.readFileSync(reviews(dir), 'utf8');

    // Deleted (the read fails: refused, the snapshot kept), then made again with an edit.
    fs.rmSync(dir, { recursive: true });
    await new Promise((r) => setTimeout(r, 300));
    let activated = nextActivation(source);
    fs.cpSync(keep, dir, { recursive: true });
    fs.writeFileSync(reviews(dir), reviewsWithSplit(text, 70));
    expect((await activated).generation).toBe(2);
    // An edit in the new folder is seen: the watches moved to it.
    activated = nextActivation(source);
    fs.writeFileSync(reviews(dir), reviewsWithSplit(text, 60));
    expect((await activated).generation).toBe(3);

    // Renamed over (a new folder swapped in), then an edit in it.
    const next = `${dir}.next`;
    dirs.push(next, `${dir}.old`);
    fs.cpSync(keep, next, { recursive: true });
    fs.writeFileSync(reviews(next), reviewsWithSplit(text, 40));
    activated = nextActivation(source);
    fs.renameSync(dir, `${dir}.old`);
    fs.renameSync(next, dir);
    expect((await activated).generation).toBe(4);
    activated = nextActivation(source);
    fs.writeFileSync(reviews(dir), reviewsWithSplit(text, 30));
    const last = await activated;
    expect(last.generation).toBe(5);
    expect(source.rejections().current).toBeUndefined();
  });

  it('follows a root link swapped to a new version, as git-sync publishes a checkout', async () => {
    // git-sync: `current` → `.worktrees/<commit>`, a new worktree per commit, then the link is
    // swapped by renaming a new link over it. serve --config names the link.
    const layout = gitSyncLayout();
    dirs.push(layout.base);
    layout.checkout('aaa', 90);
    layout.publish('aaa');
    const source = await started(layout.current);
    const before = source.current()!.snapshot.contentHash;

    let activated = nextActivation(source);
    layout.checkout('bbb', 50);
    layout.publish('bbb');
    fs.rmSync(path.join(layout.base, '.worktrees', 'aaa'), { recursive: true }); // git-sync drops the old one
    const next = await activated;
    expect(next.generation).toBe(2);
    expect(next.snapshot.contentHash).not.toBe(before);

    // The watches moved to the new worktree: an edit there is seen too.
    activated = nextActivation(source);
    const reviews = path.join(layout.base, '.worktrees', 'bbb', 'routing/reviews.yaml');
    fs.writeFileSync(reviews, fs.readFileSync(reviews, 'utf8').replace('weight: 50', 'weight: 20').replace('weight: 50', 'weight: 80'));
    expect((await activated).generation).toBe(3);
  });

  it('serves a Kubernetes ConfigMap volume and follows its updates', async () => {
    const volume = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-configmap-'));
    dirs.push(volume);
    // A ConfigMap is flat: one key per file of the template, named after its path.
    const keys = (v1: number) => {
      const out: Record<string, string> = {};
      for (const rel of fs.readdirSync(TEMPLATE, { recursive: true }) as string[]) {
        if (!/\.ya?ml$/.test(rel) || rel.startsWith('.')) continue;
        let text = fs.readFileSync(path.join(TEMPLATE, rel), 'utf8');
        if (rel === 'routing/reviews.yaml') text = reviewsWithSplit(text, v1);
        out[rel.replaceAll('/', '-')] = text;
      }
      return out;
    };
    const write = (version: string, files: Record<string, string>) => {
      fs.mkdirSync(path.join(volume, version));
      for (const [k, text] of Object.entries(files)) fs.writeFileSync(path.join(volume, version, k), text);
      fs.symlinkSync(version, path.join(volume, '..data_tmp'));
      fs.renameSync(path.join(volume, '..data_tmp'), path.join(volume, '..data'));
      for (const k of Object.keys(files)) if (!fs.existsSync(path.join(volume, k))) fs.symlinkSync(`..data/${k}`, path.join(volume, k));
    };
    write('..2026_12_06_06_00_00.1', keys(90));
    const source = await started(volume);
    const before = source.current()!.snapshot;
    expect(before.views.length).toBeGreaterThan(1); // the whole mesh was read, through ..data

    const activated = nextActivation(source);
    write('..2026_12_06_06_05_00.2', keys(40));
    const next = await activated;
    expect(next.generation).toBe(2);
    expect(next.snapshot.contentHash).not.toBe(before.contentHash);
  });

  it('keeps serving the last snapshot when a compile runs out of memory (--compile-heap-mb)', async () => {
    const dir = copyTemplate();
    const errors: { msg: string; error: unknown }[] = [];
    const logger: Logger = { ...silentLogger, error: (msg, fields) => errors.push({ msg, error: fields?.error }) };
    // 48 MB: enough for the template (about 24 MB), not for 6,000 more services.
    const source = new FolderSnapshotSource({ folder: dir, logger, debounceMs: 50, initialGeneration: 1, maxHeapMb: 48 });
    sources.push(source);
    expect((await source.start()).ok).toBe(true);
    const served = source.current();

    // The big mesh arrives in one rename, as a checkout would swap it in.
    const staging = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-staging-'));
    dirs.push(staging);
    writeMesh(staging, 6_000);
    fs.renameSync(path.join(staging, 'services'), path.join(dir, 'generated'));
    const attempt = await source.reload();
    expect(attempt).toEqual({ ok: false, reason: 'compiler failed: the compile ran out of memory (its heap limit is 48 MB: --compile-heap-mb)' });
    expect(source.current()).toBe(served);
    expect(source.rejections().current?.reason).toBe('compiler failed: the compile ran out of memory (its heap limit is 48 MB: --compile-heap-mb)');
    expect(errors).toContainEqual({ msg: 'compiler failed; keeping the previous snapshot', error: 'the compile ran out of memory (its heap limit is 48 MB: --compile-heap-mb)' });

    // Back to a size that fits: served again.
    fs.rmSync(path.join(dir, 'generated'), { recursive: true });
    const back = await source.reload();
    expect(back.ok).toBe(true);
  }, 60_000);
});
