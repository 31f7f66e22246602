// A host with a trailing dot: Istio accepts it (agent/validation.go ValidateDNS1123Labels) and
// keeps the dot (model/config.go ResolveShortnameToFQDN), so it is another host than the name
// without it. meshlog accepts it too, keeps it, and warns (ML3055) with what it then matches.
import { describe, expect, it } from 'vitest';
import { compileYaml } from '../../support/compile-yaml.ts';
import { loadOne } from '../parse/helpers.ts';

const doc = (kind: string, spec: string) => `apiVersion: networking.istio.io/v1\nkind: ${kind}\nmetadata: {name: x, namespace: default}\nspec:\n${spec}`;
const found = (kind: string, spec: string) => loadOne(doc(kind, spec)).diagnostics.map((d) => [d.code, d.severity, d.field]);

describe('hosts with a trailing dot', () => {
  it('are accepted wherever Istio takes a host, with a warning that says what they match', () => {
    const vs = loadOne(doc('VirtualService', '  hosts: [reviews.default.svc.cluster.local.]\n  http: [{route: [{destination: {host: reviews.default.svc.cluster.local.}}]}]\n'));
    expect(vs.diagnostics.map((d) => [d.code, d.severity, d.field, d.message])).toEqual([
      [
        'ML3055',
        'warning',
        'spec.hosts[0]',
        'host "reviews.default.svc.cluster.local." ends with a dot, which Istio keeps: it is not "reviews.default.svc.cluster.local", the name services are known by and clients send in Host headers and SNI, so these rules take only requests whose Host header ends with the dot; the routing of the host without it is unchanged',
      ],
      [
        'ML3055',
        'warning',
        'spec.http[0].route[0].destination.host',
        'host "reviews.default.svc.cluster.local." ends with a dot, which Istio keeps: it is not "reviews.default.svc.cluster.local", the name services are known by and clients send in Host headers and SNI, so requests are sent to a service of that name, with the dot, not to the one without it',
      ],
    ]);
    expect(vs.resources.virtualServices).toHaveLength(1);
    expect(found('DestinationRule', '  host: reviews.\n')).toEqual([['ML3055', 'warning', 'spec.host']]);
    expect(found('ServiceEntry', '  hosts: [api.example.com., "*.example.org."]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: NONE\n')).toEqual([
      ['ML3055', 'warning', 'spec.hosts[0]'],
      ['ML3055', 'warning', 'spec.hosts[1]'],
    ]);
    expect(found('Gateway', '  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["shop/shop.example.com."]}]\n')).toEqual([['ML3055', 'warning', 'spec.servers[0].hosts[0]']]);
    const sni = loadOne(doc('VirtualService', '  hosts: [api.example.com.]\n  tls: [{match: [{sniHosts: [api.example.com.]}], route: [{destination: {host: api.example.com}}]}]\n'));
    expect(sni.diagnostics.map((d) => [d.field, d.message])).toEqual([
      ['spec.hosts[0]', expect.stringContaining('these rules take only requests whose Host header ends with the dot')],
      ['spec.tls[0].match[0].sniHosts[0]', 'SNI name "api.example.com." ends with a dot, and SNI names never do (RFC 6066): no connection matches it'],
    ]);
  });

  it('take a DNS endpoint address with a trailing dot silently: an absolute name resolves the same', () => {
    expect(found('ServiceEntry', '  hosts: [api.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  endpoints: [{address: backend.example.com.}]\n')).toEqual([]);
  });

  it('are still errors with more than one dot, or in MeshConfig clusterDomain (meshlog\'s own field)', () => {
    expect(found('DestinationRule', '  host: reviews..\n')).toEqual([['ML3010', 'error', 'spec.host']]);
    expect(found('DestinationRule', '  host: .\n')).toEqual([['ML3010', 'error', 'spec.host']]);
    const mesh = loadOne('apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {clusterDomain: cluster.local.}\n');
    expect(mesh.diagnostics.map((d) => [d.code, d.field])).toEqual([['ML3010', 'spec.clusterDomain']]);
  });

  it('name another host than the one without the dot, which the registry hint points at', () => {
    const result = compileYaml(`apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  ports: [{name: http, port: 9080}]
---
${doc('VirtualService', '  hosts: [reviews]\n  http: [{route: [{destination: {host: reviews.default.svc.cluster.local.}}]}]\n')}`);
    expect(result.diagnostics.map((d) => [d.code, d.message])).toContainEqual([
      'ML4001',
      'destination host reviews.default.svc.cluster.local. is not defined by any Service or ServiceEntry in the repository; the trailing dot makes it another host than reviews.default.svc.cluster.local, which is defined: remove the dot',
    ]);
    expect(result.valid).toBe(true);
  });
});
