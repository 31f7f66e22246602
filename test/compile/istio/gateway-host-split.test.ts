// One VirtualService bound to several Gateways that each expose only some of its hosts. Istio
// builds each gateway server's routes from the VirtualService hosts that server exposes and
// skips the VirtualService when none match (pilot/pkg/networking/core/gateway.go, the
// intersection in buildGatewayHTTPRouteConfig; pickMatchingGatewayHosts for TCP/TLS);
// istioctl analyze warns only about a Gateway that exposes none of the hosts
// (analyzers/virtualservice/gateways.go, vsHostInGateway, IST0132). So: ML4010 for a host no
// bound Gateway exposes, and for a bound Gateway that exposes none of the hosts; each view
// routes the hosts its Gateway exposes.
import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../../src/compile/index.ts';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

const gateway = (name: string, label: string, hosts: string[]) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ${label}}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [${hosts.join(', ')}]
`;

const virtualService = (hosts: string[], gateways: string[]) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin, namespace: default}
spec:
  hosts: [${hosts.join(', ')}]
  gateways: [${gateways.join(', ')}]
  http:
  - route:
    - destination: {host: httpbin, port: {number: 8000}}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata: {name: httpbin, namespace: default}
spec:
  selector: {app: httpbin}
  ports: [{name: http, port: 8000, targetPort: 8080}]
`;

function compileDocs(...docs: string[]): CompileResult {
  const yaml = docs.join('---\n');
  return compileYaml(yaml);
}

/** A gateway view's virtual host domains, over all its route tables. */
function domains(r: CompileResult, view: string): string[] {
  const snapshot = r.snapshot!;
  const v = snapshot.views.find((x) => x.name === view)!;
  expect(v, view).toBeDefined();
  const byHash = new Map([...snapshot.resources.values()].map((x) => [x.hash, x]));
  return v.resources.rds.flatMap((e) => (decodeResource(byHash.get(e.hash)!) as { virtual_hosts?: { domains: string[] }[] }).virtual_hosts ?? []).flatMap((vh) => vh.domains);
}

const errors = (r: CompileResult) => r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);

describe('a VirtualService whose hosts are split across its Gateways', () => {
  it('is accepted, and each Gateway view routes only the hosts its servers expose', () => {
    const r = compileDocs(
      gateway('gw-a', 'ingressgateway', ['a.example.com']),
      gateway('gw-b', 'internal-gateway', ['b.example.com']),
      virtualService(['a.example.com', 'b.example.com'], ['gw-a', 'gw-b']),
      SERVICE,
    );
    expect(errors(r)).toEqual([]);
    expect(domains(r, 'gateway~default~gw-a')).toEqual(['a.example.com']);
    expect(domains(r, 'gateway~default~gw-b')).toEqual(['b.example.com']);
  });

  it('still rejects a host none of the bound Gateways exposes, naming them all', () => {
    const r = compileDocs(
      gateway('gw-a', 'ingressgateway', ['a.example.com']),
      gateway('gw-b', 'internal-gateway', ['b.example.com']),
      virtualService(['a.example.com', 'b.example.com', 'c.example.com'], ['gw-a', 'gw-b']),
      SERVICE,
    );
    const found = r.diagnostics.filter((d) => d.code === 'ML4010');
    expect(found.map((d) => d.field)).toEqual(['spec.hosts[2]']);
    expect(found[0]!.message).toContain('host c.example.com is not exposed to namespace default by any of the Gateways this VirtualService binds');
    expect(found[0]!.related?.map((x) => x.resource?.name)).toEqual(['gw-a', 'gw-b']);
  });

  it('rejects a bound Gateway that exposes none of the hosts (istioctl analyze IST0132), at its reference', () => {
    const r = compileDocs(
      gateway('gw-a', 'ingressgateway', ['a.example.com']),
      gateway('gw-c', 'other-gateway', ['c.example.com']),
      virtualService(['a.example.com'], ['gw-a', 'gw-c']),
      SERVICE,
    );
    const found = r.diagnostics.filter((d) => d.code === 'ML4010');
    expect(found.map((d) => d.field)).toEqual(['spec.gateways[1]']);
    expect(found[0]!.message).toMatch(/^none of the hosts \(a\.example\.com\) is exposed by Gateway default\/gw-c /);
  });

  it('with one Gateway, reports each unexposed host as before (no second diagnostic at the binding)', () => {
    const r = compileDocs(gateway('gw-a', 'ingressgateway', ['a.example.com']), virtualService(['x.example.com', 'y.example.com'], ['gw-a']), SERVICE);
    const found = r.diagnostics.filter((d) => d.code === 'ML4010');
    expect(found.map((d) => d.field)).toEqual(['spec.hosts[0]', 'spec.hosts[1]']);
    expect(found[0]!.message).toMatch(/^host x\.example\.com is not exposed to namespace default by Gateway default\/gw-a \(mesh\.yaml:\d+\); its servers expose port 80: a\.example\.com$/);
  });
});
