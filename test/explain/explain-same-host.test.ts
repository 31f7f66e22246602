// explain on configs from Istio's own tests that meshlog used to lose or refuse:
//  - two ServiceEntries for istio.io, port 80 and port 443 (serviceentry_simulation_test.go
//    serviceEntriesWithDuplicatedHosts): istiod merges their ports, so both ports route;
//  - a route to the wildcard host `*.eu.bookinfo.com` (analyzer testdata
//    virtualservice_destinationhosts.yaml): it goes to the ServiceEntry with exactly that host.
import { describe, expect, it } from 'vitest';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { compileYaml } from '../support/compile-yaml.ts';

const ISTIO_IO = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: istio-http}
spec: {hosts: [istio.io], location: MESH_EXTERNAL, ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: istio-https}
spec: {hosts: [istio.io], location: MESH_EXTERNAL, ports: [{number: 443, name: https, protocol: HTTPS}], resolution: DNS}
`;

const EU_WILDCARD = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: eu-wildcard}
spec:
  hosts: ["*.eu.bookinfo.com"]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.6.0.1}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews-bookinfo-eu-wildcard}
spec:
  hosts: ["*.eu.bookinfo.com"]
  http: [{route: [{destination: {host: "*.eu.bookinfo.com"}}]}]
`;

function compiled(yaml: string): MeshIR {
  const result = compileYaml(yaml);
  expect(result.diagnostics).toEqual([]);
  return result.ir!;
}

function run(ir: MeshIR, request: string) {
  const parsed = parseRequest(request);
  if (!parsed.ok) throw new Error(parsed.error);
  return explain(ir, parsed.request);
}

describe('explain: two ServiceEntries of one host, merged', () => {
  const ir = compiled(ISTIO_IO);

  it('routes port 80 of istio.io by the first entry', () => {
    const text = renderExplanationText(run(ir, 'GET http://istio.io/'));
    expect(text).toContain('Virtual host: istio.io:80 (domain "istio.io", exact match)');
    expect(text).toMatch(/istio\.io:80 +100% {2}outbound\|80\|\|istio\.io/);
  });

  it('proxies port 443 of istio.io, which the second entry defines, by SNI', () => {
    const e = run(ir, 'GET https://istio.io/');
    expect(e.outcome).toMatchObject({ kind: 'tcp_proxy', service: 'istio.io' });
    const text = renderExplanationText(e);
    expect(text).toContain('Listener:     0.0.0.0_443 → TCP proxy, no route table (SNI istio.io: istio.io)');
    expect(text).toMatch(/istio\.io:443 +100% {2}outbound\|443\|\|istio\.io/);
  });
});

describe('explain: a route to a wildcard destination host', () => {
  it('forwards to the cluster of the ServiceEntry with exactly that host', () => {
    const e = run(compiled(EU_WILDCARD), 'GET http://reviews.eu.bookinfo.com/');
    expect(e.route?.name).toBe('vs/default/reviews-bookinfo-eu-wildcard/http/0/match/0');
    expect(renderExplanationText(e)).toMatch(/\*\.eu\.bookinfo\.com:80 +100% {2}outbound\|80\|\|\*\.eu\.bookinfo\.com/);
  });
});
