// A service's addresses reach it by Host, as on Istio's sidecars, through a real Envoy: a
// Kubernetes Service's cluster IPs (dual stack: the IPv6 one in brackets) and a ServiceEntry's
// addresses are domains of its virtual host, with or without the Host's port. A CIDR block is
// listed as written, as istiod lists it, so Envoy takes it but no Host names it; an address
// two services list stays with the first by name (ML4020), and Envoy takes the table.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compile/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

const LISTENER = '0.0.0.0_80';

function mesh(up: Upstreams): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: default
  annotations: {meshlog.dev/endpoints: "127.0.0.1"}
spec:
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10, "fd00::10"]
  ports: [{name: http, port: 80, targetPort: ${up.port('reviews')}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.example.com]
  addresses: [10.1.0.0/16, 192.168.7.7/32]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${up.port('api')}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: default}
spec:
  hosts: [web.example.com]
  addresses: [192.168.7.7]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${up.port('web')}}}]
`;
}

let upstreams: Upstreams;
let envoy: EnvoyProcess;
let result: CompileResult;
let port: number;

beforeAll(async () => {
  upstreams = await startUpstreams(['reviews', 'api', 'web']);
  ({ envoy, result } = await runView(mesh(upstreams), 'sidecar', [LISTENER]));
  port = await envoy.listenerPort(LISTENER);
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  await upstreams?.close();
});

/** Which upstream answered a request with this Host, or the status when none did. */
async function reached(host: string): Promise<string> {
  const res = await request(`http://127.0.0.1:${port}/`, { headers: { host } });
  return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status ${res.status}`;
}

describe('service addresses as sidecar domains, in a real Envoy', () => {
  it("routes a Host naming a Kubernetes Service's cluster IP to the Service, whatever the port", async () => {
    expect(await reached('10.96.0.10'), envoy.log()).toBe('reviews');
    expect(await reached('10.96.0.10:80')).toBe('reviews');
    expect(await reached('10.96.0.10:1234')).toBe('reviews');
  });

  it('routes the IPv6 cluster IP of a dual-stack Service, in brackets', async () => {
    expect(await reached('[fd00::10]')).toBe('reviews');
    expect(await reached('[fd00::10]:80')).toBe('reviews');
  });

  it("routes a ServiceEntry's address; a block of one address is that address", async () => {
    expect(await reached('192.168.7.7')).toBe('api');
    expect(await reached('api.example.com')).toBe('api');
  });

  it('routes no address the services do not list, nor one inside a CIDR block (as istiod)', async () => {
    expect(await reached('10.96.0.11')).toBe('status 404');
    expect(await reached('10.1.2.3')).toBe('status 404');
  });

  it('gives an address two services list to the first by name, and says so (ML4020)', async () => {
    expect(await reached('web.example.com')).toBe('web');
    const clash = result.diagnostics.filter((d) => d.code === 'ML4020');
    expect(clash.map((d) => d.message)).toEqual([
      'web.example.com:80 answers to 192.168.7.7 like api.example.com:80 on sidecars (view sidecar); requests for it go to api.example.com:80',
    ]);
  });
});
