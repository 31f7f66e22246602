// `meshlog serve`: a serving replica on a config folder. Compiles the folder (and again on
// every change), serves ADS on --xds and status/health/metrics on --http, and shuts down
// gracefully on SIGINT/SIGTERM.
import fs from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { buildApiApp, listenApi } from '../../api/app.ts';
import { formatHostPort, parseHostPort } from '../../core/host-port.ts';
import { BOOTSTRAP_DEFAULTS } from '../../envoy/ads-bootstrap.ts';
import { FolderSnapshotSource } from '../../serve/folder-source.ts';
import { routeGrpcLogs } from '../../serve/grpc-log.ts';
import { stderrLogger, type Logger } from '../../serve/logger.ts';
import { DEFAULT_KEEPALIVE_TIME_MS, DEFAULT_KEEPALIVE_TIMEOUT_MS, startXdsServer, type XdsServer } from '../../serve/xds-server.ts';
import { parseFlags, usageError } from '../args.ts';
import { EXIT, type CliCommand } from '../command.ts';
import { chooseCheckedEnvoy } from '../../verify/envoy-identity.ts';
import { ENVOY_FLAG, envoyHelp } from '../../verify/envoy-option.ts';

const FLAGS = {
  config: { type: 'string' },
  xds: { type: 'string' },
  http: { type: 'string' },
  replica: { type: 'string' },
  'compile-heap-mb': { type: 'string' },
  ...ENVOY_FLAG,
} as const;

export interface ServeOptions {
  readonly configDir: string;
  readonly xds: { readonly host: string; readonly port: number };
  readonly http: { readonly host: string; readonly port: number };
  readonly replicaId?: string;
  /** Heap limit of each compile's child process, in MB (`--compile-heap-mb`). */
  readonly compileHeapMb?: number;
  readonly logger: Logger;
  /** Envoy binary that must accept each new snapshot before it is served (`--envoy`). */
  readonly envoyPath?: string;
}

export interface RunningReplica {
  readonly xds: XdsServer;
  readonly httpPort: number;
  readonly source: FolderSnapshotSource;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

/** Starts a folder-backed replica in-process (what `meshlog serve` runs). */
export async function startServe(opts: ServeOptions): Promise<RunningReplica> {
  const envoyPath = opts.envoyPath;
  const source = new FolderSnapshotSource({
    folder: opts.configDir,
    logger: opts.logger,
    ...(opts.compileHeapMb !== undefined ? { maxHeapMb: opts.compileHeapMb } : {}),
    ...(envoyPath !== undefined ? { envoyPath } : {}),
  });
  // Compile first, then listen: the HTTP port (and /healthz) opens once the first compile is
  // done, so a Kubernetes startup probe covers a long first compile, and a proxy that connects
  // finds a snapshot. Later compiles run beside the serving (in a child process).
  await source.start();
  let xds: XdsServer;
  try {
    xds = await startXdsServer({
      source,
      host: opts.xds.host,
      port: opts.xds.port,
      logger: opts.logger,
      ...(opts.replicaId ? { replicaId: opts.replicaId } : {}),
    });
  } catch (err) {
    await source.close(); // the folder watcher would otherwise keep the process alive
    throw err;
  }
  const app = buildApiApp({ source, status: xds.status, metrics: xds.metrics });
  let httpPort: number;
  try {
    httpPort = await listenApi(app, opts.http.host, opts.http.port);
  } catch (err) {
    await xds.close(0);
    await source.close();
    throw err;
  }
  return {
    xds,
    httpPort,
    source,
    app,
    async close() {
      await xds.close();
      await app.close();
      await source.close();
    },
  };
}

/** The address `meshlog bootstrap` points Envoy at by default, so the two plain commands meet. */
const DEFAULT_XDS = BOOTSTRAP_DEFAULTS.server;
const DEFAULT_HTTP = '127.0.0.1:8080';
const PING_S = DEFAULT_KEEPALIVE_TIME_MS / 1000;
const PING_TIMEOUT_S = DEFAULT_KEEPALIVE_TIMEOUT_MS / 1000;

export const command: CliCommand = {
  name: 'serve',
  summary: 'Serve a config folder to Envoy over ADS (xDS), with status on HTTP',
  help: `Compile a config folder and serve it to Envoy proxies over ADS (gRPC, SotW and Delta).
The folder is recompiled whenever a file changes; an invalid change is logged with its
diagnostics and not served (proxies keep the last valid config).

Usage:
  meshlog serve --config DIR [flags]

Flags:
  --config DIR         config folder to serve (required)
  --xds HOST:PORT      xDS (gRPC) listen address (default ${DEFAULT_XDS}; port 0 = any;
                       IPv6 as [::]:18000; no http://)
  --http HOST:PORT     HTTP listen address for /api/proxies, /api/server, /healthz, /readyz,
                       /metrics (default ${DEFAULT_HTTP}; port 0 = any)
  --replica ID         name of this replica in status (default <hostname>-<pid>)
  --compile-heap-mb MB heap limit of each compile, in MB, at least 32 (default: Node's
                       own). Compiles run in a child process beside the serving; one that
                       needs more is logged as failed and the last valid snapshot stays
                       served.
${envoyHelp(23, 2)}.
                       With it, a new snapshot Envoy rejects is logged and not served.

Prints the bound addresses on stdout; logs (JSON lines) go to stderr. Stops gracefully on
SIGINT/SIGTERM. Point Envoy at it with 'meshlog bootstrap'; watch it with 'meshlog status'.

Every xDS connection is pinged (HTTP/2 keepalive) every ${PING_S} s and closed when a ping is not
answered within ${PING_TIMEOUT_S} s: a proxy that froze or was cut off leaves status and metrics within
about ${PING_S + PING_TIMEOUT_S} s, and one stalled longer than ${PING_TIMEOUT_S} s is disconnected (Envoy then reconnects).

Exit codes: 0 stopped cleanly, 2 bad command line, 3 folder missing or not a folder,
            a port in use or --envoy not an Envoy binary.`,
  async run(argv, io) {
    const parsed = parseFlags(argv, FLAGS, 0);
    if (!parsed.ok) return usageError(io, 'serve', parsed.message);
    const { args } = parsed;
    const configDir = args.string('config');
    if (!configDir) return usageError(io, 'serve', '--config DIR is required');
    const xds = parseHostPort(args.string('xds') ?? DEFAULT_XDS, { flag: '--xds', example: DEFAULT_XDS, listen: true });
    if (!xds.ok) return usageError(io, 'serve', xds.message);
    const http = parseHostPort(args.string('http') ?? DEFAULT_HTTP, { flag: '--http', example: DEFAULT_HTTP, listen: true });
    if (!http.ok) return usageError(io, 'serve', http.message);
    const heapFlag = args.string('compile-heap-mb');
    // Digits only (no 1e3, 0x40 or spaces), and room for the compiler itself: the smallest
    // repository needs about 24 MB of heap.
    const compileHeapMb = heapFlag === undefined ? undefined : /^\d{1,7}$/.test(heapFlag) ? Number(heapFlag) : NaN;
    if (compileHeapMb !== undefined && !(compileHeapMb >= 32)) {
      return usageError(io, 'serve', `--compile-heap-mb: expected a whole number of MB, at least 32 (got ${JSON.stringify(heapFlag)})`);
    }
    const envoy = await chooseCheckedEnvoy(args.string('envoy'), io.env, io.cwd);
    if (!envoy.ok) {
      io.stderr(`Error: ${envoy.message}\n`);
      return EXIT.unavailable;
    }
    const dir = configDir.startsWith('/') ? configDir : `${io.cwd}/${configDir}`;
    const stat = fs.statSync(dir, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      // A file is there but is not a folder: say that, as validate does, not "does not exist".
      io.stderr(stat ? `Error: ${configDir} is not a folder: meshlog serves a whole config folder\n` : `Error: config folder ${configDir} does not exist\n`);
      return EXIT.unavailable;
    }

    routeGrpcLogs(stderrLogger);
    // A stop asked for during the first compile (and its Envoy check): nothing is served yet, so
    // there is nothing to drain; the process ends at once (its Envoy checks are ended with it,
    // run-envoy.ts), as it would after startup.
    const stopWhileStarting = (): void => {
      io.stdout('shutting down\n');
      process.exit(EXIT.ok);
    };
    process.once('SIGINT', stopWhileStarting);
    process.once('SIGTERM', stopWhileStarting);
    let replica: RunningReplica;
    try {
      const replicaId = args.string('replica');
      replica = await startServe({
        configDir: dir,
        xds: { host: xds.host, port: xds.port },
        http: { host: http.host, port: http.port },
        ...(replicaId ? { replicaId } : {}),
        ...(compileHeapMb !== undefined ? { compileHeapMb } : {}),
        ...(envoy.envoyPath !== undefined ? { envoyPath: envoy.envoyPath } : {}),
        logger: stderrLogger,
      });
    } catch (err) {
      io.stderr(`Error: cannot start: ${(err as Error).message}\n`);
      return EXIT.unavailable;
    } finally {
      process.off('SIGINT', stopWhileStarting);
      process.off('SIGTERM', stopWhileStarting);
    }
    io.stdout(`xDS (ADS gRPC) listening on ${formatHostPort({ host: xds.host, port: replica.xds.port })}\n`);
    io.stdout(`HTTP listening on http://${formatHostPort({ host: http.host, port: replica.httpPort })}\n`);
    const active = replica.source.current();
    io.stdout(active ? `serving generation ${active.generation} (${active.snapshot.contentHash.slice(0, 12)})\n` : 'not ready: the config folder has no valid snapshot yet (see the log)\n');

    await new Promise<void>((resolve) => {
      const stop = (): void => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    io.stdout('shutting down\n');
    await replica.close();
    return EXIT.ok;
  },
};
