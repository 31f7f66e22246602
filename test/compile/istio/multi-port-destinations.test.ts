// A destination without a port on a service with several: sidecars use the port the request
// came in on, as Istio does, so a VirtualService bound only to mesh needs no port when the
// destination has all of its ports; elsewhere the port must be said (ML4002).
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

const services = (canaryPorts: string) => `apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {ports: [{name: http, port: 80}, {name: http-admin, port: 8081}]}
---
apiVersion: v1
kind: Service
metadata: {name: web-canary, namespace: shop}
spec: {ports: [${canaryPorts}]}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web]
  http:
  - match: [{headers: {x-canary: {exact: "1"}}}]
    route: [{destination: {host: web-canary}}]
  - route: [{destination: {host: web}}]
`;

describe('destinations without a port on multi-port services', () => {
  it('route each port of a mesh VirtualService to the same port of the destination', () => {
    const { ir, diagnostics } = buildIr([file('a.yaml', services('{name: http, port: 80}, {name: http-admin, port: 8081}'))]);
    expect(diagnostics.filter((d) => d.code === 'ML4002')).toEqual([]);
    const sidecar = ir!.views.find((v) => v.name === 'sidecar')!;
    const canaryCluster = (port: number) => {
      const table = sidecar.routeTables.find((t) => t.name === String(port))!;
      const vhost = table.virtualHosts.find((vh) => vh.name === `web.shop.svc.cluster.local:${port}`)!;
      const action = vhost.routes[0]!.action;
      return action.kind === 'forward' ? action.destinations.map((d) => d.cluster) : [];
    };
    expect(canaryCluster(80)).toEqual(['outbound|80||web-canary.shop.svc.cluster.local']);
    expect(canaryCluster(8081)).toEqual(['outbound|8081||web-canary.shop.svc.cluster.local']);
  });

  it('still need the port when the destination lacks one the VirtualService takes requests on', () => {
    const { diagnostics } = buildIr([file('a.yaml', services('{name: http, port: 80}, {name: grpc, port: 9090}'))]);
    expect(diagnostics.filter((d) => d.code === 'ML4002').map((d) => `${d.line} ${d.message}`)).toEqual([
      '18 web-canary.shop.svc.cluster.local has several ports (80, 9090), and not 8081, where this VirtualService takes requests; say which one with destination.port.number',
    ]);
  });
});
