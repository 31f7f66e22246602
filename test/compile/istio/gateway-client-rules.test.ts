// Gateway ports whose HTTPS servers ask different things of clients (as every port with several
// HTTPS servers does): every server routes by a
// table of its own, named by the server's index, holding only what it admits; and a
// host a laxer server answers too (exactly or by a wildcard) is reported (ML4034). The live side
// is test/envoy/live-mtls-gateway.test.ts.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import type { MeshIR } from '../../../src/compile/ir/types.ts';
import { file } from './support.ts';

const MUTUAL = '{mode: MUTUAL, serverCertificate: /c/a.crt, privateKey: /c/a.key, caCertificates: /c/ca.crt}';
const SIMPLE = '{mode: SIMPLE, serverCertificate: /c/b.crt, privateKey: /c/b.key}';

function mesh(servers: string, vss: string): string {
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
${servers}${vss}
---
apiVersion: v1
kind: Service
metadata: {name: secret, namespace: web}
spec:
  ports: [{name: http, port: 8080}]
---
apiVersion: v1
kind: Service
metadata: {name: public, namespace: web}
spec:
  ports: [{name: http, port: 8080}]
`;
}

/** Two HTTPS servers on port 443: their port names, hosts (YAML flow list items) and tls. */
function twoServers(a: readonly [name: string, hosts: string, tls: string], b: readonly [name: string, hosts: string, tls: string]): string {
  return [a, b].map(([name, hosts, tls]) => `  - port: {number: 443, name: ${name}, protocol: HTTPS}\n    hosts: [${hosts}]\n    tls: ${tls}\n`).join('');
}

function vs(name: string, ns: string, hosts: string, backend: string): string {
  return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${hosts}]
  gateways: [web/gw]
  http:
  - route: [{destination: {host: ${backend}.web.svc.cluster.local}}]
`;
}

/** Each HTTPS chain of port 443 → its table's virtual host names. */
function tablesOf(ir: MeshIR): string[] {
  const view = ir.views.find((v) => v.kind === 'gateway')!;
  const listener = view.listeners.find((l) => l.port === 443)!;
  return listener.tls!.map((c) => `${c.serverNames.join(',') || '*'} → ${c.routeTableName}: ${view.routeTables.find((t) => t.name === c.routeTableName)!.virtualHosts.map((v) => v.name).join(',')}`);
}

describe('HTTPS servers of one port that ask different things of clients', () => {
  it('get tables of their own, named by the server index', () => {
    const built = buildIr([
      file(
        'a.yaml',
        mesh(
          twoServers(['https-api', 'web/api.example.com', MUTUAL], ['https-pub', '"pub/*"', SIMPLE]),
          vs('secret', 'web', 'api.example.com', 'secret') + vs('pub', 'pub', 'public.example.com', 'public'),
        ),
      ),
    ]);
    expect(built.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(tablesOf(built.ir!)).toEqual(['api.example.com → https.443.0.gw.web: api.example.com:443', '* → https.443.1.gw.web: public.example.com:443']);
  });

  it('report a host a laxer server answers too, by a wildcard virtual host as well', () => {
    const built = buildIr([
      file(
        'a.yaml',
        mesh(
          twoServers(['https-api', 'api.example.com', MUTUAL], ['https-any', '"*.example.com"', SIMPLE]),
          vs('all', 'web', '"*.example.com"', 'secret'),
        ),
      ),
    ]);
    const notes = built.diagnostics.filter((d) => d.code === 'ML4034');
    expect(notes.map((d) => `${d.severity} ${d.field} related line ${d.related?.[0]?.line}`)).toEqual(['warning spec.servers[0] related line 10']);
    expect(notes[0]?.message).toContain("api.example.com is served by this server, which asks a required certificate from /c/ca.crt of clients");
    expect(tablesOf(built.ir!)).toEqual(['api.example.com → https.443.0.gw.web: api.example.com:443', '*.example.com → https.443.1.gw.web: *.example.com:443']);
  });

  it('report only the stricter side when both servers check certificates, one with names', () => {
    const named = '{mode: MUTUAL, serverCertificate: /c/a.crt, privateKey: /c/a.key, caCertificates: /c/ca.crt, subjectAltNames: [spiffe://partners/acme]}';
    const built = buildIr([
      file(
        'a.yaml',
        mesh(
          twoServers(['https-api', 'api.example.com', named], ['https-any', '"*"', MUTUAL]),
          vs('api', 'web', 'api.example.com', 'secret'),
        ),
      ),
    ]);
    expect(built.diagnostics.filter((d) => d.code === 'ML4034').map((d) => d.field)).toEqual(['spec.servers[0]']);
  });
});
