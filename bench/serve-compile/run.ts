// How long `meshlog serve`'s serving thread stops when the config changes: a compile in the
// serving thread itself (what serve did before its compiles moved out of it) against a
// compile in a child process, as serve compiles (src/serve/folder-compiler.ts). The generated mesh of
// bench/compile is written to a temp folder; each compile reads it from disk, as serve does.
//
//   node bench/serve-compile/run.ts [--services 10000] [--runs 3] [--envoy PATH]
//
// Prints the machine, then per run: the wall time from change to result, and the longest
// time the serving thread's timers could not fire (a 2 ms interval timer's largest gap).
// With --envoy, also a child-process compile with serve's pre-serve Envoy check (`serve --envoy`).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { writeMesh } from '../compile/generate.ts';
import { compile } from '../../src/compile/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { ChildFolderCompiler } from '../../src/serve/folder-compiler.ts';
import { measuredStall } from './stall.ts';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(name);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const services = Number(arg('--services', '10000'));
const runs = Number(arg('--runs', '3'));
const envoyPath = process.argv.includes('--envoy') ? arg('--envoy', '') : undefined;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-bench-serve-'));
try {
  writeMesh(dir, services);
  const cpus = os.cpus();
  console.log(`machine: ${cpus[0]?.model ?? 'unknown'}, ${cpus.length} cores, node ${process.version}; load average ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${new Date().toISOString()})`);
  console.log(`${services} services, ${runs} runs each; ms from change to result / longest stop of the serving thread`);

  const compiler = new ChildFolderCompiler();
  for (let i = 0; i < runs; i++) {
    const inThread = await measuredStall(async () => {
      const read = await readFolder(dir);
      if (!read.ok || !compile(read.bundle).valid) throw new Error('the generated mesh did not compile');
    });
    // As between two changes: the next child has loaded the compiler by then.
    await new Promise((r) => setTimeout(r, 1500));
    const inChild = await measuredStall(async () => {
      const result = await compiler.compile(dir);
      if (result.kind !== 'compiled' || !result.valid) throw new Error(`child-process compile: ${JSON.stringify(result).slice(0, 300)}`);
    });
    let checked = '';
    if (envoyPath) {
      await new Promise((r) => setTimeout(r, 1500));
      const withCheck = await measuredStall(async () => {
        const result = await compiler.compile(dir, undefined, { envoyPath });
        if (result.kind !== 'compiled' || !result.envoyCheck || !('diagnostics' in result.envoyCheck) || result.envoyCheck.diagnostics.length > 0) {
          throw new Error(`child-process compile with the Envoy check: ${JSON.stringify(result).slice(0, 300)}`);
        }
      });
      checked = `; in a child process with the Envoy check ${withCheck.ms} / ${withCheck.stopMs} ms`;
    }
    console.log(`run ${i + 1}: in the serving thread ${inThread.ms} / ${inThread.stopMs} ms; in a child process ${inChild.ms} / ${inChild.stopMs} ms${checked}`);
    await new Promise((r) => setTimeout(r, 1500));
  }
  await compiler.close();
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
