// Side-by-side fan-out runs: each scenario against each server, with each load generator,
// a fresh server per run, the server pinned to CPU 0 and the load to CPU 1 (taskset), as the
// shared xds-peer README prescribes. Writes every run's JSON and log under --out and prints
// a Markdown table with convergence ratios against go-control-plane.
//
//   node bench/xds-fanout/compare.ts --scenarios sotw-route-1000,delta-route-1000 \
//     --servers meshlog-memory,meshlog-folder,gcp --load xds-load,harness [--services 1000]
//     [--peer-bin DIR] [--timeout 300] [--repeat N] [--out /tmp/xds-fanout]
//
// Scenarios are `<sotw|delta>-<full|route>-<streams>`. Servers:
//   gcp             go-control-plane's peer (prebuilt: see README.md), POST /change to trigger
//   meshlog-memory  meshlog's xDS server on the peer-shaped mesh in memory (serve-memory.ts)
//   meshlog-folder  meshlog's folder source + compiler + xDS server on the Istio YAML mesh
//                   (serve-folder.ts), triggered by rewriting files (change.ts)
//   meshlog-cli     the same through `node bin/meshlog.js serve --config DIR` itself (its
//                   default new-stream limit, 500/s with a burst of 1,000, applies)
// The Go tools are not built here: pass --peer-bin (or MESHLOG_XDS_PEER_BIN) pointing at a
// folder holding `peer` and `xds-load` built from the shared bench/xds-peer sources.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { writeMesh } from './gen-mesh.ts';
import { freePort, normalize, table, type RunResult } from './compare-report.ts';

const { values: args } = parseArgs({
  options: {
    scenarios: { type: 'string', default: 'sotw-route-1000,delta-route-1000' },
    servers: { type: 'string', default: 'meshlog-memory,gcp' },
    load: { type: 'string', default: 'xds-load' },
    services: { type: 'string', default: '1000' },
    'peer-bin': { type: 'string', default: process.env.MESHLOG_XDS_PEER_BIN ?? path.resolve(import.meta.dirname, '../../.cache/xds-peer') },
    timeout: { type: 'string', default: '300' },
    repeat: { type: 'string' },
    out: { type: 'string', default: '/tmp/xds-fanout' },
    'no-pin': { type: 'boolean', default: false },
  },
});

const here = import.meta.dirname;
const out = path.resolve(args.out);
fs.mkdirSync(out, { recursive: true });
const log = (s: string): void => void process.stderr.write(`${s}\n`);
const pin = (cpu: number, cmd: string[]): string[] => (args['no-pin'] ? cmd : ['taskset', '-c', String(cpu), ...cmd]);

for (const tool of ['peer', 'xds-load']) {
  if (!fs.existsSync(path.join(args['peer-bin'], tool))) {
    log(`missing ${tool} in ${args['peer-bin']}: build it with\n  cd <shared>/bench/xds-peer && go build -o ${args['peer-bin']}/ ./cmd/...`);
    process.exit(2);
  }
}

interface Scenario {
  readonly name: string;
  readonly mode: 'sotw' | 'delta';
  readonly kind: 'full' | 'route';
  readonly streams: number;
  readonly repeat: number;
}

function scenario(name: string): Scenario {
  const m = /^(sotw|delta)-(full|route)-(\d+)$/.exec(name);
  if (!m) throw new Error(`scenario ${name}: expected <sotw|delta>-<full|route>-<streams>`);
  const kind = m[2] as 'full' | 'route';
  return { name, mode: m[1] as 'sotw' | 'delta', kind, streams: Number(m[3]), repeat: args.repeat ? Number(args.repeat) : kind === 'full' ? 2 : 3 };
}

interface Server {
  readonly child: ChildProcess;
  readonly addr: string;
  /** GET /stats, when the server has one (live memory after GC). */
  readonly stats?: string;
  readonly trigger: (kind: string) => string;
}

async function waitUntil(what: string, probe: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

async function startServer(kind: string, logFile: string): Promise<Server> {
  const addr = `127.0.0.1:${await freePort()}`;
  const http = `127.0.0.1:${await freePort()}`;
  const fd = fs.openSync(logFile, 'w');
  const node = process.execPath;
  let cmd: string[];
  let trigger: (k: string) => string = (k) => `curl -sf -X POST 'http://${http}/change?kind=${k}'`;
  let dir = '';
  if (kind === 'gcp') cmd = [path.join(args['peer-bin'], 'peer'), '--services', args.services, '--addr', addr, '--http', http];
  else if (kind === 'meshlog-memory') cmd = [node, '--expose-gc', path.join(here, 'serve-memory.ts'), '--services', args.services, '--xds', addr, '--http', http];
  else if (kind === 'meshlog-folder' || kind === 'meshlog-cli') {
    dir = fs.mkdtempSync(path.join(out, 'mesh-'));
    writeMesh(dir, Number(args.services));
    cmd =
      kind === 'meshlog-folder'
        ? [node, path.join(here, 'serve-folder.ts'), '--config', dir, '--xds', addr]
        : [node, path.resolve(here, '../../bin/meshlog.js'), 'serve', '--config', dir, '--xds', addr, '--http', http];
    trigger = (k) => `'${node}' '${path.join(here, 'change.ts')}' '${dir}' ${k}`;
  } else throw new Error(`unknown server ${kind}`);
  const [bin, ...rest] = pin(0, cmd);
  const child = spawn(bin!, rest, { stdio: ['ignore', 'pipe', fd] });
  let stdout = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  const ready =
    kind === 'meshlog-folder'
      ? () => stdout.includes('ready ')
      : kind === 'meshlog-cli'
        ? () => stdout.includes('serving generation')
        : () => fetch(`http://${http}/stats`).then((r) => r.ok, () => false);
  try {
    await waitUntil(`${kind} to start`, async () => {
      if (child.exitCode !== null) throw new Error(`${kind} exited with ${child.exitCode} (see ${logFile})`);
      return ready();
    }, 180_000);
  } catch (err) {
    child.kill('SIGKILL');
    throw err;
  }
  return { child, addr, trigger, ...(kind === 'gcp' || kind === 'meshlog-memory' ? { stats: `http://${http}/stats` } : {}) };
}

function runLoad(load: string, sc: Scenario, server: Server, logFile: string): Promise<string> {
  const flags = [
    '--addr', server.addr,
    '--server-pid', String(server.child.pid),
    '--streams', String(sc.streams),
    '--mode', sc.mode,
    '--trigger', server.trigger(sc.kind),
    '--expect', sc.kind === 'full' ? 'cds,eds,lds,rds' : 'rds',
    '--repeat', String(sc.repeat),
    '--timeout', `${args.timeout}s`,
    '--json',
    ...(sc.streams > 1000 ? ['--batch', '1000'] : []),
  ];
  const cmd =
    load === 'xds-load'
      ? [path.join(args['peer-bin'], 'xds-load'), ...flags]
      : [process.execPath, path.join(here, 'run.ts'), ...flags, ...(server.stats ? ['--stats', server.stats] : [])];
  const [bin, ...rest] = pin(1, cmd);
  fs.writeFileSync(logFile, `$ ${[bin, ...rest].join(' ')}\n`);
  const fd = fs.openSync(logFile, 'a');
  return new Promise((resolve) => {
    const child = spawn(bin!, rest, { stdio: ['ignore', 'pipe', fd] });
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    // Bounded: every phase has --timeout; the whole run gets all phases plus a margin.
    const limit = setTimeout(() => child.kill('SIGKILL'), (Number(args.timeout) * (sc.repeat + 2) + 120) * 1000);
    child.on('exit', () => {
      clearTimeout(limit);
      resolve(stdout.trim().split('\n').pop() ?? '');
    });
  });
}

const results: RunResult[] = [];
for (const name of args.scenarios.split(',')) {
  const sc = scenario(name);
  for (const serverKind of args.servers.split(',')) {
    for (const load of args.load.split(',')) {
      const base = path.join(out, `${sc.name}.${serverKind}.${load}`);
      log(`== ${sc.name} on ${serverKind} with ${load}`);
      let server: Server | undefined;
      try {
        server = await startServer(serverKind, `${base}.server.log`);
        const line = await runLoad(load, sc, server, `${base}.log`);
        fs.writeFileSync(`${base}.json`, `${line}\n`);
        const r = normalize(sc.name, serverKind, load, line);
        results.push(r);
        log(r.error ? `   failed: ${r.error}` : `   initial ${r.initialSyncMs} ms, converge ${r.convergeMs.join(', ')} ms`);
      } catch (err) {
        results.push(normalize(sc.name, serverKind, load, JSON.stringify({ error: (err as Error).message })));
        log(`   failed: ${(err as Error).message}`);
      } finally {
        if (server && server.child.exitCode === null) {
          const gone = new Promise((r) => server!.child.once('exit', r));
          server.child.kill('SIGTERM');
          const t = setTimeout(() => server!.child.kill('SIGKILL'), 5000);
          await gone;
          clearTimeout(t);
        }
      }
    }
  }
}
fs.writeFileSync(path.join(out, 'results.json'), JSON.stringify(results, null, 2));
process.stdout.write(table(results));
