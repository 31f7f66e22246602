// A gateway that terminates HTTPS, against a real Envoy: two Gateways for the same proxies with
// three HTTPS servers on port 443 between them (each with its own certificate, made for the
// test by a test CA) are compiled into one view, run as a static bootstrap, and real TLS
// clients connect with different SNI names.
// Envoy must present the right certificate, route the request, refuse names no server has,
// refuse plain HTTP on the TLS port and honour a server's minimum TLS version; and explain
// must predict each of these outcomes.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compile/index.ts';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import type { IssuedCertificate } from '../../src/core/certificates.ts';
import { explain, parseRequest } from '../../src/explain/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { localServiceEntry, tlsRequest, writeServerCertificates } from '../support/tls-client.ts';
import { request, startUpstreams, type Upstreams } from '../support/upstreams.ts';

const LISTENER = '0.0.0.0_443';
const VIEW = 'gateway~web~edge';

function config(dir: string, upstreamPort: number): string {
  const file = (name: string) => path.join(dir, name);
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-shop, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, serverCertificate: ${file('shop.crt')}, privateKey: ${file('shop.key')}}
  - port: {number: 443, name: https-wild, protocol: HTTPS}
    hosts: ["*.example.org"]
    tls: {mode: SIMPLE, serverCertificate: ${file('wild.crt')}, privateKey: ${file('wild.key')}}
---
# Another team's Gateway for the same proxies: merged into the same view and listener.
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: partner, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https-api, protocol: HTTPS}
    hosts: [api.example.com]
    tls: {mode: SIMPLE, serverCertificate: ${file('api.crt')}, privateKey: ${file('api.key')}, minProtocolVersion: TLSV1_3}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partner, namespace: web}
spec:
  hosts: [api.example.com]
  gateways: [partner]
  http:
  - route: [{destination: {host: front.web.svc.cluster.local, port: {number: 8080}}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: front, namespace: web}
spec:
  hosts: [shop.example.com, "*.example.org"]
  gateways: [edge]
  http:
  - route: [{destination: {host: front.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('front', 'web', upstreamPort)}`;
}

interface TlsResult {
  readonly status?: number;
  readonly upstream?: string;
  /** The certificate's common name, as the client saw it. */
  readonly servedBy?: string;
  readonly error?: string;
}

describe('live: Envoy terminates HTTPS for a compiled Gateway', () => {
  let dir: string;
  let ca: IssuedCertificate;
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  let port = 0;
  let ir: MeshIR;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-https-'));
    ca = writeServerCertificates(dir, [['shop', 'shop.example.com'], ['api', 'api.example.com'], ['wild', '*.example.org']]);
    upstreams = await startUpstreams(['front']);
    const yaml = config(dir, upstreams.port('front'));
    let result: CompileResult;
    ({ envoy, result } = await runView(yaml, VIEW, [LISTENER], dir));
    // Only the note that the two Gateways share one view.
    expect(result.diagnostics.map((d) => d.code)).toEqual(['ML4028', 'ML4028']);
    ir = result.ir!;
    port = await envoy.listenerPort(LISTENER);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await upstreams?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function get(sni: string, opts: { maxVersion?: 'TLSv1.2' | 'TLSv1.3'; anyCertificate?: boolean } = {}): Promise<TlsResult> {
    const r = await tlsRequest({ port, sni, ca: ca.certificate, path: '/hello', ...opts });
    return r.error !== undefined ? { error: r.error } : { status: r.status, upstream: r.upstream, servedBy: r.peer?.commonName };
  }

  /** explain's verdict for the same request: the cluster it forwards to, or how the connection ends. */
  function predicted(url: string): string {
    const parsed = parseRequest(`GET ${url}`);
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(ir, parsed.request, { view: VIEW });
    return e.outcome.kind === 'forward' ? `forward ${e.outcome.destinations.map((d) => d.cluster).join(',')}` : e.outcome.kind;
  }

  it("presents each server its own certificate, picked by SNI, and routes the request, whichever Gateway lists it", async () => {
    for (const host of ['shop.example.com', 'api.example.com']) {
      const res = await get(host);
      expect(res, host).toEqual({ status: 200, upstream: 'front', servedBy: host });
      expect(predicted(`https://${host}/hello`)).toBe('forward outbound|8080||front.web.svc.cluster.local');
    }
  });

  it('answers a name under a wildcard server host with the wildcard certificate', async () => {
    const res = await get('shop.example.org');
    expect(res).toEqual({ status: 200, upstream: 'front', servedBy: '*.example.org' });
    expect(predicted('https://shop.example.org/hello')).toBe('forward outbound|8080||front.web.svc.cluster.local');
    // Envoy's SNI wildcards, like its domain wildcards, cover any depth (a client that checks
    // the certificate refuses it there: a certificate wildcard covers one label).
    const deep = await get('a.b.example.org', { anyCertificate: true });
    expect(deep).toEqual({ status: 200, upstream: 'front', servedBy: '*.example.org' });
    expect(predicted('https://a.b.example.org/hello')).toBe('forward outbound|8080||front.web.svc.cluster.local');
  });

  it("routes within the server whose certificate SNI picked: another server's Host gets 404, as in Istio and explain", async () => {
    const res = await tlsRequest({ port, sni: 'shop.example.com', ca: ca.certificate, path: '/hello', headers: { host: 'api.example.com' } });
    expect({ status: res.status, servedBy: res.peer?.commonName }).toEqual({ status: 404, servedBy: 'shop.example.com' });
    const parsed = parseRequest('GET https://shop.example.com/hello -H host:api.example.com');
    if (!parsed.ok) throw new Error(parsed.error);
    expect(explain(ir, parsed.request, { view: VIEW }).outcome.kind).toBe('not_found');
  });

  it('closes connections for names no server lists, as explain predicts', async () => {
    const res = await get('unknown.example.com');
    expect(res.status).toBeUndefined();
    expect(res.error).toBeDefined();
    expect(predicted('https://unknown.example.com/hello')).toBe('connection_closed');
  });

  it('gives plain HTTP on the TLS port no answer, as explain predicts', async () => {
    const res = await request(`http://127.0.0.1:${port}/hello`, { headers: { host: 'shop.example.com' } }).then(
      (r) => ({ status: r.status }),
      (e: NodeJS.ErrnoException) => ({ error: e.code ?? e.message }),
    );
    expect(res).not.toHaveProperty('status');
    expect(predicted('http://shop.example.com:443/hello')).toBe('connection_closed');
  });

  it("refuses clients below a server's minProtocolVersion, and only on that server", async () => {
    expect((await get('api.example.com', { maxVersion: 'TLSv1.2' })).error).toBeDefined();
    expect(await get('shop.example.com', { maxVersion: 'TLSv1.2' })).toMatchObject({ status: 200, servedBy: 'shop.example.com' });
  });
});
