// Routes to clusters that could only pass requests through (ML4033): a resolution NONE service's
// or one whose DestinationRule sets loadBalancer PASSTHROUGH. meshlog's port-bound listeners
// cannot (the 503 itself is checked against a real Envoy in test/envoy/live-routing.test.ts).
// Read from the compiled routes; said at the rule, or at the port as written for a default route.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function located(yaml: string): string[] {
  return buildIr([file('a.yaml', yaml)]).diagnostics.map((d) => `${d.code} ${d.line} ${d.field}`).sort();
}

const LEGACY = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [a.example.net, b.example.net]
  ports:
  - {number: 9443, name: tls, protocol: TLS}
  - {number: 8080, name: http, protocol: HTTP}
`;

describe('routes to clusters that could only pass requests through', () => {
  it("are reported at the port as written (ports unsorted) for each host's default route; the TLS port is ML4032's", () => {
    expect(located(LEGACY)).toEqual(['ML4032 7 spec.ports[0]', 'ML4032 7 spec.ports[0]', 'ML4033 8 spec.ports[1]', 'ML4033 8 spec.ports[1]']);
  });

  it('are not reported for a host whose VirtualService sends its requests elsewhere', () => {
    const yaml = `${LEGACY}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backend, namespace: shop}
spec:
  hosts: [backend.example.net]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [a.example.net, b.example.net]
  http:
  - route: [{destination: {host: backend.example.net}}]
`;
    expect(located(yaml).filter((d) => d.startsWith('ML4033'))).toEqual([]);
  });

  it('are reported at the rule of a VirtualService routing to such a host, once', () => {
    const yaml = `${LEGACY}---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [a.example.net, b.example.net]
  http:
  - match: [{uri: {prefix: /v1}}, {uri: {prefix: /v2}}]
    route: [{destination: {host: a.example.net, port: {number: 8080}}}]
  - route: [{destination: {host: a.example.net, port: {number: 8080}}}]
`;
    expect(located(yaml).filter((d) => d.startsWith('ML4033'))).toEqual(['ML4033 16 spec.http[0]', 'ML4033 18 spec.http[1]']);
  });

  it('cover a DestinationRule with loadBalancer PASSTHROUGH, and say nothing for DNS and STATIC services', () => {
    const entry = (resolution: string, more = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.net]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: ${resolution}
${more}`;
    expect(located(entry('DNS'))).toEqual([]);
    expect(located(entry('STATIC', '  endpoints: [{address: 10.0.0.1}]\n'))).toEqual([]);
    const passthrough = buildIr([
      file('a.yaml', `${entry('DNS')}---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: shop}
spec:
  host: api.example.net
  trafficPolicy: {loadBalancer: {simple: PASSTHROUGH}}
`),
    ]).diagnostics;
    expect(passthrough.map((d) => `${d.code} ${d.field}`)).toEqual(['ML4033 spec.ports[0]']);
    expect(passthrough[0]?.message).toContain('the DestinationRule for api.example.net sets loadBalancer PASSTHROUGH');
  });

  it('suggest listing the names when the NONE host is a wildcard (DNS needs names)', () => {
    const d = buildIr([
      file('a.yaml', `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: apis, namespace: shop}
spec:
  hosts: ["*.googleapis.com"]
  ports: [{number: 80, name: http, protocol: HTTP}]
`),
    ]).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['ML4033']);
    expect(d[0]?.message).toContain('List the host names with resolution DNS (DNS needs names, not wildcards)');
  });
});
