// Redirect ports as Istio writes them (route.go ApplyRedirect): the default port of the
// Location's scheme is not written, so Envoy's Location has no ":443" or ":80"; without
// `scheme` the scheme is the request's (https on a gateway port that terminates TLS);
// `derivePort: FROM_REQUEST_PORT` writes the port the routes are built for.
import { describe, expect, it } from 'vitest';
import { toRedirect } from '../../../src/compile/istio/route-parts.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

describe('redirect port', () => {
  it('drops 443 for https and 80 for http, keeps any other', () => {
    expect(toRedirect({ scheme: 'https', port: 443 }, 8080, false)).toEqual({ kind: 'redirect', scheme: 'https', code: 301 });
    expect(toRedirect({ scheme: 'http', port: 80, authority: 'a.example' }, 8080, true)).toEqual({ kind: 'redirect', authority: 'a.example', scheme: 'http', code: 301 });
    expect(toRedirect({ scheme: 'https', port: 80 }, 8080, false)).toEqual({ kind: 'redirect', scheme: 'https', port: 80, code: 301 });
    expect(toRedirect({ scheme: 'http', port: 443 }, 8080, true)).toEqual({ kind: 'redirect', scheme: 'http', port: 443, code: 301 });
    expect(toRedirect({ scheme: 'https', port: 8443 }, 8080, false)).toEqual({ kind: 'redirect', scheme: 'https', port: 8443, code: 301 });
  });

  it("without scheme, takes the request's: https on a TLS port, else http", () => {
    expect(toRedirect({ port: 80 }, 8080, false)).toEqual({ kind: 'redirect', code: 301 });
    expect(toRedirect({ port: 443 }, 8080, false)).toEqual({ kind: 'redirect', port: 443, code: 301 });
    expect(toRedirect({ port: 443 }, 8443, true)).toEqual({ kind: 'redirect', code: 301 });
    expect(toRedirect({ port: 80 }, 8443, true)).toEqual({ kind: 'redirect', port: 80, code: 301 });
  });

  it('derivePort: FROM_REQUEST_PORT redirects to the request port (unless it is the scheme\'s default); FROM_PROTOCOL_DEFAULT writes none', () => {
    expect(toRedirect({ uri: '/x', derivePort: 'FROM_REQUEST_PORT' }, 9080, false)).toEqual({ kind: 'redirect', uri: '/x', port: 9080, code: 301 });
    expect(toRedirect({ uri: '/x', derivePort: 'FROM_REQUEST_PORT' }, 80, false)).toEqual({ kind: 'redirect', uri: '/x', code: 301 });
    expect(toRedirect({ scheme: 'https', derivePort: 'FROM_REQUEST_PORT' }, 80, false)).toEqual({ kind: 'redirect', scheme: 'https', port: 80, code: 301 });
    expect(toRedirect({ uri: '/x', derivePort: 'FROM_REQUEST_PORT' }, 443, true)).toEqual({ kind: 'redirect', uri: '/x', code: 301 });
    expect(toRedirect({ uri: '/x', derivePort: 'FROM_PROTOCOL_DEFAULT' }, 9080, false)).toEqual({ kind: 'redirect', uri: '/x', code: 301 });
  });

  it('compiles a gateway\'s redirects by its server: HTTPS ports drop 443, plain ones 80', () => {
    const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, serverCertificate: /etc/certs/tls.crt, privateKey: /etc/certs/tls.key}
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
  - match: [{uri: {prefix: /a}}]
    redirect: {uri: /b, port: 443}
  - match: [{uri: {prefix: /c}}]
    redirect: {uri: /d, port: 80}
  - match: [{uri: {prefix: /e}}]
    redirect: {uri: /f, derivePort: FROM_REQUEST_PORT}
`;
    const result = compileYaml(yaml);
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const portsByTable = new Map<string, (number | undefined)[]>();
    for (const r of result.snapshot!.resources.values()) {
      if (r.type !== 'rds') continue;
      const table = decodeResource(r) as { name: string; virtual_hosts: { routes: { redirect?: { port_redirect?: number } }[] }[] };
      portsByTable.set(table.name, table.virtual_hosts[0]!.routes.map((route) => route.redirect?.port_redirect || undefined));
    }
    expect([...portsByTable.keys()].sort()).toEqual(['http.8080', 'https.8443']);
    expect(portsByTable.get('https.8443')).toEqual([undefined, 80, 8443]);
    expect(portsByTable.get('http.8080')).toEqual([443, undefined, 8080]);
  });
});
