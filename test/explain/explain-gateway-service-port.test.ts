// explain on a gateway whose Service sends port 80 to targetPort 8080: the listener binds 8080,
// as Istio's (src/compile/istio/gateway-service-ports.ts). A request to the Service's port (what
// a client of the gateway sends to) finds that listener, and says which port it was; so does a
// request to the listener's own port (a client on the pod network).
import { describe, expect, it } from 'vitest';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { compileYaml } from '../support/compile-yaml.ts';

const YAML = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: tcp-db, port: 5432, targetPort: 15432}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [shop.example.com]
  - port: {number: 5432, name: tcp, protocol: TCP}
    hosts: ['*']
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
  - name: service-port
    match: [{port: 80}]
    route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: db, namespace: web}
spec:
  hosts: ['*']
  gateways: [edge]
  tcp:
  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 6432}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.web.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}, {number: 6432, name: tcp, protocol: TCP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}]
`;

const ir = compileYaml(YAML).ir!;

function run(text: string) {
  const parsed = parseRequest(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return explain(ir, parsed.request, { view: 'web/edge' });
}

describe('explain on a gateway Service port that its Service sends to another targetPort', () => {
  it('takes a request to the Service port on the listener of its targetPort, and says so', () => {
    const e = run('GET http://shop.example.com/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_8080', port: 8080, servicePort: 80, routeTable: 'http.8080' });
    expect(e.virtualHost?.name).toBe('shop.example.com:80');
    expect(e.route?.name).toBe('vs/web/shop/http/service-port/match/0');
    expect(e.outcome.kind).toBe('forward');
    expect(renderExplanationText(e)).toContain('Listener:     0.0.0.0_8080 (Service port 80 → targetPort 8080) → route table http.8080\n');
  });

  it('takes a request to the targetPort itself on that listener, routed alike', () => {
    const e = run('GET http://shop.example.com:8080/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_8080', port: 8080 });
    expect(e.listener?.servicePort).toBeUndefined();
    expect(e.route?.name).toBe('vs/web/shop/http/service-port/match/0');
  });

  it('finds a TCP server\'s listener by its Service port too', () => {
    const e = run('GET http://db.example.com:5432/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_15432', port: 15432, servicePort: 5432 });
    expect(e.outcome).toMatchObject({ kind: 'tcp_proxy', chain: 'vs/web/db/tcp/0' });
  });

  it('lists the Service ports beside the listener ports when nothing takes the port', () => {
    const e = run('GET http://shop.example.com:81/');
    expect(e.outcome).toEqual({ kind: 'no_listener', detail: 'view gateway~web~edge has no listener on port 81 (ports: 8080 (Service port 80), 15432 (Service port 5432))' });
  });
});

// Service ports 80→8080 and 8080→9090: port 8080 is a Service port (of the 9090 listener) and
// the targetPort of port 80. A client of the Service connecting to 8080 reaches the 9090
// listener, so that is the one explain takes, not the listener bound to 8080.
const CROSSED = `apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  ports:
  - {name: http2, port: 80, targetPort: 8080}
  - {name: http-alt, port: 8080, targetPort: 9090}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: istio-system}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: [a.example.com]
  - port: {number: 8080, name: http-alt, protocol: HTTP}
    hosts: [b.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: istio-system}
spec:
  hosts: [a.example.com]
  gateways: [gw]
  http:
  - name: a
    route: [{destination: {host: backend.example.internal, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: b, namespace: istio-system}
spec:
  hosts: [b.example.com]
  gateways: [gw]
  http:
  - name: b
    route: [{destination: {host: backend.example.internal, port: {number: 80}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: backend, namespace: istio-system}
spec:
  hosts: [backend.example.internal]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.2}]
`;

describe('explain on a gateway port that is both a Service port and another port\'s targetPort', () => {
  const crossed = compileYaml(CROSSED).ir!;
  function runCrossed(text: string, view = 'istio-system/gw') {
    const parsed = parseRequest(text);
    if (!parsed.ok) throw new Error(parsed.error);
    return explain(crossed, parsed.request, { view });
  }

  it('takes the Service port first: 8080 reaches the listener of its targetPort 9090', () => {
    const e = runCrossed('GET http://b.example.com:8080/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_9090', port: 9090, servicePort: 8080 });
    expect(e.route?.name).toBe('vs/istio-system/b/http/b/match/0');
    expect(e.outcome.kind).toBe('forward');
  });

  it('still takes port 80 on the 8080 listener', () => {
    const e = runCrossed('GET http://a.example.com/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_8080', port: 8080, servicePort: 80 });
    expect(e.route?.name).toBe('vs/istio-system/a/http/a/match/0');
  });

  it('falls back to the bound listener for a port that is no Service port', () => {
    const e = runCrossed('GET http://b.example.com:9090/');
    expect(e.listener).toMatchObject({ name: '0.0.0.0_9090', port: 9090 });
    expect(e.listener?.servicePort).toBeUndefined();
    expect(e.route?.name).toBe('vs/istio-system/b/http/b/match/0');
  });
});
