// ML4009 and the `namespace/` part of Gateway server hosts: two Gateways of one selector
// claiming one host on one port conflict only where some namespace's VirtualServices could be
// exposed by both (checks/gateway-claims.ts). Istio's own case: gateway_simulation_test.go
// "multiple wildcards with virtual service disambiguator".
import { describe, expect, it } from 'vitest';
import { compileYaml } from '../../support/compile-yaml.ts';

type Server = { readonly host: string; readonly port?: string; readonly tls?: string; readonly bind?: string };

const HTTP = '{name: http, number: 80, protocol: HTTP}';
const HTTPS = '{name: https, number: 443, protocol: HTTPS}';
const TLS = '{name: tls, number: 443, protocol: TLS}';
const SIMPLE = '{mode: SIMPLE, serverCertificate: /etc/certs/tls.crt, privateKey: /etc/certs/tls.key}';

function gateway(name: string, server: Server): string {
  return `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ${name}, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - hosts: ["${server.host}"]
    port: ${server.port ?? HTTP}
${server.tls ? `    tls: ${server.tls}\n` : ''}${server.bind ? `    bind: ${server.bind}\n` : ''}---
`;
}

/** The VirtualService each team writes: its own host, on its own Gateway. */
function team(ns: string, gw: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: echo, namespace: ${ns}}
spec: {ports: [{name: http, port: 80}, {name: tls, port: 443}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: default, namespace: ${ns}}
spec:
  hosts: [${ns}.example.com]
  gateways: [default/${gw}]
  http: [{route: [{destination: {host: echo, port: {number: 80}}}]}]
  tls: [{match: [{sniHosts: [${ns}.example.com]}], route: [{destination: {host: echo, port: {number: 443}}}]}]
---
`;
}

/** ML4009 diagnostics as `<gateway> <host as written>`. */
function claims(alpha: Server, beta: Server): string[] {
  const result = compileYaml(gateway('alpha', alpha) + gateway('beta', beta) + team('ns-1', 'alpha') + team('ns-2', 'beta'));
  return result.diagnostics.filter((d) => d.code === 'ML4009').map((d) => `${d.resource?.name} ${/^host (\S+)/.exec(d.message)?.[1]}`);
}

describe('ML4009 and the namespace part of server hosts', () => {
  it('lets teams share a wildcard, each for its own namespace (Istio\'s shared-ingress case)', () => {
    const result = compileYaml(gateway('alpha', { host: 'ns-1/*.example.com' }) + gateway('beta', { host: 'ns-2/*.example.com' }) + team('ns-1', 'alpha') + team('ns-2', 'beta'));
    expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    expect(result.snapshot).toBeDefined();
  });

  it('lets TLS passthrough servers be told apart by namespace too: each team\'s tls rules get their own chain', () => {
    const tls = (ns: string) => ({ host: `${ns}/*.example.com`, port: TLS, tls: '{mode: PASSTHROUGH}' });
    expect(claims(tls('ns-1'), tls('ns-2'))).toEqual([]);
  });

  it('still reports hosts whose namespace parts admit a common namespace', () => {
    // `*/h` is `h`, every namespace; `./h` is the Gateway's own (default), as istiod reads them.
    expect(claims({ host: '*.example.com' }, { host: '*/*.example.com' })).toEqual(['alpha *.example.com', 'beta */*.example.com']);
    expect(claims({ host: '*/*.example.com' }, { host: 'ns-1/*.example.com' })).toEqual(['alpha */*.example.com', 'beta ns-1/*.example.com']);
    expect(claims({ host: './*.example.com' }, { host: 'default/*.example.com' })).toEqual(['alpha ./*.example.com', 'beta default/*.example.com']);
    expect(claims({ host: 'ns-1/*.example.com' }, { host: 'ns-1/*.example.com' })).toEqual(['alpha ns-1/*.example.com', 'beta ns-1/*.example.com']);
  });

  it('does not compare servers bound to different addresses, as Istio\'s analyzer does not (ML4018 leaves the later one out)', () => {
    expect(claims({ host: '*.example.com', bind: '127.0.0.2' }, { host: '*.example.com', bind: '127.0.0.3' })).toEqual([]);
    expect(claims({ host: '*.example.com', bind: '127.0.0.2' }, { host: '*.example.com', bind: '127.0.0.2' })).toEqual(['alpha *.example.com', 'beta *.example.com']);
  });

  it('names the shared namespace and the way out', () => {
    const result = compileYaml(gateway('alpha', { host: '*/*.example.com' }) + gateway('beta', { host: 'ns-1/*.example.com' }) + team('ns-1', 'alpha') + team('ns-2', 'beta'));
    const alpha = result.diagnostics.find((d) => d.code === 'ML4009' && d.resource?.name === 'alpha');
    expect(alpha?.message).toContain('by Gateway default/beta (mesh.yaml:');
    expect(alpha?.message).toContain('as ns-1/*.example.com; both expose it to the VirtualServices of namespace ns-1');
    expect(alpha?.message).toContain('narrow each server to the namespace of its VirtualServices (<namespace>/*.example.com)');
  });

  it('ignores the namespace part where a server is picked by the host name alone', () => {
    // HTTPS: the certificate is picked by SNI, which has no namespace part.
    const https = (ns: string) => ({ host: `${ns}/*.example.com`, port: HTTPS, tls: SIMPLE });
    expect(claims(https('ns-1'), https('ns-2'))).toEqual(['alpha ns-1/*.example.com', 'beta ns-2/*.example.com']);
    // A redirect answers the host name whoever routes it.
    expect(claims({ host: 'ns-1/*.example.com', tls: '{httpsRedirect: true}' }, { host: 'ns-2/*.example.com' })).toEqual(['alpha ns-1/*.example.com', 'beta ns-2/*.example.com']);
    const result = compileYaml(gateway('alpha', https('ns-1')) + gateway('beta', https('ns-2')) + team('ns-1', 'alpha') + team('ns-2', 'beta'));
    expect(result.diagnostics.find((d) => d.code === 'ML4009')?.message).toContain('an HTTPS server is picked by the name the client sends (SNI), which has no namespace part');
  });
});
