// Runs the real Envoy for tests. startEnvoy(configFile) (JSON or YAML bootstrap) starts it
// with an OS-chosen admin port and no hot-restart shared memory (so parallel tests never clash), logs to a temp
// file, and resolves once /ready says LIVE. validateConfig(file) runs `--mode validate` and
// lists the deprecated fields Envoy warned about.
// Every wait is bounded; stop() sends SIGTERM, then SIGKILL after a grace period.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import YAML from 'yaml';
import { envoyBinary } from './envoy-binary.ts';

// Temp folders made here are removed, and any Envoy a test forgot to stop is killed, when
// the test process exits.
const tempDirs: string[] = [];
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
});

export interface EnvoyProcess {
  /** `http://127.0.0.1:<port>` of the admin interface. */
  readonly adminUrl: string;
  readonly logFile: string;
  readonly pid: number;
  /** The Envoy log so far (for failure messages). */
  log(): string;
  /** Actual bound port of a listener (works with port 0 in the config). */
  listenerPort(name: string): Promise<number>;
  /** One counter or gauge from the admin /stats, by its full name; NaN when Envoy has none by that name. */
  stat(name: string): Promise<number>;
  stop(): Promise<void>;
}

export interface StartOptions {
  readonly readyTimeoutMs?: number;
  /** Envoy log level (default `warning`). */
  readonly logLevel?: string;
}

export async function startEnvoy(configFile: string, opts: StartOptions = {}): Promise<EnvoyProcess> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-envoy-'));
  tempDirs.push(dir);
  const logFile = path.join(dir, 'envoy.log');
  const addressFile = path.join(dir, 'admin-address');
  // Admin on an OS-chosen loopback port, whatever the file says (a copy of the config is
  // run; `--config-yaml` cannot do this, as merging a port of 0 keeps the file's port).
  const config = YAML.parse(fs.readFileSync(configFile, 'utf8')) as { admin?: unknown };
  config.admin = { address: { socket_address: { address: '127.0.0.1', port_value: 0 } } };
  const runFile = path.join(dir, 'bootstrap.json');
  fs.writeFileSync(runFile, JSON.stringify(config));
  const args = [
    '-c', runFile,
    '--admin-address-path', addressFile,
    '--disable-hot-restart',
    '--concurrency', '1',
    '-l', opts.logLevel ?? 'warning',
    '--log-path', logFile,
  ];
  const child = spawn(envoyBinary(), args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  running.add(child);
  let exited: number | null | undefined;
  child.on('exit', (code) => {
    exited = code;
    running.delete(child);
  });

  const log = (): string => {
    const file = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '';
    return (file + stderr).slice(-20_000);
  };
  const stop = async (): Promise<void> => {
    if (exited !== undefined) return;
    const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 3000);
    await gone;
    clearTimeout(timer);
  };

  const deadline = Date.now() + (opts.readyTimeoutMs ?? 20_000);
  let adminUrl = '';
  try {
    while (Date.now() < deadline) {
      if (exited !== undefined) throw new Error(`envoy exited with ${exited}:\n${log()}`);
      if (!adminUrl && fs.existsSync(addressFile)) {
        const addr = fs.readFileSync(addressFile, 'utf8').trim();
        if (addr) adminUrl = `http://${addr}`;
      }
      if (adminUrl) {
        const ready = await fetch(`${adminUrl}/ready`).then((r) => r.text(), () => '');
        if (ready.trim() === 'LIVE') break;
      }
      await sleep(50);
    }
    if (!adminUrl || Date.now() >= deadline) throw new Error(`envoy not LIVE in time:\n${log()}`);
  } catch (err) {
    await stop();
    throw err;
  }

  const listenerPort = async (name: string): Promise<number> => {
    const body = (await (await fetch(`${adminUrl}/listeners?format=json`)).json()) as {
      listener_statuses?: { name: string; local_address?: { socket_address?: { port_value?: number } } }[];
    };
    const port = body.listener_statuses?.find((l) => l.name === name)?.local_address?.socket_address?.port_value;
    if (!port) throw new Error(`envoy has no bound listener ${name}`);
    return port;
  };
  const stat = async (name: string): Promise<number> => {
    // Cluster names hold '|' and '.': escaped, so the filter (a regex) matches the name alone.
    const filter = encodeURIComponent(`^${name.replace(/[|.]/g, '\\$&')}$`);
    const text = await (await fetch(`${adminUrl}/stats?filter=${filter}`)).text();
    const line = text.split('\n').find((l) => l.startsWith(`${name}: `));
    return Number(line?.slice(name.length + 2) ?? NaN);
  };
  return { adminUrl, logFile, pid: child.pid ?? -1, log, listenerPort, stat, stop };
}

export interface ValidateResult {
  readonly ok: boolean;
  readonly output: string;
  /**
   * The deprecated fields Envoy warned about while loading the config (`envoy.config.route.v3.
   * RouteAction.max_grpc_timeout`), each once, sorted: a deprecated field is removed from Envoy
   * some release later.
   */
  readonly deprecated: readonly string[];
}

/** `envoy --mode validate -c file`: ok when Envoy accepts the bootstrap. */
export function validateConfig(configFile: string): ValidateResult {
  // Warning level: Envoy reports each use of a deprecated field as a warning.
  const res = spawnSync(envoyBinary(), ['--mode', 'validate', '-c', configFile, '--disable-hot-restart', '-l', 'warning'], {
    encoding: 'utf8',
    timeout: 30_000,
  });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}`;
  return { ok: res.status === 0, output, deprecated: deprecatedFields(output) };
}

/** The fields of Envoy's "Using deprecated option 'X' from file …" warnings in `log`. */
export function deprecatedFields(log: string): string[] {
  const fields = new Set<string>();
  for (const m of log.matchAll(/Using deprecated option '([^']+)'/g)) fields.add(m[1]!);
  return [...fields].sort();
}

/** Writes `config` as JSON into a fresh temp file (removed at process exit) and returns its path. */
export function writeConfigFile(config: unknown, name = 'bootstrap.json'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-config-'));
  tempDirs.push(dir);
  const file = path.join(dir, name);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
