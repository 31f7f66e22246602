// The protocol a cluster speaks to its servers, as Istio picks it from the port, seen through a
// real Envoy: HTTP/2 for a GRPC-Web port (gRPC-Web rides on HTTP/2 to the server, as for GRPC
// and HTTP2 ports). The upstream speaks one protocol only and answers with the HTTP version it
// was reached over, so a wrong choice is a failed request.
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { request } from '../support/upstreams.ts';

let envoy: EnvoyProcess;
let port: number;
let h2cServer: http2.Http2Server;

const answerVersion = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse): void => {
  res.end(JSON.stringify({ httpVersion: req.httpVersion }));
};

beforeAll(async () => {
  // HTTP/2 without TLS and without an upgrade (prior knowledge): it refuses HTTP/1.1.
  h2cServer = http2.createServer(answerVersion);
  await new Promise<void>((r) => h2cServer.listen(0, '127.0.0.1', r));
  const h2c = (h2cServer.address() as AddressInfo).port;
  const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: default}
spec:
  hosts: [web.test]
  ports: [{number: 80, name: web, protocol: GRPC-Web}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {web: ${h2c}}}]
`;
  ({ envoy } = await runView(yaml, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  h2cServer?.close();
});

const get = (host: string) => request(`http://127.0.0.1:${port}/`, { headers: { host } });

describe('upstream protocols with a real Envoy', () => {
  it('speaks HTTP/2 to the servers of a GRPC-Web port, as Istio', async () => {
    const res = await get('web.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ httpVersion: '2.0' });
  });
});
