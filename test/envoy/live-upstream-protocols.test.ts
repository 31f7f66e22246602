// The protocol a cluster speaks to its servers, as Istio picks it from the port, seen through a
// real Envoy: HTTP/2 for a GRPC-Web port (gRPC-Web rides on HTTP/2 to the server, as for GRPC
// and HTTP2 ports), and, for a Kubernetes Service port, what its appProtocol says when it has
// one, not its name. Each upstream speaks one protocol only and answers with the HTTP version
// it was reached over, so a wrong choice is a failed request.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { request } from '../support/upstreams.ts';

let envoy: EnvoyProcess;
let port: number;
let h2cServer: http2.Http2Server;
let http1Server: http.Server;

const answerVersion = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse): void => {
  res.end(JSON.stringify({ httpVersion: req.httpVersion }));
};

/** A Kubernetes Service `name` in namespace default, port 80 as `portFields` say, served by 127.0.0.1:`targetPort`. */
function kubeService(name: string, targetPort: number, portFields: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${name}, namespace: default, annotations: {meshlog.dev/endpoints: "127.0.0.1"}}
spec:
  ports: [{port: 80, targetPort: ${targetPort}, ${portFields}}]
---
`;
}

beforeAll(async () => {
  // HTTP/2 without TLS and without an upgrade (prior knowledge): it refuses HTTP/1.1.
  h2cServer = http2.createServer(answerVersion);
  await new Promise<void>((r) => h2cServer.listen(0, '127.0.0.1', r));
  const h2c = (h2cServer.address() as AddressInfo).port;
  http1Server = http.createServer(answerVersion);
  await new Promise<void>((r) => http1Server.listen(0, '127.0.0.1', r));
  const http1 = (http1Server.address() as AddressInfo).port;
  const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: default}
spec:
  hosts: [web.test]
  ports: [{number: 80, name: web, protocol: GRPC-Web}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {web: ${h2c}}}]
---
${kubeService('legacy', http1, 'name: grpc, appProtocol: example.com/legacy')}${kubeService('modern', h2c, 'name: http, appProtocol: http2-internal')}`;
  ({ envoy } = await runView(yaml, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  h2cServer?.close();
  http1Server?.close();
});

const get = (host: string) => request(`http://127.0.0.1:${port}/`, { headers: { host } });

describe('upstream protocols with a real Envoy', () => {
  it('speaks HTTP/2 to the servers of a GRPC-Web port, as Istio', async () => {
    const res = await get('web.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ httpVersion: '2.0' });
  });

  it("reads a Service port's appProtocol alone, not its name, as Istio: one Istio does not know leaves the port to HTTP/1.1", async () => {
    // Named grpc: read by its name, the cluster would speak HTTP/2 to an HTTP/1.1 server.
    const res = await get('legacy.default.svc.cluster.local');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ httpVersion: '1.1' });
  });

  it("reads a Service port's appProtocol by its prefix, as a name is read: http2-… is HTTP/2", async () => {
    const res = await get('modern.default.svc.cluster.local');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ httpVersion: '2.0' });
  });
});
