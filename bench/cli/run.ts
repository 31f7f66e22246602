// CLI benchmark: what a user waits for, whole commands as separate processes.
//  - start-up: `meshlog compile config-repo-template` (a dozen files) with no caches (a cache
//    folder that cannot be made: what every run cost before the caches), with cold ones (an
//    empty cache folder each run: the caches are written) and with warm ones (see docs/cli.md,
//    "Caches");
//  - end to end: the 10,000-service mesh of bench/compile/generate.ts written to a folder and
//    committed to a git repository (then `git gc`, so it is packed), compiled by
//    `meshlog compile DIR` and `meshlog compile --repo DIR --rev HEAD`, caches warm, and
//    `meshlog compile DIR --bootstrap-dir` (a static Envoy bootstrap per view, as YAML);
//  - a pull request's review: `meshlog diff HEAD~1 HEAD` after a commit that changes one
//    service's weights, and `meshlog explain` of one request, on that repository.
//
//   node bench/cli/run.ts [--runs 5] [--services 10000]
//
// Prints the machine, then the median and slowest wall time of each command, in ms.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMesh } from '../compile/generate.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const runs = Number(arg('--runs', '5'));
const services = Number(arg('--services', '10000'));
const root = path.resolve(import.meta.dirname, '../..');
const bin = path.join(root, 'bin/meshlog.js');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-cli-bench-'));

/** Wall ms of one `meshlog` run; it must exit 0. Without an Envoy proof (MESHLOG_ENVOY unset). */
function timed(args: string[], cacheHome: string): number {
  const t = performance.now();
  const run = spawnSync(process.execPath, [bin, ...args], {
    cwd: root,
    env: { ...process.env, XDG_CACHE_HOME: cacheHome, MESHLOG_ENVOY: '' },
    stdio: ['ignore', 'ignore', 'pipe'],
    encoding: 'utf8',
  });
  const ms = performance.now() - t;
  if (run.status !== 0) throw new Error(`meshlog ${args.join(' ')} exited ${run.status}: ${run.stderr}`);
  return ms;
}

function summary(label: string, ms: number[]): void {
  const sorted = [...ms].sort((a, b) => a - b);
  console.log(`${label.padEnd(58)} ${String(Math.round(sorted[Math.floor(sorted.length / 2)]!)).padStart(6)} ${String(Math.round(sorted.at(-1)!)).padStart(8)}`);
}

try {
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, node ${process.version}, ${os.platform()} ${os.release()}`);
  console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${new Date().toISOString()})`);
  console.log(`${'command'.padEnd(58)} ${'median'.padStart(6)} ${'slowest'.padStart(8)}   (ms, ${runs} runs)`);

  const template = ['compile', 'config-repo-template'];
  // /proc refuses mkdir: userCacheDir() finds no folder, so neither cache is used.
  summary('compile config-repo-template, no caches', Array.from({ length: runs }, () => timed(template, '/proc/meshlog-no-cache')));
  summary('compile config-repo-template, caches cold', Array.from({ length: runs }, (_, i) => timed(template, path.join(tmp, `cold-${i}`))));
  const warm = path.join(tmp, 'warm');
  timed(template, warm); // fills the caches
  summary('compile config-repo-template, caches warm', Array.from({ length: runs }, () => timed(template, warm)));

  const mesh = path.join(tmp, 'mesh');
  writeMesh(mesh, services);
  const git = (...a: string[]) =>
    execFileSync('git', a, { cwd: mesh, env: { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'b@example.com', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'b@example.com' } });
  git('init', '-q');
  git('config', 'gc.auto', '0'); // no background gc racing the explicit one
  git('add', '-A');
  git('commit', '-q', '-m', 'mesh');
  git('gc', '-q');
  summary(`compile DIR (${services} services, folder)`, Array.from({ length: runs }, () => timed(['compile', mesh], warm)));
  summary(`compile --repo DIR --rev HEAD (${services} services, packed)`, Array.from({ length: runs }, () => timed(['compile', '--repo', mesh, '--rev', 'HEAD'], warm)));
  const bootstraps = path.join(tmp, 'bootstraps');
  summary(`compile DIR --bootstrap-dir (${services} services)`, Array.from({ length: runs }, () => timed(['compile', mesh, '--bootstrap-dir', bootstraps], warm)));

  // One service's canary weights change in a second commit (left loose, as a fresh commit is).
  const canary = path.join(mesh, 'services', fs.readdirSync(path.join(mesh, 'services')).sort()[0]!);
  fs.writeFileSync(canary, fs.readFileSync(canary, 'utf8').replace('weight: 90', 'weight: 80').replace('weight: 10}', 'weight: 20}'));
  git('commit', '-q', '-am', 'canary');
  summary(`diff HEAD~1 HEAD (${services} services, one route changed)`, Array.from({ length: runs }, () => timed(['diff', '--repo', mesh, 'HEAD~1', 'HEAD'], warm)));
  summary(`explain (${services} services, folder)`, Array.from({ length: runs }, () => timed(['explain', mesh, '--request', 'GET http://svc-0.ns-0.svc.cluster.local:9080/api'], warm)));
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
