// A gateway proxy over ADS binds each server's port to the server's `bind` address, as Istio's
// gateways do: a port bound to 127.0.0.2 answers there and refuses connections on 127.0.0.1,
// while a server without `bind` takes MeshConfig's bindAddress.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { localServiceEntry } from '../support/tls-client.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';
import { freePort, waitFor } from './support/wait.ts';
import { compileYaml } from '../support/compile-yaml.ts';

describe('Envoy over ADS binds a Gateway server to its bind address', () => {
  let upstreams: Upstreams;
  let server: XdsServer;
  let envoy: EnvoyProcess;
  let boundPort = 0;
  let defaultPort = 0;

  beforeAll(async () => {
    upstreams = await startUpstreams(['shop']);
    boundPort = await freePort();
    defaultPort = await freePort();
    const yaml = `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  listeners: {bindAddress: 127.0.0.1}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: ${boundPort}, name: http, protocol: HTTP}
    hosts: [shop.example.com]
    bind: 127.0.0.2
  - port: {number: ${defaultPort}, name: http-default, protocol: HTTP}
    hosts: [shop.example.com]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [shop.example.com]
  gateways: [edge]
  http:
  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('shop', 'web', upstreams.port('shop'))}`;
    const result = compileYaml(yaml);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    server = await startXdsServer({ source: new MemorySnapshotSource(result.snapshot!), port: 0, logger: silentLogger });
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'ingress-1', cluster: 'meshlog', labels: { istio: 'ingressgateway' }, delta: false, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await upstreams?.close();
  });

  const upstreamAt = async (address: string, port: number): Promise<string> => {
    try {
      const res = await request(`http://${address}:${port}/`, { headers: { host: 'shop.example.com' }, timeoutMs: 2000 });
      return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status ${res.status}`;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? String(e);
    }
  };

  it('answers on the bound address only, and on bindAddress for a server without bind', async () => {
    await waitFor('both listeners to answer', async () => ((await upstreamAt('127.0.0.2', boundPort)) === 'shop' && (await upstreamAt('127.0.0.1', defaultPort)) === 'shop' ? true : undefined), 30_000);
    expect(await upstreamAt('127.0.0.1', boundPort)).toBe('ECONNREFUSED');
    expect(await upstreamAt('127.0.0.2', defaultPort)).toBe('ECONNREFUSED');
  });
});
