// ServiceEntry endpoints on Unix domain sockets (`unix:///path`, resolution STATIC), as Istio:
// the endpoint becomes an Envoy Address `pipe: {path}` with no port (serviceentry/conversion.go
// convertWorkloadInstanceToServiceInstance, networking/util BuildAddress). The API's own example
// (service_entry.proto, `unix-domain-socket-example`) is compiled here and run in a real Envoy
// that forwards to a Node HTTP server listening on a socket.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { compile, type CompileResult } from '../../../src/compile/index.ts';
import type { IrEndpointSet } from '../../../src/compile/ir/types.ts';
import { buildLoadAssignment } from '../../../src/compile/xds/endpoint.ts';
import { encodeLoadAssignment } from '../../../src/compile/xds/fast-encode.ts';
import { buildGrpcLoadAssignment, encodeGrpcLoadAssignment } from '../../../src/compile/xds/grpc-resources.ts';
import { diffEndpoints } from '../../../src/diff/cluster-diff.ts';
import { messageType } from '../../../src/envoy/proto-root.ts';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { startEnvoy, validateConfig } from '../../support/envoy-process.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-uds-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const serviceEntry = (socket: string, extra = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: unix-domain-socket-example
spec:
  hosts:
  - "example.unix.local"
  location: MESH_EXTERNAL
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: STATIC
  endpoints:
  - address: unix://${socket}
${extra}`;

function compileYaml(yaml: string): CompileResult {
  return compile({ origin: { kind: 'folder', path: '/repo' }, commit: null, files: [{ path: 'se.yaml', bytes: new TextEncoder().encode(yaml) }], diagnostics: [] });
}

const CLUSTER = 'outbound|80||example.unix.local';

describe('a STATIC ServiceEntry endpoint on a Unix domain socket', () => {
  it('compiles to an EDS endpoint with a pipe address and no port', () => {
    const result = compileYaml(serviceEntry('/var/run/example/socket'));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.ir!.endpoints.find((s) => s.clusterName === CLUSTER)!.endpoints).toEqual([{ address: 'unix:///var/run/example/socket', port: 0 }]);
    const snapshot = result.snapshot!;
    const eds = snapshot.views[0]!.resources.eds.map((e) => decodeResource(snapshot.resources.get(e.hash)!)) as {
      cluster_name: string;
      endpoints: { lb_endpoints: { endpoint: { address: object } }[] }[];
    }[];
    expect(eds.map((e) => e.cluster_name)).toEqual([CLUSTER]);
    expect(JSON.parse(JSON.stringify(eds[0]!.endpoints[0]!.lb_endpoints[0]!.endpoint.address))).toEqual({ pipe: { path: '/var/run/example/socket' } });
  });

  it('is written as a pipe by the plain and the fast encoders, for sidecars and gRPC clients alike', () => {
    const set: IrEndpointSet = {
      clusterName: CLUSTER,
      endpoints: [
        { address: 'unix:///var/run/a.sock', port: 0, weight: 3, locality: 'eu/a' },
        { address: 'unix://@abstract', port: 0 },
        { address: '10.0.0.1', port: 80 },
      ],
    };
    const cla = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');
    const addresses = (o: { endpoints: { lb_endpoints: { endpoint: { address: unknown } }[] }[] }) =>
      o.endpoints.flatMap((g) => g.lb_endpoints.map((e) => e.endpoint.address));
    const expected = [{ pipe: { path: '/var/run/a.sock' } }, { pipe: { path: '@abstract' } }, { socket_address: { address: '10.0.0.1', port_value: 80 } }];
    for (const [plain, fast] of [
      [buildLoadAssignment(set), encodeLoadAssignment(set)],
      [buildGrpcLoadAssignment(set), encodeGrpcLoadAssignment(set)],
    ] as const) {
      const bytes = cla.encode(cla.fromObject(plain)).finish();
      expect(Buffer.from(fast).equals(Buffer.from(bytes))).toBe(true);
      const decoded = cla.toObject(cla.decode(fast)) as Parameters<typeof addresses>[0];
      expect(addresses(decoded).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
        [...expected].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
      );
    }
  });

  it('is named by its socket alone in endpoint diffs', () => {
    const before: IrEndpointSet[] = [{ clusterName: CLUSTER, endpoints: [{ address: 'unix:///var/run/a.sock', port: 0 }] }];
    const after: IrEndpointSet[] = [{ clusterName: CLUSTER, endpoints: [{ address: 'unix:///var/run/b.sock', port: 0 }] }];
    expect(diffEndpoints(before, after)).toEqual([{ cluster: CLUSTER, before: 1, after: 1, added: ['unix:///var/run/b.sock'], removed: ['unix:///var/run/a.sock'], changed: [] }]);
  });

  it('is loaded by Envoy, which forwards requests to the server listening on the socket', async () => {
    const socket = path.join(tmp, 'upstream.sock');
    const server = http.createServer((req, res) => res.end(`socket says hi to ${req.headers.host} ${req.url}`));
    await new Promise<void>((resolve) => server.listen(socket, resolve));
    try {
      const result = compileYaml(serviceEntry(socket));
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const snapshot = result.snapshot!;
      const view = snapshot.views.find((v) => v.kind === 'sidecar')!;
      const file = path.join(tmp, 'bootstrap.yaml');
      const bootstrap = staticBootstrap(snapshot, view.name, { adminPort: 0, listenerAddress: '127.0.0.1', listenerPorts: { '0.0.0.0_80': 0 } });
      fs.writeFileSync(file, YAML.stringify(bootstrap));
      const verdict = validateConfig(file);
      expect(verdict.ok, verdict.output).toBe(true);
      const envoy = await startEnvoy(file);
      try {
        const port = await envoy.listenerPort('0.0.0.0_80');
        const reply = await get(port, 'example.unix.local', '/hello');
        expect(reply, envoy.log()).toEqual({ status: 200, body: 'socket says hi to example.unix.local /hello' });
      } finally {
        await envoy.stop();
      }
    } finally {
      server.close();
    }
  }, 40_000);
});

function get(port: number, host: string, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: urlPath, headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timed out')));
    req.end();
  });
}
