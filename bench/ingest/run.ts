// Ingest benchmark: reading the generated mesh (bench/compile/generate.ts) before any compile,
// the way `meshlog validate|compile|diff` and the pipeline read it:
//  - a folder on disk (readFolder);
//  - a git revision with loose objects, then the same revision after `git gc` (one pack, the
//    near-identical service files stored as delta chains) (readGit);
//  - for reference, the packed revision's blobs read one by one through isomorphic-git's
//    readBlob (what readGit did before it inflated blobs itself).
//
//   node bench/ingest/run.ts [--sizes 1000,10000] [--runs 3]
//
// Prints the machine, then per size the median and slowest of `--runs` reads, in ms. The
// files are written once per size to a temporary folder (so they are in the page cache, as
// on a CI runner that just checked the repository out) and removed at the end.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import git from 'isomorphic-git';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { readGit } from '../../src/ingest/read-git.ts';
import { writeMesh } from '../compile/generate.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = arg('--sizes', '1000,10000').split(',').map(Number);
const runs = Number(arg('--runs', '3'));

async function timed(what: string, read: () => Promise<number>, expected: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const files = await read();
    ms.push(performance.now() - t);
    if (files !== expected) throw new Error(`${what}: read ${files} files, expected ${expected}`);
  }
  return ms.sort((a, b) => a - b);
}

function gitCli(cwd: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.com' };
  return execFileSync('git', args, { cwd, env, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
}

const cpus = os.cpus();
console.log(`machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`);
console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${new Date().toISOString()})`);
console.log(`ms, median / slowest of ${runs} reads (files in the page cache)`);
console.log('   files   folder         git (loose)    git (packed)   isomorphic-git readBlob, packed (reference)');

for (const size of sizes) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-ingest-bench-'));
  try {
    writeMesh(dir, size);
    gitCli(dir, 'init', '-q');
    gitCli(dir, 'config', 'gc.auto', '0'); // keep the objects loose until the packed run
    gitCli(dir, 'add', '-A');
    gitCli(dir, 'commit', '-q', '-m', 'mesh');
    const viaGit = async (): Promise<number> => {
      const res = await readGit({ repo: dir, rev: 'HEAD' });
      if (!res.ok) throw new Error(res.error.message);
      return res.bundle.files.length;
    };
    const folder = await timed('folder', async () => {
      const res = await readFolder(dir);
      if (!res.ok) throw new Error(res.error.message);
      return res.bundle.files.length;
    }, size);
    const loose = await timed('git loose', viaGit, size);
    gitCli(dir, 'gc', '-q');
    const packed = await timed('git packed', viaGit, size);
    const oids = gitCli(dir, 'ls-tree', '-r', 'HEAD').split('\n').map((l) => l.split(/\s+/)[2]!);
    const reference = await timed('isomorphic-git', async () => {
      const cache = {};
      for (const oid of oids) await git.readBlob({ fs, dir, oid, cache });
      return oids.length;
    }, size);
    const cell = (ms: number[]) => `${Math.round(ms[Math.floor(ms.length / 2)]!)} / ${Math.round(ms.at(-1)!)}`.padEnd(15);
    console.log(`${String(size).padStart(8)}   ${cell(folder)}${cell(loose)}${cell(packed)}${cell(reference)}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
