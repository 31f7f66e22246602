// Compile benchmark: generated meshes (bench/compile/generate.ts) through the full
// compile() pipeline — parse → validate → IR (the front end), then IR → encoded Envoy
// resources (the xDS side) — each size in a fresh child process so peak RSS is its own.
//
//   node bench/compile/run.ts [--sizes 1000,10000] [--namespaces 1] [--runs 1] [--serve-child] [--v8-defaults] [--json]
//
// Each size's process is tuned as the CLI's compiling commands tune theirs (tuneForOneCompile,
// src/core/one-compile-v8.ts). --serve-child runs it with the Node flags `meshlog serve` gives
// its compile child processes instead (compileExecArgv, src/serve/folder-compiler.ts: heap
// limits too); --v8-defaults without that tuning (V8's defaults, or serve's heap flags alone), for comparison.
//
// Prints the machine, then per size: wall time per phase, CPU time (user+system, all
// threads, GC helpers included: on a shared machine wall time includes waiting for a
// core), peak RSS and snapshot size. The total is the four phases compile() runs.
// With --runs N each size is compiled N times, each in a fresh child, and a summary line per
// size gives the median, fastest and slowest total: on a shared 2-core host one run can be
// 20–50 % off, so a target is judged on the median.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { checkConsistency } from '../../src/compile/xds/index.ts';
import { byteLengthOf, partsOf } from '../../src/snapshot/composed.ts';
import type { Snapshot } from '../../src/snapshot/types.ts';
import { generateMesh } from './generate.ts';

interface Phase {
  readonly ms: number;
  /** All threads (GC and JIT helpers included). */
  readonly cpuMs: number;
  /** The main thread alone: steadier than wall time on a shared host (JSON output only). */
  readonly mainCpuMs: number;
}

interface Result {
  readonly services: number;
  readonly namespaces: number;
  readonly files: number;
  readonly yamlBytes: number;
  /** parse → schema → per-resource rules (loadResources). */
  readonly load: Phase;
  /** registry, cross-resource checks, views → MeshIR. */
  readonly ir: Phase;
  /** IR → encoded resources → Snapshot (assembleSnapshot). */
  readonly xds: Phase;
  /** checkConsistency, which compile() runs on every snapshot before returning it. */
  readonly consistency: Phase;
  /** All four: what one compile() of the mesh costs. */
  readonly total: Phase;
  readonly peakRssMb: number;
  readonly views: number;
  readonly resources: number;
  /** Every distinct resource's size: what the views' proxies can receive, each resource once. */
  readonly snapshotBytes: number;
  /** What the snapshot holds in memory: route tables share their virtual hosts' bytes (snapshot/composed.ts). */
  readonly storedBytes: number;
  readonly contentHash: string;
  /**
   * What the proxies can receive, apart from how the content and route table hashes are
   * defined (both changed in session 15): per view, its name, its CDS, EDS and LDS type hashes,
   * and its route tables' names and sha256 of their bytes.
   */
  readonly viewsHash: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

/** The measured compile, in this process (started with serve's compile flags under `--serve-child`). */
async function child(services: number, namespaces: number): Promise<void> {
  if (!process.argv.includes('--v8-defaults')) (await import('../../src/core/one-compile-v8.ts')).tuneForOneCompile();
  print(await measure(services, namespaces));
}

function print(result: Result): void {
  process.stdout.write(JSON.stringify(result) + '\n');
}

async function measure(services: number, namespaces: number): Promise<Result> {
  const files = generateMesh(services, namespaces);
  const yamlBytes = files.reduce((n, f) => n + f.bytes.length, 0);
  // Imported here so module loading (and the proto schema) is not charged to the parent.
  const { loadResources } = await import('../../src/compile/parse/load-resources.ts');
  const { buildIrFromResources } = await import('../../src/compile/istio/index.ts');
  const { assembleSnapshot } = await import('../../src/compile/xds/index.ts');
  const { envoyRoot } = await import('../../src/envoy/proto-root.ts');
  envoyRoot(); // schema load is a once-per-process start-up cost, not per compile

  // The same calls compile() makes (src/compile/index.ts), timed one by one.
  const phases: Phase[] = [];
  let cpu0 = process.cpuUsage();
  let main0 = process.threadCpuUsage();
  let t0 = performance.now();
  const lap = (): void => {
    const cpu = process.cpuUsage(cpu0);
    const main = process.threadCpuUsage(main0);
    const t = performance.now();
    phases.push({ ms: Math.round(t - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000), mainCpuMs: Math.round((main.user + main.system) / 1000) });
    cpu0 = process.cpuUsage();
    main0 = process.threadCpuUsage();
    t0 = t;
  };
  // As in compile(), nothing holds the loaded resources once the IR is built: a reference
  // kept here would make every collection during the xds phase trace them again.
  let loaded: ReturnType<typeof loadResources> | undefined = loadResources(files);
  lap();
  const front = buildIrFromResources(loaded.resources, loaded.diagnostics);
  loaded = undefined;
  lap();
  if (!front.ir) throw new Error(`bench mesh did not compile: ${JSON.stringify(front.diagnostics.slice(0, 3))}`);
  const snapshot = assembleSnapshot(front.ir, null);
  lap();
  const problems = checkConsistency(snapshot);
  lap();
  if (problems.length > 0) throw new Error(`inconsistent snapshot: ${problems[0]}`);

  let snapshotBytes = 0;
  const stored = new Set<Uint8Array>();
  let storedBytes = 0;
  for (const r of snapshot.resources.values()) {
    snapshotBytes += byteLengthOf(r);
    for (const part of partsOf(r) ?? [r.bytes]) {
      if (!stored.has(part)) storedBytes += part.length;
      stored.add(part);
    }
  }
  const [load, ir, xds, consistency] = phases as [Phase, Phase, Phase, Phase];
  const result: Result = {
    services,
    namespaces,
    files: files.length,
    yamlBytes,
    load,
    ir,
    xds,
    consistency,
    total: {
      ms: phases.reduce((n, p) => n + p.ms, 0),
      cpuMs: phases.reduce((n, p) => n + p.cpuMs, 0),
      mainCpuMs: phases.reduce((n, p) => n + p.mainCpuMs, 0),
    },
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    views: snapshot.views.length,
    resources: snapshot.resources.size,
    snapshotBytes,
    storedBytes,
    contentHash: snapshot.contentHash.slice(0, 12),
    viewsHash: viewsHash(snapshot),
  };
  return result;
}

function viewsHash(snapshot: Snapshot): string {
  const tableDigests = new Map<string, string>();
  const tableDigest = (hash: string): string => {
    let d = tableDigests.get(hash);
    if (d === undefined) {
      const r = snapshot.resources.get(hash)!;
      const h = createHash('sha256');
      for (const part of partsOf(r) ?? [r.bytes]) h.update(part);
      tableDigests.set(hash, (d = h.digest('hex')));
    }
    return d;
  };
  const lines = snapshot.views.map((v) => {
    const tables = v.resources.rds.map((e) => `${e.name}=${tableDigest(e.hash)}`).join(',');
    return `${v.name} ${v.typeHashes.cds} ${v.typeHashes.eds} ${v.typeHashes.lds} ${tables}\n`;
  });
  return createHash('sha256').update(lines.join('')).digest('hex').slice(0, 12);
}

async function parent(): Promise<void> {
  const sizes = arg('--sizes', '1000,10000').split(',').map(Number);
  const namespaces = Number(arg('--namespaces', '1'));
  const cpus = os.cpus();
  const machine = {
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadavg: os.loadavg().map((l) => l.toFixed(2)).join(' '),
    date: new Date().toISOString(),
  };
  // As `meshlog serve` starts its compile children.
  const v8Defaults = process.argv.includes('--v8-defaults');
  const { ONE_COMPILE_V8_FLAGS } = await import('../../src/core/one-compile-v8.ts');
  const serveFlags = process.argv.includes('--serve-child') ? (await import('../../src/serve/folder-compiler.ts')).compileExecArgv() : [];
  // With --v8-defaults, serve's heap flags only: no one-compile tuning on either path.
  const execArgv = v8Defaults ? serveFlags.filter((f) => !ONE_COMPILE_V8_FLAGS.includes(f)) : serveFlags;
  const childFlags = v8Defaults ? ['--v8-defaults'] : [];
  const runs = Number(arg('--runs', '1'));
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs takes a whole number of runs, 1 or more; got "${arg('--runs', '1')}"`);
  const results: Result[] = [];
  for (const size of sizes) for (let r = 0; r < runs; r++) {
    const run = spawnSync(process.execPath, [...execArgv, import.meta.filename, '--child', String(size), '--namespaces', String(namespaces), ...childFlags], {
      encoding: 'utf8',
      maxBuffer: 16 * 1024 * 1024,
      timeout: 30 * 60_000,
    });
    if (run.status !== 0) throw new Error(`size ${size} failed (${run.status ?? run.signal}):\n${run.stderr}`);
    results.push(JSON.parse(run.stdout.trim().split('\n').pop()!) as Result);
  }
  if (process.argv.includes('--json')) {
    process.stdout.write(JSON.stringify({ machine, results }, null, 2) + '\n');
    return;
  }
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, node ${machine.node}, ${machine.platform}`);
  console.log(`load average at start: ${machine.loadavg} (${machine.date})`);
  console.log(
    execArgv.length > 0
      ? `compiled in a process with meshlog serve's compile flags (${execArgv.join(' ')})${v8Defaults ? ", without the one-compile tuning (--v8-defaults)" : ''}`
      : v8Defaults
        ? "compiled with V8's defaults (--v8-defaults)"
        : 'compiled in a process tuned as the CLI tunes its compiling commands (src/core/one-compile-v8.ts)',
  );
  console.log('wall ms (cpu ms) per phase: load = parse → schema → rules; ir = checks → views → IR; xds = encode → snapshot; check = checkConsistency');
  console.log('services  ns  views     load ms (cpu)       ir ms (cpu)      xds ms (cpu)    check ms (cpu)    total ms (cpu)  peak RSS MB  resources  snapshot MB  stored MB');
  const cell = (p: Phase) => `${p.ms} (${p.cpuMs})`.padStart(17);
  for (const r of results) {
    console.log(
      [
        String(r.services).padStart(8),
        String(r.namespaces).padStart(3),
        String(r.views).padStart(6),
        cell(r.load),
        cell(r.ir),
        cell(r.xds),
        cell(r.consistency),
        cell(r.total),
        String(r.peakRssMb).padStart(12),
        String(r.resources).padStart(10),
        (r.snapshotBytes / 1e6).toFixed(1).padStart(12),
        (r.storedBytes / 1e6).toFixed(1).padStart(10),
      ].join(' '),
    );
  }
  if (runs > 1) {
    for (const size of sizes) {
      const mine = results.filter((r) => r.services === size);
      const totals = mine.map((r) => r.total.ms).sort((a, b) => a - b);
      const mainCpu = mine.map((r) => r.total.mainCpuMs).sort((a, b) => a - b);
      const rss = Math.max(...mine.map((r) => r.peakRssMb));
      console.log(
        `${size} services, ${runs} runs: total median ${median(totals)} ms (fastest ${totals[0]}, slowest ${totals.at(-1)}), ` +
          `main-thread CPU median ${median(mainCpu)} ms, peak RSS at most ${rss} MB`,
      );
    }
  }
}

/** The middle value of sorted numbers (the mean of the two middle ones for an even count). */
function median(sorted: readonly number[]): number {
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(Number(process.argv[childAt + 1]), Number(arg('--namespaces', '1')));
else await parent();
