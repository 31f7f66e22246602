import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFolder } from '../../src/ingest/read-folder.ts';

let tmp: string;
let root: string;

function write(rel: string, content: string): void {
  const abs = path.join(root, rel);
  fs.mkdirSync(path.dirname(abs), { recursive: true });
  fs.writeFileSync(abs, content);
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-folder-'));
  root = path.join(tmp, 'repo');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(tmp, 'secret.yaml'), 'outside: true\n');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('readFolder', () => {
  it('reads every *.yaml / *.yml / *.json below the root, sorted, with / separators', async () => {
    write('z.yaml', 'z: 1\n');
    write('c/vs.JSON', '{}\n');
    write('.eslintrc.json', '{}\n');
    write('b/vs.yml', 'b: 1\n');
    write('a/deep/er/dr.YAML', 'a: 1\n');
    write('notes.md', '# not config\n');
    write('.github/workflows/ci.yml', 'on: push\n');
    write('node_modules/pkg/x.yaml', 'x: 1\n');
    write('.gitlab-ci.yml', 'stages: []\n');
    const res = await readFolder(root);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['a/deep/er/dr.YAML', 'b/vs.yml', 'c/vs.JSON', 'z.yaml']);
    expect(Buffer.from(res.bundle.files[1]!.bytes).toString()).toBe('b: 1\n');
    expect(res.bundle.commit).toBeNull();
    expect(res.bundle.origin).toEqual({ kind: 'folder', path: root });
    expect(res.bundle.diagnostics).toEqual([]);
  });

  it('reports a symbolic link and never reads what it points to: ML0001 named like config or leading to a folder, else ML0008 info', async () => {
    const dir = path.join(tmp, 'links');
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'ok.yaml'), 'ok: 1\n');
    fs.symlinkSync(path.join(tmp, 'secret.yaml'), path.join(dir, 'escape.yaml'));
    fs.symlinkSync(tmp, path.join(dir, 'sub', 'up'));
    fs.symlinkSync('sub/x.md', path.join(dir, 'CHANGELOG.md'));
    fs.symlinkSync('missing', path.join(dir, 'gone')); // dangling
    fs.writeFileSync(path.join(dir, 'sub', 'notes'), 'n\n');
    fs.symlinkSync('sub/notes', path.join(dir, 'notes')); // a file
    const res = await readFolder(dir);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['ok.yaml']);
    expect(res.bundle.diagnostics.map((d) => [d.code, d.severity, d.file])).toEqual([
      ['ML0008', 'info', 'CHANGELOG.md'],
      ['ML0001', 'error', 'escape.yaml'],
      ['ML0008', 'info', 'gone'],
      ['ML0008', 'info', 'notes'],
      ['ML0001', 'error', 'sub/up'],
    ]);
    const message = (file: string) => res.bundle.diagnostics.find((d) => d.file === file)!.message;
    expect(message('sub/up')).toBe('sub/up is a symbolic link to a folder; links are not followed, so the config files there are not read');
    expect(message('gone')).toBe('gone is a symbolic link, not followed, that leads to nothing here or cannot be read: if it leads to a folder elsewhere, the config files there are not read');
    const everything = res.bundle.files.map((f) => Buffer.from(f.bytes).toString()).join('');
    expect(everything).not.toContain('outside');
  });

  it('reads a Kubernetes ConfigMap volume through its ..data link, one whole version at a time', async () => {
    // The kubelet's layout: a folder per version, `..data` leading to the current one, and one
    // link per key into `..data`.
    const volume = path.join(tmp, 'configmap');
    const version = (name: string, files: Record<string, string>) => {
      fs.mkdirSync(path.join(volume, name), { recursive: true });
      for (const [key, text] of Object.entries(files)) fs.writeFileSync(path.join(volume, name, key), text);
    };
    version('..2026_12_06_06_00_00.1', { 'reviews.yaml': 'v: 1\n', 'ratings.yaml': 'r: 1\n' });
    fs.symlinkSync('..2026_12_06_06_00_00.1', path.join(volume, '..data'));
    for (const key of ['reviews.yaml', 'ratings.yaml']) fs.symlinkSync(`..data/${key}`, path.join(volume, key));
    const first = await readFolder(volume);
    if (!first.ok) throw new Error(first.error.message);
    expect(first.bundle.diagnostics).toEqual([]);
    expect(first.bundle.files.map((f) => [f.path, Buffer.from(f.bytes).toString()])).toEqual([
      ['ratings.yaml', 'r: 1\n'],
      ['reviews.yaml', 'v: 1\n'],
    ]);

    // An update: a new version folder, then `..data` swapped to it (a rename over the link).
    version('..2026_12_06_06_05_00.2', { 'reviews.yaml': 'v: 2\n', 'ratings.yaml': 'r: 1\n' });
    fs.symlinkSync('..2026_12_06_06_05_00.2', path.join(volume, '..data_tmp'));
    fs.renameSync(path.join(volume, '..data_tmp'), path.join(volume, '..data'));
    const second = await readFolder(volume);
    if (!second.ok) throw new Error(second.error.message);
    expect(second.bundle.files.map((f) => Buffer.from(f.bytes).toString())).toEqual(['r: 1\n', 'v: 2\n']);
  });

  it('reads an ordinary folder as itself even if it holds a ..data link beside its own files', async () => {
    const dir = path.join(tmp, 'planted');
    fs.mkdirSync(path.join(dir, '..decoy'), { recursive: true });
    fs.writeFileSync(path.join(dir, '..decoy', 'harmless.yaml'), 'decoy: 1\n');
    fs.symlinkSync('..decoy', path.join(dir, '..data'));
    fs.writeFileSync(path.join(dir, 'real.yaml'), 'real: 1\n');
    const res = await readFolder(dir);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['real.yaml']);
  });

  it('does not follow a ..data link that leads out of the folder', async () => {
    const dir = path.join(tmp, 'fake-volume');
    fs.mkdirSync(dir);
    fs.symlinkSync(tmp, path.join(dir, '..data')); // the parent: outside the root
    fs.symlinkSync(path.join(tmp, 'secret.yaml'), path.join(dir, 'secret.yaml'));
    const res = await readFolder(dir);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files).toEqual([]);
    expect(res.bundle.diagnostics.map((d) => [d.code, d.file])).toEqual([['ML0001', 'secret.yaml']]);
  });

  it('refuses a 2 GB file by its size without reading it', async () => {
    const dir = path.join(tmp, 'big');
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, 'small.yaml'), 'a: 1\n');
    const fd = fs.openSync(path.join(dir, 'huge.yaml'), 'w');
    fs.ftruncateSync(fd, 2 * 1024 ** 3); // sparse: costs no disk
    fs.closeSync(fd);
    const before = process.memoryUsage().rss;
    const res = await readFolder(dir);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files.map((f) => f.path)).toEqual(['small.yaml']);
    expect(res.bundle.diagnostics).toHaveLength(1);
    expect(res.bundle.diagnostics[0]).toMatchObject({ code: 'ML0004', file: 'huge.yaml', severity: 'error' });
    expect(res.bundle.diagnostics[0]!.message).toContain('2.0 GiB');
    expect(process.memoryUsage().rss - before).toBeLessThan(256 * 1024 ** 2);
  });

  it('enforces the total-size and file-count limits', async () => {
    const dir = path.join(tmp, 'many');
    fs.mkdirSync(dir);
    for (let i = 0; i < 5; i++) fs.writeFileSync(path.join(dir, `f${i}.yaml`), 'x'.repeat(100));
    const bySize = await readFolder(dir, { maxFileBytes: 1000, maxTotalBytes: 250, maxFiles: 100 });
    if (!bySize.ok) throw new Error(bySize.error.message);
    expect(bySize.bundle.files).toHaveLength(2);
    expect(bySize.bundle.diagnostics.map((d) => d.code)).toEqual(['ML0004', 'ML0004', 'ML0004']);
    const byCount = await readFolder(dir, { maxFileBytes: 1000, maxTotalBytes: 10_000, maxFiles: 3 });
    if (!byCount.ok) throw new Error(byCount.error.message);
    expect(byCount.bundle.files).toHaveLength(3);
    expect(byCount.bundle.diagnostics.map((d) => d.code)).toEqual(['ML0006']);
  });

  it('reports a FIFO named like config instead of blocking on it', async () => {
    const dir = path.join(tmp, 'fifo');
    fs.mkdirSync(dir);
    execFileSync('mkfifo', [path.join(dir, 'pipe.yaml')]);
    const res = await readFolder(dir);
    if (!res.ok) throw new Error(res.error.message);
    expect(res.bundle.files).toEqual([]);
    expect(res.bundle.diagnostics.map((d) => [d.code, d.file])).toEqual([['ML0005', 'pipe.yaml']]);
  });

  it('returns a clear error for a missing folder or a file', async () => {
    const missing = await readFolder(path.join(tmp, 'nope'));
    expect(missing).toMatchObject({ ok: false, error: { kind: 'not-found' } });
    const file = await readFolder(path.join(tmp, 'secret.yaml'));
    expect(file).toMatchObject({ ok: false, error: { kind: 'not-a-directory' } });
  });
});
