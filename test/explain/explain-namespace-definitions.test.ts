// A host defined in namespaces a and b by ServiceEntries istiod does not merge: sidecars of b
// use b's (pick-service.ts). Checks judge a VirtualService of b against b's definition, and a
// destination without port goes to the only port b's definition has (audience.ts,
// route-action.ts destinationPort), as istiod resolves it per sidecar (route.go GetDestinationCluster).
import { describe, expect, it } from 'vitest';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { compileYaml } from '../support/compile-yaml.ts';

/** ServiceEntries a/api-a (port `portA`) and b/api-b (port 8080, http) of api.example.com, and b's VirtualService `route`. */
function mesh(portA: string, route: string, exportTo = '["."]'): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api-a, namespace: a}
spec: {hosts: [api.example.com], resolution: DNS, ports: [${portA}]}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api-b, namespace: b}
spec: {hosts: [api.example.com], resolution: DNS, ports: [{number: 8080, name: http, protocol: HTTP}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: b}
spec:
  exportTo: ${exportTo}
  hosts: [api.example.com]
  http: [{route: [{destination: ${route}}]}]
`;
}

const HTTP_80 = '{number: 80, name: http, protocol: HTTP}';

function codes(yaml: string): string[] {
  return compileYaml(yaml).diagnostics.map((d) => d.code);
}

describe('a host defined in two namespaces: checks use the definition the receivers use', () => {
  it('takes port 8080, which b defines, for a VirtualService of b exported to b (no ML4003)', () => {
    expect(codes(mesh(HTTP_80, '{host: api.example.com, port: {number: 8080}}'))).toEqual(['ML4016', 'ML4016']);
  });

  it('still reports a port no receiving definition has, naming each', () => {
    const d = compileYaml(mesh(HTTP_80, '{host: api.example.com, port: {number: 9090}}', '["*"]')).diagnostics.find((x) => x.code === 'ML4003');
    expect(d?.message).toBe(
      'port 9090 is not a port of api.example.com (ports of the definitions the sidecars receiving this VirtualService use: 8080 in ServiceEntry b/api-b; 80 in ServiceEntry a/api-a)',
    );
  });

  it("accepts a's port for a VirtualService exported to everyone: a's sidecars use it", () => {
    expect(codes(mesh(HTTP_80, '{host: api.example.com, port: {number: 80}}', '["*"]'))).not.toContain('ML4003');
  });

  it('takes the http rules as used where b defines an HTTP port, though a\'s port is TCP (no ML4025)', () => {
    expect(codes(mesh('{number: 80, name: tcp, protocol: TCP}', '{host: api.example.com, port: {number: 8080}}'))).toEqual(['ML4016', 'ML4016']);
  });

  it('warns (ML4043) when receivers of a port-less destination would go to different ports', () => {
    const d = compileYaml(mesh(HTTP_80, '{host: api.example.com}', '["*"]')).diagnostics.find((x) => x.code === 'ML4043');
    expect(d?.message).toContain("go to port 8080 (per ServiceEntry b/api-b), where istiod would send sidecars using ServiceEntry a/api-a to port 80");
  });
});

describe('explain: a destination without port, host defined in two namespaces', () => {
  const result = compileYaml(mesh(HTTP_80, '{host: api.example.com}'));

  it('compiles without ML4043: only b receives the VirtualService', () => {
    expect(result.diagnostics.map((d) => d.code)).toEqual(['ML4016', 'ML4016']);
  });

  it("forwards b's sidecars to b's only port, 8080", () => {
    const parsed = parseRequest('GET http://api.example.com:8080/');
    if (!parsed.ok) throw new Error(parsed.error);
    const text = renderExplanationText(explain(result.ir!, parsed.request, { view: 'sidecar~b' }));
    expect(text).toMatch(/100% {2}outbound\|8080\|\|api\.example\.com/);
    expect(text).not.toContain('outbound|80||');
  });
});
