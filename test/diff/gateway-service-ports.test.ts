// diff when a gateway's listener moves to its Service's targetPort (a gateway Service starts to
// count, src/compile/istio/gateway-service-ports.ts): the listener on port 80 goes, the one on
// 8080 comes, named with the Service port it serves, and the routing it carries is compared with
// itself across the route tables (`http.80` → `http.8080`), so an unchanged route reads unchanged.
import { describe, expect, it } from 'vitest';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { diffIr, renderDiffMarkdown, renderDiffText } from '../../src/diff/index.ts';
import { compileYaml } from '../support/compile-yaml.ts';

/** The gateway's Service (counted unless `optOut`), a Gateway on `port`, and a VirtualService with `routes`. */
function meshWith(opts: { optOut?: boolean; port?: number; servicePort?: number; routes?: string }): MeshIR {
  const port = opts.port ?? 80;
  const yaml = `apiVersion: v1
kind: Service
metadata:
  name: istio-ingressgateway
  namespace: istio-system
${opts.optOut ? '  labels: {experimental.istio.io/disable-gateway-port-translation: "true"}\n' : ''}spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: ${opts.servicePort ?? port}, targetPort: 8080}]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${port}, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
${opts.routes ?? '  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]'}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.web.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}, {address: 10.0.0.2}]
`;
  const r = compileYaml(yaml);
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  return r.ir;
}

describe('diff of a gateway listener that moves to its Service\'s targetPort', () => {
  it('shows the listeners that went and came, with the Service port, and no routing change', () => {
    const d = diffIr(meshWith({ optOut: true }), meshWith({}));
    expect(d.views.map((v) => v.name)).toEqual(['gateway~web~edge']);
    expect(d.counts).toMatchObject({ listenersAdded: 1, listenersRemoved: 1, listenersChanged: 0, hostsAdded: 0, hostsRemoved: 0, hostsChanged: 0, routesChanged: 0 });
    const text = renderDiffText(d);
    expect(text).toContain('    - listener 0.0.0.0_80\n');
    expect(text).toContain('    + listener 0.0.0.0_8080 (targetPort of Service port 80)\n');
    expect(renderDiffMarkdown(d)).toContain('- ➕ listener `0.0.0.0_8080` (targetPort of Service port 80)');
    // And back: the listener on the targetPort goes, named with the Service port it served.
    const back = renderDiffText(diffIr(meshWith({}), meshWith({ optOut: true })));
    expect(back).toContain('    - listener 0.0.0.0_8080 (targetPort of Service port 80)\n');
    expect(back).toContain('    + listener 0.0.0.0_80\n');
  });

  it('still shows a routing change made in the same commit, on the new route table', () => {
    const timeout = `  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
    timeout: 5s`;
    const d = diffIr(meshWith({ optOut: true }), meshWith({ routes: timeout }));
    expect(d.counts).toMatchObject({ hostsAdded: 0, hostsRemoved: 0, hostsChanged: 1, routesChanged: 1 });
    expect(d.views[0]!.hosts[0]).toMatchObject({ name: 'shop.example.com:80', routeTable: 'http.8080', change: 'changed' });
  });

  it('says when other Service ports send to a listener that stays', () => {
    const d = diffIr(meshWith({}), meshWith({ port: 81 }));
    // The sidecars see the Service's port change too; the gateway's listener stays.
    const gateway = d.views.find((v) => v.name === 'gateway~web~edge')!;
    expect([gateway.listenersAdded, gateway.listenersRemoved, gateway.listenersChanged]).toEqual([[], [], [{ name: '0.0.0.0_8080', port: 8080, changes: [{ change: 'changed', text: 'targetPort of Service port: 80 → 81' }] }]]);
    expect(renderDiffText(d)).toContain('    ~ listener 0.0.0.0_8080\n        ~ targetPort of Service port: 80 → 81\n');
  });
});
