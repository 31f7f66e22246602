// A gateway proxy as deployed: a real Envoy bootstrapped with ADS only, picked out by its
// labels (istio=ingressgateway), receives an HTTPS Gateway compiled from YAML and serves TLS
// with the certificate files mounted on its machine. A commit naming a file the proxy lacks is
// rejected by the proxy, which keeps the previous listener; a commit that points the server at
// a new certificate file rotates the certificate the proxy presents, without a restart.
import { X509Certificate } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Snapshot } from '../../src/snapshot/types.ts';
import type { IssuedCertificate } from '../../src/core/certificates.ts';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { localServiceEntry, tlsRequest, writeServerCertificates } from '../support/tls-client.ts';
import { startUpstreams, type Upstreams } from '../support/upstreams.ts';
import { freePort, waitFor } from './support/wait.ts';
import { compileYaml } from '../support/compile-yaml.ts';

const HOST = 'shop.example.com';

describe('Envoy over ADS terminates HTTPS for a compiled Gateway', () => {
  let dir: string;
  let ca: IssuedCertificate;
  let upstreams: Upstreams;
  let source: MemorySnapshotSource;
  let server: XdsServer;
  let envoy: EnvoyProcess;
  let port = 0;

  /** The mesh with the Gateway's server naming certificate `name` (`<name>.crt`, `<name>.key`). */
  function snapshot(name: string): Snapshot {
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
  - port: {number: ${port}, name: https, protocol: HTTPS}
    hosts: [${HOST}]
    tls: {mode: SIMPLE, serverCertificate: ${path.join(dir, `${name}.crt`)}, privateKey: ${path.join(dir, `${name}.key`)}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: shop, namespace: web}
spec:
  hosts: [${HOST}]
  gateways: [edge]
  http:
  - match: [{uri: {prefix: /moved}}]
    redirect: {uri: /new, port: 443}
  - match: [{uri: {prefix: /here}}]
    redirect: {uri: /new, derivePort: FROM_REQUEST_PORT}
  - route: [{destination: {host: shop.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('shop', 'web', upstreams.port('shop'))}`;
    const result = compileYaml(yaml, dir);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    return result.snapshot!;
  }

  /** One HTTPS request with SNI and Host `HOST`: the answering upstream and the certificate's serial. */
  async function get(): Promise<{ upstream?: string; serial?: string; error?: string }> {
    const r = await tlsRequest({ port, sni: HOST, ca: ca.certificate });
    return r.error !== undefined ? { error: r.error } : { upstream: r.upstream, serial: r.peer?.serial };
  }

  const serialOf = (name: string) => new X509Certificate(fs.readFileSync(path.join(dir, `${name}.crt`))).serialNumber;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-https-ads-'));
    ca = writeServerCertificates(dir, [['shop-2026', HOST], ['shop-2027', HOST]]);
    upstreams = await startUpstreams(['shop']);
    port = await freePort();
    source = new MemorySnapshotSource(snapshot('shop-2026'));
    server = await startXdsServer({ source, port: 0, logger: silentLogger });
    const bootstrap = adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'ingress-1', cluster: 'meshlog', labels: { istio: 'ingressgateway' }, delta: false, adminPort: 0 });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await server?.close(500);
    await upstreams?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the Gateway over TLS with the mounted certificate, routed to the upstream', async () => {
    const res = await waitFor('the HTTPS listener to answer', async () => {
      const r = await get();
      return r.upstream === 'shop' ? r : undefined;
    }, 30_000);
    expect(res.serial).toBe(serialOf('shop-2026'));
  });

  it('redirects as istiod writes it for an HTTPS server: no ":443" without scheme, the request port with FROM_REQUEST_PORT', async () => {
    // Without scheme the Location keeps the request's (https); 443 is its default port, so
    // Istio leaves it out (route.go ApplyRedirect, isTLS for a server with tls).
    const moved = await tlsRequest({ port, sni: HOST, ca: ca.certificate, path: '/moved' });
    expect(moved.status).toBe(301);
    expect(moved.location).toBe(`https://${HOST}/new`);
    const here = await tlsRequest({ port, sni: HOST, ca: ca.certificate, path: '/here' });
    expect(here.location).toBe(`https://${HOST}:${port}/new`);
  });

  it('a certificate file the proxy lacks: the proxy rejects the listener (NACK in status) and keeps serving TLS', async () => {
    const generation = source.set(snapshot('missing')).generation;
    const nacked = await waitFor('the LDS NACK to show in status', async () => {
      const p = server.status.list().find((x) => x.node === 'ingress-1');
      return p?.types.lds.nack?.version.startsWith(`${generation}-`) ? p : undefined;
    }, 30_000);
    expect(nacked.types.lds.nack?.message).toMatch(/missing\.(crt|key)/);
    expect(await get()).toEqual({ upstream: 'shop', serial: serialOf('shop-2026') });
  });

  it('presents the new certificate once a commit names it, without a restart', async () => {
    source.set(snapshot('shop-2027'));
    const res = await waitFor('the new certificate', async () => {
      const r = await get();
      return r.serial === serialOf('shop-2027') ? r : undefined;
    }, 30_000);
    expect(res.upstream).toBe('shop');
  });
});
