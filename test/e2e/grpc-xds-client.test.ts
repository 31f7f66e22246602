// gRPC's own xDS client (@grpc/grpc-js-xds) as a second, independent xDS implementation, on
// config compiled from Istio YAML: a folder with a Kubernetes Service (gRPC port, endpoints =
// two local gRPC echo servers), a DestinationRule (subsets v1/v2) and a VirtualService (80/20
// split) is served by `meshlog serve`'s parts (FolderSnapshotSource + the ADS server). A gRPC
// client whose bootstrap comes from `meshlog bootstrap --client grpc` dials xds:///<host>:<port>
// and its calls must follow the split; then the VirtualService file changes and a new client
// follows the new split, with every xDS type ACKed and nothing NACKed; a ServiceEntry's
// endpoints in two localities get calls by locality weight; a fault abort reaches the calls
// (one without percentage reaches none, as on Envoy); a VirtualService timeout cuts off a slow
// call; and a route gRPC cannot run shows up as gRPC's NACK in the server's status.
//
// The mesh also has a plain HTTP service on the same port whose routes hold a redirect and a
// CORS policy (gRPC rejects a whole route table for either), and the echo clusters use Istio's
// default LEAST_REQUEST (gRPC rejects it): the calls succeeding proves the gRPC view carries
// neither to the client (see src/compile/istio/grpc-views.ts, src/compile/xds/grpc-resources.ts).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/command.ts';
import { command as bootstrapCommand } from '../../src/cli/commands/bootstrap.ts';
import { FolderSnapshotSource } from '../../src/serve/folder-source.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import type { ActiveSnapshot } from '../../src/serve/snapshot-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { verifyWithEnvoy } from '../../src/verify/envoy-verify.ts';
import { compile } from '../../src/compile/index.ts';
import { GRPC_POLICY_MESH } from '../compile/xds/grpc-mesh-fixture.ts';
import { envoyBinary } from '../support/envoy-binary.ts';
import { startEchoServer, type EchoServer } from './support/grpc-echo.ts';
import { ECHO_DNS_TARGET, ECHO_PORT, ECHO_SE_TARGET, writeEchoSplit, writeGrpcMesh, writeServices } from './support/grpc-mesh.ts';
import { runGrpcClient } from './support/run-grpc-client.ts';

const CALLS = 1000;
// 1000 calls at p = 0.8: one standard deviation is 1.3 points, so ±5 points is ~4σ.
const TOLERANCE = 0.05;

/** Two echo servers on one port (the Service's targetPort), at 127.0.0.1 and 127.0.0.2. */
async function startEchoPair(): Promise<[EchoServer, EchoServer]> {
  for (let attempt = 0; ; attempt++) {
    const v1 = await startEchoServer('echo-v1', '127.0.0.1', 0);
    try {
      return [v1, await startEchoServer('echo-v2', '127.0.0.2', v1.port)];
    } catch (err) {
      await v1.close(); // the port was taken on 127.0.0.2: try another
      if (attempt >= 4) throw err;
    }
  }
}

async function grpcBootstrapJson(args: string[]): Promise<unknown> {
  let out = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: () => {}, cwd: '/', env: {} };
  expect(await bootstrapCommand.run(['--client', 'grpc', ...args], io)).toBe(0);
  return JSON.parse(out);
}

function nextActivation(source: FolderSnapshotSource, timeoutMs = 15_000): Promise<ActiveSnapshot> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the changed folder was not activated')), timeoutMs);
    const off = source.subscribe((a) => {
      clearTimeout(timer);
      off();
      resolve(a);
    });
  });
}

describe('gRPC xDS client (grpc-js-xds) on a compiled snapshot', () => {
  let v1: EchoServer;
  let v2: EchoServer;
  let dir: string;
  let source: FolderSnapshotSource;
  let server: XdsServer;

  beforeAll(async () => {
    [v1, v2] = await startEchoPair();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-grpc-e2e-'));
    writeGrpcMesh(dir, { targetPort: v1.port, v1Address: '127.0.0.1', v2Address: '127.0.0.2', v1Weight: 80 });
    source = new FolderSnapshotSource({ folder: dir, logger: silentLogger, debounceMs: 50 });
    const first = await source.start();
    if (!first.ok) throw new Error(`the test mesh does not compile: ${first.reason}`);
    server = await startXdsServer({ source, port: 0, logger: silentLogger });
  });

  afterAll(async () => {
    await server?.close(1000);
    await source?.close();
    await v1?.close();
    await v2?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('resolves xds:///echo:7070 (short name, own namespace) and splits calls 80/20', async () => {
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-short']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, `echo:${ECHO_PORT}`, CALLS, () => (status = server.status.list()));
    expect(r.firstError).toBe('');
    expect(r.errors).toBe(0);
    expect((r.counts['echo-v1'] ?? 0) + (r.counts['echo-v2'] ?? 0)).toBe(CALLS);
    expect(Math.abs((r.counts['echo-v1'] ?? 0) / CALLS - 0.8)).toBeLessThan(TOLERANCE);
    const proxy = status.find((p) => p.node === 'grpc-short');
    expect(proxy?.view).toBe('grpc~default');
  });

  it('resolves the full name from the default gRPC view (no namespace)', async () => {
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--node-id', 'grpc-fqdn']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, `echo.default.svc.cluster.local:${ECHO_PORT}`, 200, () => (status = server.status.list()));
    expect(r.firstError).toBe('');
    expect((r.counts['echo-v1'] ?? 0) + (r.counts['echo-v2'] ?? 0)).toBe(200);
    expect(status.find((p) => p.node === 'grpc-fqdn')?.view).toBe('grpc');
  });

  it('spreads calls over localities by their weight (a ServiceEntry with endpoints in two localities, 3:1)', async () => {
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-se']);
    const r = await runGrpcClient(bootstrap, ECHO_SE_TARGET, CALLS);
    expect(r.firstError).toBe('');
    expect(r.errors).toBe(0);
    expect(Math.abs((r.counts['echo-v1'] ?? 0) / CALLS - 0.75)).toBeLessThan(TOLERANCE);
  });

  it('reaches a ServiceEntry resolved by DNS, its cluster as gRPC reads one (type LOGICAL_DNS, not the DNS cluster extension)', async () => {
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-dns']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, ECHO_DNS_TARGET, 20, () => (status = server.status.list()));
    expect(r.firstError).toBe('');
    expect(r.counts['echo-v1']).toBe(20); // localhost: the v1 server's address
    expect(status.find((p) => p.node === 'grpc-dns')?.types.cds.nack).toBeNull();
  });

  it('follows a changed VirtualService, and ACKs every type without a NACK', async () => {
    const activated = nextActivation(source);
    writeEchoSplit(dir, 10);
    const next = await activated;
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-after']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, `echo:${ECHO_PORT}`, CALLS, () => (status = server.status.list()));
    expect(r.firstError).toBe('');
    expect(r.errors).toBe(0);
    expect(Math.abs((r.counts['echo-v2'] ?? 0) / CALLS - 0.9)).toBeLessThan(TOLERANCE);
    const proxy = status.find((p) => p.node === 'grpc-after');
    expect(proxy).toBeDefined();
    for (const t of ['cds', 'eds', 'lds', 'rds'] as const) {
      expect(proxy!.types[t].acked).toMatch(new RegExp(`^${next.generation}-[0-9a-f]{8}$`));
      expect(proxy!.types[t].nack).toBeNull();
    }
  });

  it('applies a VirtualService fault (abort with a gRPC status) to gRPC calls', async () => {
    const activated = nextActivation(source);
    writeEchoSplit(dir, 10, { abortGrpcStatus: 'PERMISSION_DENIED' });
    await activated;
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-fault']);
    const r = await runGrpcClient(bootstrap, `echo:${ECHO_PORT}`, 1);
    expect(r.errors).toBe(1);
    expect(r.firstError).toMatch(/^7 PERMISSION_DENIED/);
  });

  it('applies a fault abort without percentage to no call, as Envoy does, rather than losing the route table', async () => {
    // grpc-js rejects an HTTPFault whose abort has no percentage, and with it all of grpc.7070:
    // the gRPC view writes Envoy's reading of it (0 %) out.
    const activated = nextActivation(source);
    writeEchoSplit(dir, 10, { abortGrpcStatus: 'PERMISSION_DENIED', abortPercent: 'none' });
    await activated;
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-fault-none']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, `echo:${ECHO_PORT}`, 20, () => (status = server.status.list()), 5000);
    expect(r.firstError).toBe('');
    expect(r.errors).toBe(0);
    const rds = status.find((p) => p.node === 'grpc-fault-none')?.types.rds;
    expect(rds?.nack).toBeNull();
    expect(rds?.acked).not.toBeNull();
  });

  it('ends a call that outlasts the VirtualService timeout with DEADLINE_EXCEEDED (max_stream_duration, the field gRPC reads)', async () => {
    const args = ['--server', `127.0.0.1:${server.port}`, '--namespace', 'default'];
    const SERVER_DELAY_MS = 1500;
    // Without a timeout the slow backend's answer arrives, well within the call's own 10 s deadline...
    const calm = nextActivation(source);
    writeEchoSplit(dir, 10);
    await calm;
    const patient = await runGrpcClient(await grpcBootstrapJson([...args, '--node-id', 'grpc-no-timeout']), `echo:${ECHO_PORT}`, 1, undefined, 10_000, SERVER_DELAY_MS);
    expect(patient.firstError).toBe('');
    expect(patient.errors).toBe(0);
    // ...and with `timeout: 0.3s` the same call is cut off by the route, not by its own deadline.
    const activated = nextActivation(source);
    writeEchoSplit(dir, 10, { timeout: '0.3s' });
    await activated;
    const cut = await runGrpcClient(await grpcBootstrapJson([...args, '--node-id', 'grpc-timeout']), `echo:${ECHO_PORT}`, 1, undefined, 10_000, SERVER_DELAY_MS);
    expect(cut.errors).toBe(1);
    expect(cut.firstError).toMatch(/^4 DEADLINE_EXCEEDED/);
  });

  it('shows gRPC\'s NACK in status when a gRPC service\'s route is one gRPC cannot run', async () => {
    // `web` turned into a gRPC port: its redirect and CORS policy land in grpc.7070, which gRPC
    // rejects as a whole (the documented limit), so even echo:7070 does not resolve.
    const activated = nextActivation(source);
    writeServices(dir, { targetPort: v1.port, v1Address: '127.0.0.1', v2Address: '127.0.0.2', v1Weight: 80, webIsGrpc: true });
    await activated;
    const bootstrap = await grpcBootstrapJson(['--server', `127.0.0.1:${server.port}`, '--namespace', 'default', '--node-id', 'grpc-nack']);
    let status = server.status.list();
    const r = await runGrpcClient(bootstrap, `echo:${ECHO_PORT}`, 1, () => (status = server.status.list()), 3000);
    expect(r.errors).toBe(1);
    const rds = status.find((p) => p.node === 'grpc-nack')?.types.rds;
    expect(rds?.acked).toBeNull();
    expect(rds?.nack?.message).toContain('unsupported action: redirect');
    expect(rds?.nack?.message).toContain('envoy.filters.http.cors');
  });
});

describe('gRPC views and a real Envoy', () => {
  it('a snapshot with gRPC views passes `--envoy` verification (their clusters and endpoints included)', async () => {
    const result = compile({
      origin: { kind: 'folder', path: '/mesh' },
      commit: null,
      files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(GRPC_POLICY_MESH) }],
      diagnostics: [],
    });
    expect(result.snapshot?.views.filter((v) => v.kind === 'grpc').map((v) => v.name)).toEqual(['grpc', 'grpc~shop']);
    expect(await verifyWithEnvoy(result.snapshot!, { envoyPath: envoyBinary() })).toEqual([]);
  });
});
