// A Gateway server's `port.number` is a port of the gateway's Kubernetes Service, and its listener
// binds that Service port's targetPort, as Istio (pilot/pkg/model/gateway.go:287 and resolvePorts,
// :499-534): the usual ingress Service sends 80 to 8080, and the gateway listens on 0.0.0.0_8080
// (route table http.8080). VirtualService `match.port` and virtual host names keep the Service
// port (pilot/pkg/networking/core/gateway.go:438, :490, :519, :1125).
import { describe, expect, it } from 'vitest';
import type { CompileResult } from '../../../src/compile/index.ts';
import type { IrView } from '../../../src/compile/ir/types.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import { gatewayServicePorts } from '../../../src/compile/istio/gateway-service-ports.ts';
import type { LoadedService } from '../../../src/compile/parse/types.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

const INGRESS = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  type: LoadBalancer
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: https, port: 443, targetPort: 8443}
  - {name: tcp-db, port: 5432, targetPort: 15432}
`;

const SHOP = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.web.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}, {number: 6432, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
`;

/** A Gateway `edge` (namespace web) with these servers and selector, a VirtualService for `hosts` (shop.example.com) bound to it, and the given Services. */
function mesh(opts: { servers: string; selector?: string; services?: readonly string[]; hosts?: string; http?: string; tcp?: string }): CompileResult {
  const vs = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: ${opts.hosts ?? '[shop.example.com]'}
  gateways: [edge]
  http:
${opts.http ?? '  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]'}
${opts.tcp ? `  tcp:\n${opts.tcp}\n` : ''}`;
  const gateway = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
${opts.selector ?? '  selector: {istio: ingressgateway}'}
  servers:
${opts.servers}
`;
  return compileYaml([...(opts.services ?? []), gateway, vs, SHOP].join('---\n'));
}

const HTTP_80 = `  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]`;

function gatewayView(r: CompileResult): IrView {
  if (!r.ir) throw new Error(JSON.stringify(r.diagnostics));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.ir!.views.find((v) => v.kind === 'gateway')!;
}

/** The gateway view's listeners as Envoy gets them: name → `address:port` and route table (`tcp` for a TCP proxy). */
function listeners(r: CompileResult): Record<string, string> {
  const snapshot = r.snapshot!;
  if (!snapshot) throw new Error(JSON.stringify(r.diagnostics));
  const view = snapshot.views.find((v) => v.kind === 'gateway')!;
  const out: Record<string, string> = {};
  for (const e of view.resources.lds) {
    const l = decodeResource(snapshot.resources.get(e.hash)!) as { name: string; address: { socket_address: { address: string; port_value: number } } };
    const table = /"route_config_name":"([^"]+)"/.exec(JSON.stringify(l))?.[1] ?? 'tcp';
    out[l.name] = `${l.address.socket_address.address}:${l.address.socket_address.port_value} ${table}`;
  }
  return out;
}

/** Route tables (by name) as Envoy gets them: virtual host name → route names. */
function routeTables(r: CompileResult): Record<string, Record<string, string[]>> {
  const snapshot = r.snapshot!;
  const view = snapshot.views.find((v) => v.kind === 'gateway')!;
  const out: Record<string, Record<string, string[]>> = {};
  for (const e of view.resources.rds) {
    const t = decodeResource(snapshot.resources.get(e.hash)!) as { name: string; virtual_hosts?: { name: string; routes?: { name: string }[] }[] };
    out[t.name] = Object.fromEntries((t.virtual_hosts ?? []).map((vh) => [vh.name, (vh.routes ?? []).map((x) => x.name)]));
  }
  return out;
}

const codes = (r: CompileResult, ...severities: string[]) => r.diagnostics.filter((d) => severities.includes(d.severity)).map((d) => `${d.code} ${d.field}`);

describe('Gateway servers on the gateway Service\'s ports', () => {
  it('binds the listener to the Service port\'s targetPort; the virtual host keeps the Service port (ML4038, info)', () => {
    const r = mesh({
      services: [INGRESS],
      servers: `${HTTP_80}
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, serverCertificate: /etc/certs/tls.crt, privateKey: /etc/certs/tls.key}`,
    });
    expect(listeners(r)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080', '0.0.0.0_8443': '0.0.0.0:8443 https.8443' });
    expect(Object.keys(routeTables(r)).sort()).toEqual(['http.8080', 'https.8443']);
    expect(Object.keys(routeTables(r)['http.8080']!)).toEqual(['shop.example.com:80']);
    expect(Object.keys(routeTables(r)['https.8443']!)).toEqual(['shop.example.com:443']);
    const view = gatewayView(r);
    expect(view.listeners.map((l) => [l.name, l.servicePorts])).toEqual([
      ['0.0.0.0_8080', [80]],
      ['0.0.0.0_8443', [443]],
    ]);
    expect(codes(r, 'info', 'warning')).toEqual(['ML4038 spec.servers[0].port.number', 'ML4038 spec.servers[1].port.number']);
    const note = r.diagnostics.find((d) => d.code === 'ML4038')!;
    expect(note.message).toContain('Service istio-system/istio-ingressgateway');
    expect(note.message).toContain('targetPort 8080');
    expect(note.related?.[0]).toMatchObject({ resource: { kind: 'Service', name: 'istio-ingressgateway' } });
  });

  it('matches VirtualService match.port against the Service port, for http and tcp rules, as Istio', () => {
    const r = mesh({
      services: [INGRESS],
      servers: `${HTTP_80}
  - port: {number: 5432, name: tcp, protocol: TCP}
    hosts: ['*']`,
      http: `  - name: listener-port
    match: [{port: 8080}]
    directResponse: {status: 418}
  - name: service-port
    match: [{port: 80}]
    route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]`,
      tcp: `  - match: [{port: 15432}]
    route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
  - match: [{port: 5432}]
    route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 6432}}}]`,
    });
    expect(routeTables(r)['http.8080']).toEqual({ 'shop.example.com:80': ['vs/web/shop/http/service-port/match/0'] });
    const tcp = gatewayView(r).listeners.find((l) => l.name === '0.0.0.0_15432')!;
    expect(tcp.tcp?.map((c) => c.name)).toEqual(['vs/web/shop/tcp/1']);
    expect(tcp.servicePorts).toEqual([5432]);
  });

  it('binds port.number itself when no Service is the gateway\'s (as Istio binds a port no Service has), and the targetPort when one is', () => {
    const other = (selector: string, extra = '') => `apiVersion: v1
kind: Service
metadata: {name: other, namespace: web${extra}}
spec:
  selector: ${selector}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
    const AS_WRITTEN = { '0.0.0.0_80': '0.0.0.0:80 http.80' };
    const cases: Record<string, { services: string[]; selector?: string; expected: Record<string, string> }> = {
      'the gateway\'s Service': { services: [other('{istio: ingressgateway}')], expected: { '0.0.0.0_8080': '0.0.0.0:8080 http.8080' } },
      'no Service': { services: [], expected: AS_WRITTEN },
      'a Service of other pods': { services: [other('{app: shop}')], expected: AS_WRITTEN },
      'a Service whose selector disagrees on a label': { services: [other('{istio: egressgateway}')], expected: AS_WRITTEN },
      'a Service without selector': { services: [other('{}')], expected: AS_WRITTEN },
      'a Service opting out by label': { services: [other('{istio: ingressgateway}', ', labels: {experimental.istio.io/disable-gateway-port-translation: "true"}')], expected: AS_WRITTEN },
      'a Gateway without selector': { services: [other('{istio: ingressgateway}')], selector: '  selector: {}', expected: AS_WRITTEN },
    };
    for (const [name, c] of Object.entries(cases)) {
      const r = mesh({ servers: HTTP_80, services: c.services, ...(c.selector ? { selector: c.selector } : {}) });
      expect([name, listeners(r)]).toEqual([name, c.expected]);
      const moved = c.expected !== AS_WRITTEN;
      expect([name, gatewayView(r).listeners[0]!.servicePorts]).toEqual([name, moved ? [80] : undefined]);
      expect([name, codes(r, 'info', 'warning')]).toEqual([name, moved ? ['ML4038 spec.servers[0].port.number'] : []]);
    }
  });

  it('counts a Service whose selector holds the Gateway\'s, or that the Gateway\'s holds', () => {
    const service = (selector: string) => `apiVersion: v1
kind: Service
metadata: {name: gw, namespace: ingress}
spec:
  selector: ${selector}
  ports: [{name: http, port: 80, targetPort: 8080}]
`;
    for (const selector of ['{istio: ingressgateway, app: ingress}', '{istio: ingressgateway}']) {
      const r = mesh({ servers: HTTP_80, services: [service(selector)], selector: '  selector: {istio: ingressgateway, version: v2}' });
      const expected = selector.includes('app') ? { '0.0.0.0_80': '0.0.0.0:80 http.80' } : { '0.0.0.0_8080': '0.0.0.0:8080 http.8080' };
      expect([selector, listeners(r)]).toEqual([selector, expected]);
    }
    // The Gateway's selector within the Service's: the usual install (Service: app and istio; Gateway: istio).
    expect(listeners(mesh({ servers: HTTP_80, services: [service('{istio: ingressgateway, app: ingress}')] }))).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080' });
  });

  it('keeps port.number for a named targetPort, which needs the pods\' container ports (ML4039)', () => {
    const named = INGRESS.replace('targetPort: 8080', 'targetPort: http');
    const r = mesh({ services: [named], servers: HTTP_80 });
    expect(listeners(r)).toEqual({ '0.0.0.0_80': '0.0.0.0:80 http.80' });
    expect(codes(r, 'info', 'warning')).toEqual(['ML4039 spec.servers[0].port.number']);
    expect(r.diagnostics[0]!.message).toContain('targetPort "http" names a container port');
  });

  it('takes the first Service by namespace, then name, when the gateway\'s Services disagree (ML4040); agreeing ones are fine', () => {
    const second = (targetPort: number) => `apiVersion: v1
kind: Service
metadata: {name: a-canary, namespace: zz-canary}
spec:
  selector: {istio: ingressgateway}
  ports: [{name: http2, port: 80, targetPort: ${targetPort}}]
`;
    const disagree = mesh({ services: [second(9090), INGRESS], servers: HTTP_80 });
    expect(listeners(disagree)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080' });
    expect(codes(disagree, 'info', 'warning')).toEqual(['ML4040 spec.servers[0].port.number']);
    expect(disagree.diagnostics[0]!.message).toMatch(/Service istio-system\/istio-ingressgateway \(mesh\.yaml:\d+\) → 8080, Service zz-canary\/a-canary \(mesh\.yaml:\d+\) → 9090\. The listener binds 8080/);
    expect(disagree.diagnostics[0]!.related).toHaveLength(2);
    const agree = mesh({ services: [second(8080), INGRESS], servers: HTTP_80 });
    expect(listeners(agree)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080' });
    expect(codes(agree, 'info', 'warning')).toEqual(['ML4038 spec.servers[0].port.number']);
  });

  it('reads an unset targetPort as the port (Kubernetes\' default): that listener stays, where another port moves', () => {
    const r = mesh({
      services: [INGRESS.replace('{name: http2, port: 80, targetPort: 8080}', '{name: http2, port: 80}')],
      servers: `${HTTP_80}
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, serverCertificate: /etc/certs/tls.crt, privateKey: /etc/certs/tls.key}`,
    });
    expect(listeners(r)).toEqual({ '0.0.0.0_80': '0.0.0.0:80 http.80', '0.0.0.0_8443': '0.0.0.0:8443 https.8443' });
    expect(codes(r, 'info', 'warning')).toEqual(['ML4038 spec.servers[1].port.number']);
  });

  it('shares a listener between a Service port and a server written with its targetPort; a port no Service reaches keeps its number (ML4041)', () => {
    const r = mesh({
      services: [INGRESS],
      servers: `${HTTP_80}
  - port: {number: 8080, name: http-admin, protocol: HTTP}
    hosts: [admin.example.com]
  - port: {number: 7070, name: http-extra, protocol: HTTP}
    hosts: [shop.example.com]`,
      hosts: '[shop.example.com, admin.example.com]',
    });
    expect(listeners(r)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080', '0.0.0.0_7070': '0.0.0.0:7070 http.7070' });
    expect(Object.keys(routeTables(r)['http.8080']!)).toEqual(['admin.example.com:8080', 'shop.example.com:80']);
    expect(gatewayView(r).listeners.find((l) => l.port === 8080)!.servicePorts).toEqual([80]);
    expect(codes(r, 'warning')).toEqual(['ML4041 spec.servers[2].port.number']);
    expect(r.diagnostics.find((d) => d.code === 'ML4041')!.message).toContain('sends 80 → 8080, 443 → 8443, 5432 → 15432');
  });

  it('skips a Service port that repeats an earlier one\'s targetPort and protocol, as Istio lists them: its server keeps its number', () => {
    const twice = INGRESS.replace('  - {name: https, port: 443, targetPort: 8443}\n', '  - {name: http2-alt, port: 81, targetPort: 8080}\n');
    const r = mesh({
      services: [twice],
      servers: `${HTTP_80}
  - port: {number: 81, name: http-alt, protocol: HTTP}
    hosts: [shop.example.com]`,
    });
    expect(listeners(r)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 http.8080', '0.0.0.0_81': '0.0.0.0:81 http.81' });
    expect(codes(r, 'info', 'warning')).toEqual(['ML4038 spec.servers[0].port.number']);
  });

  it('settles servers of another kind on the listener port, naming both ports (ML4018)', () => {
    const r = mesh({
      services: [INGRESS],
      servers: `  - port: {number: 8080, name: tcp, protocol: TCP}
    hosts: ['*']
${HTTP_80}`,
      tcp: `  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 6432}}}]`,
    });
    expect(listeners(r)).toEqual({ '0.0.0.0_8080': '0.0.0.0:8080 tcp' });
    const left = r.diagnostics.find((d) => d.code === 'ML4018')!;
    expect(left.field).toBe('spec.servers[1]');
    expect(left.message).toContain('server on port 80 (HTTP, listener port 8080) is not compiled: spec.servers[0] already serves TCP on port 8080');
    expect(left.message).toContain('so plain HTTP clients of port 80 fail');
  });
});

describe('gatewayServicePorts indexes the Services only when a Gateway selects by labels', () => {
  it('reads no Service for an empty selector (no Gateways, or one without selector), and indexes them once', () => {
    let reads = 0;
    const service = { metadata: { labels: {} }, spec: { selector: { istio: 'ingressgateway' }, ports: [] } } as unknown as LoadedService;
    const services = new Proxy([service], {
      get(target, key, receiver) {
        if (key === Symbol.iterator) reads++;
        return Reflect.get(target, key, receiver);
      },
    });
    const portsOf = gatewayServicePorts(services);
    expect(portsOf({})).toEqual([]);
    expect(reads).toBe(0);
    portsOf({ istio: 'ingressgateway' });
    portsOf({ istio: 'egressgateway' });
    expect(reads).toBe(1);
  });
});
