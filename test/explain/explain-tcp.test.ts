// explain for connections a TCP proxy takes, on a compiled mesh (no Envoy here; the same
// predictions are checked against a real Envoy in test/envoy/live-tcp.test.ts): which chain
// takes the connection and where it goes, what the text says, and when it is closed.
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { ordersDbMesh } from '../support/tcp-mesh.ts';

const MESH = `${ordersDbMesh({ weights: [75, 25] })}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: shop}
spec:
  hosts: [web.shop.svc.cluster.local]
  ports: [{number: 8443, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.1.1}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: vault, namespace: shop}
spec:
  hosts: [vault.example.com]
  ports: [{number: 8443, name: https, protocol: HTTPS}]
  resolution: DNS
`;

function compileMesh(): MeshIR {
  const result = compile({ origin: { kind: 'folder', path: 'm' }, commit: null, files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(MESH) }], diagnostics: [] });
  expect(result.diagnostics).toEqual([]);
  return result.ir!;
}

function run(ir: MeshIR, request: string) {
  const parsed = parseRequest(request);
  if (!parsed.ok) throw new Error(parsed.error);
  return explain(ir, parsed.request);
}

describe('explain on TCP proxies', () => {
  const ir = compileMesh();

  it('shows the chain, its tcp rule and the shares, and says the request line plays no part', () => {
    const e = run(ir, 'GET http://orders-db.shop.svc.cluster.local:5432/anything -H x:y');
    expect(e.outcome).toMatchObject({ kind: 'tcp_proxy', chain: 'vs/shop/orders-db/tcp/0', service: 'orders-db.shop.svc.cluster.local' });
    const text = renderExplanationText(e);
    expect(text).toContain('Listener:     0.0.0.0_5432 → TCP proxy, no route table (any connection: orders-db.shop.svc.cluster.local)');
    expect(text).toContain('Source:       mesh.yaml:27:5 (VirtualService shop/orders-db, spec.tcp[0])');
    expect(text).toMatch(/Result: {7}proxy the connection \(TCP, vs\/shop\/orders-db\/tcp\/0\) to\n {2}orders-db:5432 v1 +75%  outbound\|5432\|v1\|orders-db\.shop\.svc\.cluster\.local\n {2}orders-db:5432 v2 +25%/);
    expect(text).toContain('the method, path and headers play no part');
  });

  it('says when a connection for another name reaches the port\'s one TCP service', () => {
    expect(run(ir, 'GET http://payments.example.com:5432').hint).toContain("the listener is orders-db.shop.svc.cluster.local's: a connection to payments.example.com:5432 goes there too");
  });

  it('picks the HTTPS service sharing an HTTP port by SNI, before the route table', () => {
    const e = run(ir, 'GET https://vault.example.com:8443/');
    expect(e.outcome).toMatchObject({ kind: 'tcp_proxy', service: 'vault.example.com' });
    const text = renderExplanationText(e);
    expect(text).toContain('0.0.0.0_8443 → TCP proxy, picked before route table 8443 (SNI vault.example.com: vault.example.com)');
    expect(text).toContain("port 8443 serves HTTP too, but the SNI name picks vault.example.com's TCP proxy first");
    // A plain request on the same port is routed as HTTP.
    expect(run(ir, 'GET http://web.shop.svc.cluster.local:8443/').outcome.kind).toBe('forward');
  });

  it('closes a TLS connection whose SNI names no service, and plain TCP where only TLS services are', () => {
    const tlsOnly = compile({
      origin: { kind: 'folder', path: 'm' },
      commit: null,
      files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(MESH.replace('number: 8443, name: http, protocol: HTTP', 'number: 8080, name: http, protocol: HTTP')) }],
      diagnostics: [],
    }).ir!;
    const unknown = run(tlsOnly, 'GET https://other.example.com:8443/');
    expect(unknown.outcome).toEqual({ kind: 'connection_closed', detail: 'no service on port 8443 answers the SNI name "other.example.com" (by SNI: vault.example.com), so Envoy closes the connection' });
    expect(run(tlsOnly, 'GET http://vault.example.com:8443/').outcome.kind).toBe('connection_closed');
  });
});

describe('explain on a gateway port shared by HTTPS and TLS passthrough servers', () => {
  const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: mixed, namespace: web}
spec:
  selector: {istio: ingress}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["*.example.com"]
    tls: {mode: SIMPLE, serverCertificate: /etc/certs/wild.crt, privateKey: /etc/certs/wild.key}
  - port: {number: 443, name: tls-db, protocol: TLS}
    hosts: [db.example.com]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: www, namespace: web}
spec:
  hosts: ["*.example.com"]
  gateways: [mixed]
  http: [{route: [{destination: {host: app.web.svc.cluster.local}}]}]
  tls: [{match: [{sniHosts: [db.example.com]}], route: [{destination: {host: db.web.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backends, namespace: web}
spec:
  hosts: [app.web.svc.cluster.local, db.web.svc.cluster.local]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
`;

  it('follows Envoy: the exact SNI name picks the passthrough server over the HTTPS wildcard', () => {
    const result = compile({ origin: { kind: 'folder', path: 'm' }, commit: null, files: [{ path: 'gw.yaml', bytes: new TextEncoder().encode(GATEWAY) }], diagnostics: [] });
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const ask = (url: string) => {
      const parsed = parseRequest(`GET ${url}`);
      if (!parsed.ok) throw new Error(parsed.error);
      return explain(result.ir!, parsed.request, { view: 'web/mixed' }).outcome;
    };
    expect(ask('https://db.example.com/')).toMatchObject({ kind: 'tcp_proxy', chain: 'vs/web/www/tls/0' });
    expect(ask('https://shop.example.com/')).toMatchObject({ kind: 'forward' });
  });
});

describe('tls rules of several VirtualServices for one SNI name', () => {
  /** A ServiceEntry with hosts `<other>.example.com` and z.example.com, a wildcard and an exact VirtualService both claiming z. */
  const mesh = (other: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: sites, namespace: shop}
spec:
  hosts: [${other}.example.com, z.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backends, namespace: shop}
spec:
  hosts: [egress.shop.svc.cluster.local, z-backend.shop.svc.cluster.local]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: wild, namespace: shop}
spec:
  hosts: ["*.example.com"]
  tls: [{match: [{sniHosts: [z.example.com, ${other}.example.com]}], route: [{destination: {host: egress.shop.svc.cluster.local}}]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: z, namespace: shop}
spec:
  hosts: [z.example.com]
  tls: [{match: [{sniHosts: [z.example.com]}], route: [{destination: {host: z-backend.shop.svc.cluster.local}}]}]
`;

  it('the exact host\'s VirtualService takes the name, however the services sort', () => {
    for (const other of ['a', 'zz']) {
      const result = compile({ origin: { kind: 'folder', path: 'm' }, commit: null, files: [{ path: 'm.yaml', bytes: new TextEncoder().encode(mesh(other)) }], diagnostics: [] });
      expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      const o = run(result.ir!, 'GET https://z.example.com:443/').outcome;
      expect(o.kind === 'tcp_proxy' ? o.chain : o.kind, other).toBe('vs/shop/z/tls/0');
      const w = run(result.ir!, `GET https://${other}.example.com:443/`).outcome;
      expect(w.kind === 'tcp_proxy' ? w.chain : w.kind, other).toBe('vs/shop/wild/tls/0');
    }
  });
});
