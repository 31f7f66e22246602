// serve's compiles run in a child process each (src/serve/folder-compiler.ts). What a user of
// `meshlog serve` would notice: the same snapshot as the CLI compiles; the serving thread free
// while a large repository compiles; a compile that runs out of memory (--compile-heap-mb), dies
// or is stopped failing alone, with the server and the next compile unharmed; a waiting compile
// process never keeping serve's process from exiting.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { writeMesh } from '../../bench/compile/generate.ts';
import { compile } from '../../src/compile/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { ChildFolderCompiler, type FolderCompile } from '../../src/serve/folder-compiler.ts';
import { measuredStall } from '../../bench/serve-compile/stall.ts';
import { envoyBinary } from '../support/envoy-binary.ts';
import { fakeEnvoy, HUGE_REGEX, webFolder } from '../verify/fixtures.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A folder holding the benchmark's generated mesh of `services` services (one file each). */
function generatedMesh(services: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-generated-'));
  dirs.push(dir);
  writeMesh(dir, services);
  return dir;
}

async function inProcess(folder: string) {
  const read = await readFolder(folder);
  if (!read.ok) throw new Error(read.error.message);
  return compile(read.bundle);
}

describe('compiling in a child process', () => {
  it('gives what compile() gives in-process: the same snapshot and diagnostics', async () => {
    const compiler = new ChildFolderCompiler();
    try {
      const want = await inProcess(TEMPLATE);
      for (let i = 0; i < 2; i++) {
        // The second compile takes the child started (and loaded) after the first.
        const got = await compiler.compile(TEMPLATE);
        if (got.kind !== 'compiled') throw new Error(JSON.stringify(got));
        expect(got.valid).toBe(true);
        expect(got.diagnostics).toEqual(want.diagnostics);
        expect(got.snapshot?.contentHash).toBe(want.snapshot!.contentHash);
        expect(JSON.stringify(got.snapshot?.views)).toBe(JSON.stringify(want.snapshot!.views));
      }
    } finally {
      await compiler.close();
    }
  });

  it('reports invalid config with its diagnostics and no snapshot, and a missing folder as unreadable', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-invalid-'));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, 'vs.yaml'), 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: x}\nspec: {http: 12}\n');
    const compiler = new ChildFolderCompiler();
    try {
      const invalid = await compiler.compile(dir);
      if (invalid.kind !== 'compiled') throw new Error(JSON.stringify(invalid));
      expect(invalid.valid).toBe(false);
      expect(invalid.snapshot).toBeUndefined();
      expect(invalid.diagnostics).toEqual((await inProcess(dir)).diagnostics);
      expect(invalid.diagnostics.some((d) => d.severity === 'error' && d.file === 'vs.yaml' && d.field === 'spec.http')).toBe(true);

      const missing = await compiler.compile(path.join(dir, 'no-such-folder'));
      expect(missing.kind).toBe('unreadable');
      expect(missing.kind === 'unreadable' && missing.message).toContain('does not exist');
    } finally {
      await compiler.close();
    }
  });

  it('leaves the calling thread free while a large repository compiles', async () => {
    const mesh = generatedMesh(2_000);
    const compiler = new ChildFolderCompiler();
    try {
      // Timers keep firing during the compile: the longest wait between two is a fraction of the
      // compile. In the calling thread, the compile would hold every timer, stream and request
      // until it ended (the longest wait would be the whole compile).
      let result: FolderCompile | undefined;
      const { ms, stopMs } = await measuredStall(async () => (result = await compiler.compile(mesh)));
      expect(result?.kind === 'compiled' && result.valid).toBe(true);
      expect(stopMs).toBeLessThan(ms / 2);
    } finally {
      await compiler.close();
    }
  }, 60_000);

  it('fails a compile that runs out of memory, and goes on compiling', async () => {
    const big = generatedMesh(6_000);
    // The template compiles in about 24 MB of heap, 6,000 services need several times this.
    const compiler = new ChildFolderCompiler({ maxHeapMb: 48 });
    try {
      const failed = await compiler.compile(big);
      expect(failed).toEqual({ kind: 'failed', message: 'the compile ran out of memory (its heap limit is 48 MB: --compile-heap-mb)' });
      const next = await compiler.compile(TEMPLATE);
      expect(next.kind === 'compiled' && next.valid).toBe(true);
    } finally {
      await compiler.close();
    }
  }, 60_000);

  it('fails a compile whose process dies abruptly (killed from outside), and goes on compiling', async () => {
    const mesh = generatedMesh(2_000);
    const compiler = new ChildFolderCompiler();
    try {
      // A new compiler starts the compile's child on the call: it is this process's only one.
      const running = compiler.compile(mesh);
      let pids: number[] = [];
      for (let waited = 0; pids.length === 0 && waited < 10_000; waited += 20) {
        await new Promise((r) => setTimeout(r, 20));
        pids = compileChildren();
      }
      expect(pids).toHaveLength(1);
      process.kill(pids[0]!, 'SIGKILL'); // as the kernel's OOM killer would
      expect(await running).toEqual({ kind: 'failed', message: 'the compile process exited (signal SIGKILL) without a result' });
      const next = await compiler.compile(TEMPLATE);
      expect(next.kind === 'compiled' && next.valid).toBe(true);
    } finally {
      await compiler.close();
    }
  }, 60_000);

  it('fails a compile whose process cannot start, and goes on compiling', async () => {
    const compiler = new ChildFolderCompiler();
    const execPath = process.execPath;
    let running: Promise<FolderCompile>;
    // The compile's child is started on the call (a new compiler has none waiting).
    process.execPath = '/nonexistent/node';
    try {
      running = compiler.compile(TEMPLATE);
    } finally {
      process.execPath = execPath;
    }
    try {
      expect(await running).toEqual({ kind: 'failed', message: 'the compile process could not start: spawn /nonexistent/node ENOENT' });
      const next = await compiler.compile(TEMPLATE);
      expect(next.kind === 'compiled' && next.valid).toBe(true);
    } finally {
      await compiler.close();
    }
  }, 60_000);

  it('a waiting compile process does not keep the process alive, and close() ends it', async () => {
    // A script that compiles once and then has nothing left to do exits at once, though the
    // next compile's child was started and waits.
    const script = `
      import { ChildFolderCompiler } from ${JSON.stringify(path.resolve(import.meta.dirname, '../../src/serve/folder-compiler.ts'))};
      const c = new ChildFolderCompiler();
      const r = await c.compile(${JSON.stringify(TEMPLATE)});
      console.log(r.kind);
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(run.signal).toBe(null);
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('compiled');

    const compiler = new ChildFolderCompiler();
    expect((await compiler.compile(TEMPLATE)).kind).toBe('compiled');
    expect(compileChildren()).toHaveLength(1); // the next compile's, waiting
    await compiler.close();
    expect(compileChildren()).toEqual([]);
  }, 60_000);

  it('stops a compile when asked, and compiles again after', async () => {
    const mesh = generatedMesh(2_000);
    const compiler = new ChildFolderCompiler();
    try {
      // Before the child starts, and while it works (it has the folder: loading the compiler,
      // reading or compiling it, which takes far longer than the wait).
      const early = new AbortController();
      early.abort();
      expect(await compiler.compile(mesh, early.signal)).toEqual({ kind: 'failed', message: 'stopped' });
      const stop = new AbortController();
      const running = compiler.compile(mesh, stop.signal);
      setTimeout(() => stop.abort(), 50);
      expect(await running).toEqual({ kind: 'failed', message: 'stopped' });
      const next = await compiler.compile(TEMPLATE);
      expect(next.kind === 'compiled' && next.valid).toBe(true);
    } finally {
      await compiler.close();
    }
  }, 60_000);

  it('runs the --envoy check in the child: Envoy\'s verdict comes with the result, the calling thread stays free', async () => {
    const mesh = generatedMesh(2_000);
    const compiler = new ChildFolderCompiler();
    try {
      // Writing each view's bootstrap for Envoy costs about what the compile does; in the calling
      // thread it would hold every stream for that long.
      let result: FolderCompile | undefined;
      const { ms, stopMs } = await measuredStall(async () => (result = await compiler.compile(mesh, undefined, { envoyPath: envoyBinary() })));
      if (result?.kind !== 'compiled') throw new Error(JSON.stringify(result).slice(0, 500));
      expect(result.valid).toBe(true);
      expect(result.envoyCheck).toEqual({ diagnostics: [] });
      expect(stopMs).toBeLessThan(ms / 2);

      // What is served already is not checked again.
      const again = await compiler.compile(mesh, undefined, { envoyPath: envoyBinary(), unlessContentHash: result.snapshot!.contentHash });
      expect(again.kind === 'compiled' && again.valid && again.envoyCheck).toBe(undefined);

      // A rejection names the rule Envoy refused, as `validate --envoy` does.
      const rejected = webFolder(HUGE_REGEX);
      dirs.push(rejected);
      const refused = await compiler.compile(rejected, undefined, { envoyPath: envoyBinary() });
      if (refused.kind !== 'compiled' || !refused.envoyCheck || 'error' in refused.envoyCheck) throw new Error(JSON.stringify(refused).slice(0, 500));
      expect(refused.envoyCheck.diagnostics).toEqual([expect.objectContaining({ code: 'ML5001', severity: 'error', file: 'routes.yaml', line: 13 })]);
    } finally {
      await compiler.close();
    }
  }, 120_000);

  it('stopping a compile during its Envoy check ends the Envoy process and removes the check\'s files', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-slow-envoy-'));
    dirs.push(dir);
    // An Envoy that says who it is, then takes a minute to validate: it leaves the file it was
    // given, then its pid (written whole, by a rename, so the pid file means both are there).
    const envoy = fakeEnvoy(
      dir,
      `case "$1" in --version) echo "envoy  version: 0123abcd/1.40.0/Clean/RELEASE/BoringSSL";; *) echo "$4" > ${dir}/config; echo $$ > ${dir}/pid.tmp; mv ${dir}/pid.tmp ${dir}/pid; exec sleep 60;; esac`,
    );
    const compiler = new ChildFolderCompiler();
    try {
      const stop = new AbortController();
      const running = compiler.compile(TEMPLATE, stop.signal, { envoyPath: envoy });
      const pidFile = path.join(dir, 'pid');
      for (let waited = 0; !fs.existsSync(pidFile) && waited < 30_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
      const pid = Number(fs.readFileSync(pidFile, 'utf8'));
      const config = fs.readFileSync(path.join(dir, 'config'), 'utf8').trim();
      expect(fs.existsSync(config)).toBe(true);
      stop.abort();
      expect(await running).toEqual({ kind: 'failed', message: 'stopped' });
      expect(await ended(pid)).toBe(true);
      expect(fs.existsSync(path.dirname(config))).toBe(false);
    } finally {
      await compiler.close();
    }
  }, 60_000);
});

/** This process's compile children (src/serve/compile-child.ts) that are running. */
function compileChildren(): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const [state, ppid] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(ppid) !== process.pid || state === 'Z') continue;
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes('compile-child.ts')) pids.push(Number(entry));
    } catch {
      // It ended meanwhile.
    }
  }
  return pids;
}

/** Gone, and reaped: a killed process nothing waited for would stay a zombie until meshlog exits. */
async function ended(pid: number): Promise<boolean> {
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (!fs.existsSync(`/proc/${pid}`)) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}
