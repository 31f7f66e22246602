// Gateway `bind`: the address a server's listener binds, as Istio (gateway.go buildGatewayListeners:
// the listener is `<bind>_<port>` on that address). meshlog binds a port to one address: the first
// server's decides, and a later server on the port with another address is left out (ML4018).
import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../../src/compile/index.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

function compileGateway(servers: string): CompileResult {
  const yaml = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
${servers}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com, admin.example.com]
  gateways: [edge]
  http:
  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.web.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
`;
  return compileYaml(yaml);
}

/** The gateway view's listeners: name → socket address. */
function listeners(result: CompileResult): Record<string, string> {
  const snapshot = result.snapshot!;
  const view = snapshot.views.find((v) => v.kind === 'gateway')!;
  const out: Record<string, string> = {};
  for (const e of view.resources.lds) {
    const l = decodeResource(snapshot.resources.get(e.hash)!) as { name: string; address: { socket_address: { address: string; port_value: number } } };
    out[l.name] = `${l.address.socket_address.address}:${l.address.socket_address.port_value}`;
  }
  return out;
}

const codes = (r: CompileResult, severity: string) => r.diagnostics.filter((d) => d.severity === severity).map((d) => `${d.code} ${d.field}`);

describe('Gateway bind', () => {
  it('binds the server\'s listener to its address; servers without one use MeshConfig\'s bindAddress', () => {
    const r = compileGateway(`  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    bind: 127.0.0.2
  - port: {number: 9090, name: admin, protocol: HTTP}
    hosts: [admin.example.com]`);
    expect(codes(r, 'error')).toEqual([]);
    expect(listeners(r)).toEqual({ '127.0.0.2_8080': '127.0.0.2:8080', '0.0.0.0_9090': '0.0.0.0:9090' });
  });

  it('leaves out a later server of the port with another address (ML4018): one address per port', () => {
    const r = compileGateway(`  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    bind: 127.0.0.2
  - port: {number: 8080, name: http-admin, protocol: HTTP}
    hosts: [admin.example.com]
    bind: 127.0.0.3`);
    expect(listeners(r)).toEqual({ '127.0.0.2_8080': '127.0.0.2:8080' });
    const left = r.diagnostics.find((d) => d.code === 'ML4018')!;
    expect(left.field).toBe('spec.servers[1]');
    expect(left.message).toContain('already takes port 8080 with bind 127.0.0.2');
    // Only the first server's host is routed.
    const table = [...r.snapshot!.resources.values()].find((x) => x.type === 'rds')!;
    const domains = (decodeResource(table) as { virtual_hosts: { domains: string[] }[] }).virtual_hosts.flatMap((v) => v.domains);
    expect(domains).toEqual(['shop.example.com']);
  });

  it('rejects a bind that is no IP address (ML3029), as Istio; a Unix socket is left out (ML4018)', () => {
    const bad = compileGateway(`  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    bind: gateway.local`);
    expect(codes(bad, 'error')).toEqual(['ML3029 spec.servers[0].bind']);
    expect(bad.snapshot).toBeUndefined();
    // A socket has no port: Istio requires port 0 with a Unix bind (validation.go:494).
    const socket = compileGateway(`  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: [shop.example.com]
  - port: {number: 0, name: uds, protocol: HTTP}
    hosts: [admin.example.com]
    bind: unix:///var/run/gateway.sock`);
    expect(codes(socket, 'warning')).toContain('ML4018 spec.servers[1]');
    expect(listeners(socket)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080' });
  });
});
