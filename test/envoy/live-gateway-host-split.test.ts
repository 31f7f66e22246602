// One VirtualService bound to two Gateways, each exposing one of its two hosts, in real Envoys:
// as Istio (pilot/pkg/networking/core/gateway.go: each server takes the VirtualService hosts it
// exposes), gw-a's proxy routes a.example.com and gw-b's routes b.example.com; neither routes
// the other's host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

let upstreams: Upstreams;
const envoys: Record<string, { envoy: EnvoyProcess; port: number }> = {};

beforeAll(async () => {
  upstreams = await startUpstreams(['httpbin']);
  const gateway = (name: string, label: string, host: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ${label}}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${host}]
---
`;
  const yaml = [
    gateway('gw-a', 'ingressgateway', 'a.example.com'),
    gateway('gw-b', 'internal-gateway', 'b.example.com'),
    `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [a.example.com, b.example.com]
  gateways: [gw-a, gw-b]
  http:
  - route: [{destination: {host: httpbin.test}}]
---
`,
    localService('httpbin.test', [upstreams.port('httpbin')]),
  ].join('');
  for (const name of ['gw-a', 'gw-b']) {
    const { envoy, result } = await runView(yaml, `gateway~default~${name}`, ['0.0.0.0_80']);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    envoys[name] = { envoy, port: await envoy.listenerPort('0.0.0.0_80') };
  }
}, 60_000);

afterAll(async () => {
  for (const e of Object.values(envoys)) await e.envoy.stop();
  await upstreams?.close();
});

async function via(gateway: string, host: string): Promise<string> {
  const res = await request(`http://127.0.0.1:${envoys[gateway]!.port}/get`, { headers: { host } });
  return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
}

describe('a VirtualService whose hosts are split across its Gateways, in real Envoys', () => {
  it('routes each host on the gateway that exposes it, and only there', async () => {
    expect(await via('gw-a', 'a.example.com')).toBe('httpbin');
    expect(await via('gw-b', 'b.example.com')).toBe('httpbin');
    expect(await via('gw-a', 'b.example.com')).toBe('status:404');
    expect(await via('gw-b', 'a.example.com')).toBe('status:404');
  });
});
