// Shared ingress, one Gateway per team, in a real Envoy: Gateways alpha and beta select the same
// proxies and expose *.example.com on port 80, alpha to namespace ns-1 (`ns-1/*.example.com`),
// beta to ns-2. As in Istio's gateway_simulation_test.go "multiple wildcards with virtual service
// disambiguator": both servers share the port's route table, each team's VirtualService is
// routed only on the hosts its Gateway exposes to its namespace, and `echo` means each team's
// own Service (ns-1.example.com → echo.ns-1, ns-2.example.com → echo.ns-2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

let upstreams: Upstreams;
let envoy: EnvoyProcess | undefined;
let port = 0;

beforeAll(async () => {
  upstreams = await startUpstreams(['echo-ns-1', 'echo-ns-2']);
  const gateway = (name: string, ns: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - hosts: [${ns}/*.example.com]
    port: {name: http, number: 80, protocol: HTTP}
---
`;
  const team = (ns: string, gw: string) => `apiVersion: v1
kind: Service
metadata: {name: echo, namespace: ${ns}, annotations: {meshlog.dev/endpoints: "127.0.0.1"}}
spec: {ports: [{name: http, port: 80, targetPort: ${upstreams.port(`echo-${ns}`)}}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: default, namespace: ${ns}}
spec:
  hosts: [${ns}.example.com]
  gateways: [default/${gw}]
  http:
  - route: [{destination: {host: echo}}]
---
`;
  const yaml = gateway('alpha', 'ns-1') + gateway('beta', 'ns-2') + team('ns-1', 'alpha') + team('ns-2', 'beta');
  const run = await runView(yaml, 'gateway~default~alpha', ['0.0.0.0_80']);
  envoy = run.envoy;
  expect(run.result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  await upstreams?.close();
});

async function reach(host: string): Promise<string> {
  const res = await request(`http://127.0.0.1:${port}/`, { headers: { host } });
  return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
}

describe('two Gateways sharing *.example.com, each for its own namespace, in a real Envoy', () => {
  it('routes each team\'s host to its own upstream', async () => {
    expect(await reach('ns-1.example.com')).toBe('echo-ns-1');
    expect(await reach('ns-2.example.com')).toBe('echo-ns-2');
  });

  it('routes no other name under the shared wildcard', async () => {
    expect(await reach('ns-3.example.com')).toBe('status:404');
  });
});
