// A plain HTTP Gateway server with a `tls` block Istio accepts there (a redirect, or a
// PASSTHROUGH mode, its default, without certificates: validation.go:455) is served as plain
// HTTP, as Istio serves it; `tls` that asks for TLS is refused by validation (ML3030).
import { describe, expect, it } from 'vitest';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

function compileServer(tls: string) {
  return compileYaml(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    tls: ${tls}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
  - route: [{destination: {host: shop.web.svc.cluster.local}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.web.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
`);
}

/** The gateway view's route tables: name → virtual host domains. */
function tables(result: ReturnType<typeof compileServer>): Record<string, string[]> {
  const snapshot = result.snapshot!;
  const view = snapshot.views.find((v) => v.kind === 'gateway')!;
  const out: Record<string, string[]> = {};
  for (const e of view.resources.rds) {
    const t = decodeResource(snapshot.resources.get(e.hash)!) as { name: string; virtual_hosts: { domains: string[] }[] };
    out[t.name] = t.virtual_hosts.flatMap((v) => v.domains);
  }
  return out;
}

describe('a plain HTTP Gateway server with tls', () => {
  it('is served as plain HTTP when its tls asks for nothing (Istio\'s default mode, PASSTHROUGH, without certificates)', () => {
    for (const tls of ['{}', '{mode: PASSTHROUGH}', '{httpsRedirect: false}']) {
      const result = compileServer(tls);
      expect(result.diagnostics.filter((d) => d.severity !== 'info'), tls).toEqual([]);
      expect(tables(result), tls).toEqual({ 'http.8080': ['shop.example.com'] });
    }
  });

  it('is refused when its tls would terminate TLS (ML3030), as Istio refuses it', () => {
    const result = compileServer('{mode: SIMPLE, serverCertificate: /c/tls.crt, privateKey: /c/tls.key}');
    expect(result.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.field}`)).toEqual(['ML3030 spec.servers[0].tls.mode']);
    expect(result.snapshot).toBeUndefined();
  });
});
