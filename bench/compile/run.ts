// Compile benchmark: generated meshes (bench/compile/generate.ts) through the full
// compile() pipeline — parse → validate → IR (the front end), then IR → encoded Envoy
// resources (the xDS side) — each size in a fresh child process so peak RSS is its own.
//
//   node bench/compile/run.ts [--sizes 1000,10000] [--namespaces 1] [--json]
//
// Prints the machine, then per size: wall time per phase, CPU time (user+system: on a
// shared machine wall time includes waiting for a core), peak RSS and snapshot size.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { checkConsistency } from '../../src/compile/xds/index.ts';
import { generateMesh } from './generate.ts';

interface Result {
  readonly services: number;
  readonly namespaces: number;
  readonly files: number;
  readonly yamlBytes: number;
  readonly frontEndMs: number;
  readonly xdsMs: number;
  readonly totalMs: number;
  readonly frontEndCpuMs: number;
  readonly xdsCpuMs: number;
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly views: number;
  readonly resources: number;
  readonly snapshotBytes: number;
  readonly contentHash: string;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

async function child(services: number, namespaces: number): Promise<void> {
  const files = generateMesh(services, namespaces);
  const yamlBytes = files.reduce((n, f) => n + f.bytes.length, 0);
  // Imported here so module loading (and the proto schema) is not charged to the parent.
  const { buildIr } = await import('../../src/compile/istio/index.ts');
  const { assembleSnapshot } = await import('../../src/compile/xds/index.ts');
  const { envoyRoot } = await import('../../src/envoy/proto-root.ts');
  envoyRoot(); // schema load is a once-per-process start-up cost, not per compile

  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const front = buildIr(files); // what compile() does: front end, then assembleSnapshot
  const t1 = performance.now();
  const cpu1 = process.cpuUsage(cpu0);
  if (!front.ir) throw new Error(`bench mesh did not compile: ${JSON.stringify(front.diagnostics.slice(0, 3))}`);
  const snapshot = assembleSnapshot(front.ir, null);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const problems = checkConsistency(snapshot);
  if (problems.length > 0) throw new Error(`inconsistent snapshot: ${problems[0]}`);

  let snapshotBytes = 0;
  for (const r of snapshot.resources.values()) snapshotBytes += r.bytes.length;
  const result: Result = {
    services,
    namespaces,
    files: files.length,
    yamlBytes,
    frontEndMs: Math.round(t1 - t0),
    xdsMs: Math.round(t2 - t1),
    totalMs: Math.round(t2 - t0),
    frontEndCpuMs: Math.round((cpu1.user + cpu1.system) / 1000),
    xdsCpuMs: Math.round((cpu.user + cpu.system - cpu1.user - cpu1.system) / 1000),
    cpuMs: Math.round((cpu.user + cpu.system) / 1000),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    views: snapshot.views.length,
    resources: snapshot.resources.size,
    snapshotBytes,
    contentHash: snapshot.contentHash.slice(0, 12),
  };
  process.stdout.write(JSON.stringify(result) + '\n');
}

function parent(): void {
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
  const results: Result[] = [];
  for (const size of sizes) {
    const run = spawnSync(process.execPath, [import.meta.filename, '--child', String(size), '--namespaces', String(namespaces)], {
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
  console.log('wall ms (cpu ms): front end = parse → validate → IR; xds = IR → encoded resources → snapshot');
  console.log('services  ns  views  front-end ms (cpu)  xds ms (cpu)  total ms (cpu)  peak RSS MB  resources  snapshot MB');
  for (const r of results) {
    console.log(
      [
        String(r.services).padStart(8),
        String(r.namespaces).padStart(3),
        String(r.views).padStart(6),
        `${r.frontEndMs} (${r.frontEndCpuMs})`.padStart(19),
        `${r.xdsMs} (${r.xdsCpuMs})`.padStart(13),
        `${r.totalMs} (${r.cpuMs})`.padStart(15),
        String(r.peakRssMb).padStart(12),
        String(r.resources).padStart(10),
        (r.snapshotBytes / 1e6).toFixed(1).padStart(12),
      ].join(' '),
    );
  }
}

const childAt = process.argv.indexOf('--child');
if (childAt >= 0) await child(Number(process.argv[childAt + 1]), Number(arg('--namespaces', '1')));
else parent();
