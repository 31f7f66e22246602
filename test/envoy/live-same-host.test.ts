// Several ServiceEntries for one host, as istiod merges them (sidecar.go appendSidecarServices,
// canMergeServices), through a real Envoy: Istio's own case (serviceentry_simulation_test.go
// serviceEntriesWithDuplicatedHosts) is one entry for port 80 (HTTP) and one for port 443
// (HTTPS) of one host, and both ports must be routed, each to the endpoints of the entry that
// defines it; and a second entry with the same port adds its endpoints to the first's
// (serviceentry/conversion.go mergeServicesInstancesByNamespaceHost). explain must agree.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { issueCertificate, type IssuedCertificate } from '../../src/core/certificates.ts';
import { explain, parseRequest } from '../../src/explain/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { fire, request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

const HTTP = '0.0.0.0_80';
const HTTPS = '0.0.0.0_443';

function mesh(web: number, secure: number, east: number, west: number): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop-http, namespace: shop}
spec:
  hosts: [shop.example.test]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${web}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: shop-https, namespace: shop}
spec:
  hosts: [shop.example.test]
  ports: [{number: 443, name: https, protocol: HTTPS}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {https: ${secure}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: catalog-east, namespace: shop}
spec:
  hosts: [catalog.example.test]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${east}}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: catalog-west, namespace: shop}
spec:
  hosts: [catalog.example.test]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${west}}}]
`;
}

/** A TLS server on loopback that writes its name to every connection and closes it. */
async function tlsNameServer(name: string, cert: IssuedCertificate): Promise<tls.Server> {
  const server = tls.createServer({ cert: cert.certificate, key: cert.privateKey }, (socket) => socket.end(name));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** What a TLS connection with SNI `sni` to `port` reads, or how it ended. */
function tlsRead(port: number, sni: string, ca: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = tls.connect({ host: '127.0.0.1', port, servername: sni, ca });
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => resolve(data || 'closed'));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

describe('live: two ServiceEntries of one host, merged', () => {
  let upstreams: Upstreams;
  let secure: tls.Server;
  let ca: IssuedCertificate;
  let envoy: EnvoyProcess | undefined;
  let ir: MeshIR;
  const port: Record<string, number> = {};

  beforeAll(async () => {
    ca = issueCertificate({ commonName: 'meshlog test CA', authority: true });
    secure = await tlsNameServer('shop-https', issueCertificate({ commonName: 'shop.example.test', dnsNames: ['shop.example.test'], issuer: ca }));
    upstreams = await startUpstreams(['shop-http', 'catalog-east', 'catalog-west']);
    const yaml = mesh(upstreams.port('shop-http'), (secure.address() as net.AddressInfo).port, upstreams.port('catalog-east'), upstreams.port('catalog-west'));
    const run = await runView(yaml, 'sidecar', [HTTP, HTTPS]);
    envoy = run.envoy;
    expect(run.result.diagnostics).toEqual([]);
    ir = run.result.ir!;
    port.http = await envoy.listenerPort(HTTP);
    port.https = await envoy.listenerPort(HTTPS);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    secure?.close();
    await upstreams?.close();
  });

  /** The clusters explain sends `url` to. */
  function predicted(url: string): string {
    const parsed = parseRequest(`GET ${url}`);
    if (!parsed.ok) throw new Error(parsed.error);
    const o = explain(ir, parsed.request).outcome;
    return o.kind === 'tcp_proxy' || o.kind === 'forward' ? o.destinations.map((d) => d.cluster).join(', ') : o.kind;
  }

  it("routes port 80 to the first entry's endpoint", async () => {
    const res = await request(`http://127.0.0.1:${port.http}/`, { headers: { host: 'shop.example.test' } });
    expect(res.status, envoy!.log()).toBe(200);
    expect((JSON.parse(res.body) as UpstreamReply).upstream).toBe('shop-http');
    expect(predicted('http://shop.example.test/')).toBe('outbound|80||shop.example.test');
  });

  it("proxies port 443, which only the second entry defines, to that entry's endpoint by SNI", async () => {
    expect(await tlsRead(port.https!, 'shop.example.test', ca.certificate)).toBe('shop-https');
    expect(predicted('https://shop.example.test/')).toBe('outbound|443||shop.example.test');
  });

  it('spreads a port two entries define over the endpoints of both', async () => {
    const tally = await fire(`http://127.0.0.1:${port.http}/`, 40, { headers: { host: 'catalog.example.test' }, concurrency: 4 });
    expect(Object.keys(tally.counts).sort()).toEqual(['catalog-east', 'catalog-west']);
    expect(ir.endpoints.find((e) => e.clusterName === 'outbound|80||catalog.example.test')?.endpoints).toHaveLength(2);
  });
});
