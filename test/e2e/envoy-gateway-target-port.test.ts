// A gateway proxy over ADS listens on its Service port's targetPort, as Istio's gateways do
// (pilot/pkg/model/gateway.go resolvePorts): the gateway's Service sends port `servicePort` to
// `targetPort`, the Gateway's server names `servicePort`, and a request sent to `targetPort` is
// routed by the Gateway's VirtualService, whose `match.port` names the Service port. Nothing
// listens on the Service port itself (the Service, not the pod, answers there). explain predicts
// the same route for a request to the Service port.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compile/index.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { explain, parseRequest } from '../../src/explain/index.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { localServiceEntry } from '../support/tls-client.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';
import { freePort, waitFor } from './support/wait.ts';
import { compileYaml } from '../support/compile-yaml.ts';

describe('Envoy over ADS listens on the gateway Service\'s targetPort', () => {
  let upstreams: Upstreams;
  let server: XdsServer;
  let envoy: EnvoyProcess;
  let result: CompileResult;
  let servicePort = 0;
  let targetPort = 0;

  beforeAll(async () => {
    upstreams = await startUpstreams(['shop', 'other']);
    targetPort = await freePort();
    do servicePort = await freePort();
    while (servicePort === targetPort);
    const yaml = `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  listeners: {bindAddress: 127.0.0.1}
---
apiVersion: v1
kind: Service
metadata: {name: istio-ingressgateway, namespace: istio-system}
spec:
  type: LoadBalancer
  selector: {app: istio-ingressgateway, istio: ingressgateway}
  ports:
  - {name: http2, port: ${servicePort}, targetPort: ${targetPort}}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${servicePort}, name: http, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
  - name: listener-port
    match: [{port: ${targetPort}}]
    route: [{destination: {host: other.web.svc.cluster.local, port: {number: 8080}}}]
  - name: service-port
    match: [{port: ${servicePort}}]
    route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('shop', 'web', upstreams.port('shop'))}---
${localServiceEntry('other', 'web', upstreams.port('other'))}`;
    result = compileYaml(yaml);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    server = await startXdsServer({ source: new MemorySnapshotSource(result.snapshot!), port: 0, logger: silentLogger });
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'ingress-1', cluster: 'meshlog', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' }, delta: false, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await upstreams?.close();
  });

  const upstreamAt = async (port: number): Promise<string> => {
    try {
      const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'shop.example.com' }, timeoutMs: 2000 });
      return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status ${res.status}`;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? String(e);
    }
  };

  it('routes a request to the targetPort by the rule for the Service port; nothing listens on the Service port', async () => {
    await waitFor('the targetPort listener to answer', async () => ((await upstreamAt(targetPort)) === 'shop' ? true : undefined), 30_000);
    expect(await upstreamAt(servicePort)).toBe('ECONNREFUSED');
  });

  it('is what explain predicts for a request to the Service port', () => {
    const parsed = parseRequest(`GET http://shop.example.com:${servicePort}/`);
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(result.ir!, parsed.request, { view: 'web/edge' });
    expect(e.listener).toMatchObject({ name: `127.0.0.1_${targetPort}`, port: targetPort, servicePort });
    expect(e.route?.name).toBe('vs/web/shop/http/service-port/match/0');
  });
});
