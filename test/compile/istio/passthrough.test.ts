// resolution NONE services, which meshlog's port-bound listeners cannot pass traffic through:
// an HTTP port draws ML4033 (the 503 itself is checked against a real Envoy in
// test/envoy/live-routing.test.ts), a TLS port ML4032, each at the port as written, whatever the
// order of the ports or the UDP ports a Service also has.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function located(yaml: string): string[] {
  return buildIr([file('a.yaml', yaml)]).diagnostics.map((d) => `${d.code} ${d.line} ${d.field}`).sort();
}

describe('resolution NONE services', () => {
  it('report each HTTP port once per ServiceEntry, and a TLS port, at the port as written (ports unsorted)', () => {
    expect(
      located(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: legacy, namespace: shop}
spec:
  hosts: [a.example.net, b.example.net]
  ports:
  - {number: 9443, name: tls, protocol: TLS}
  - {number: 8080, name: http, protocol: HTTP}
`),
    ).toEqual(['ML4032 7 spec.ports[0]', 'ML4032 7 spec.ports[0]', 'ML4033 8 spec.ports[1]']);
  });

  it('suggests listing the names when a host is a wildcard (DNS needs names)', () => {
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

  it('say nothing for DNS and STATIC services', () => {
    const entry = (resolution: string, endpoints = '') => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.net]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: ${resolution}
${endpoints}`;
    expect(located(entry('DNS'))).toEqual([]);
    expect(located(entry('STATIC', '  endpoints: [{address: 10.0.0.1}]\n'))).toEqual([]);
  });
});
