// A gateway verifying client certificates, against a real Envoy: HTTPS servers on one port with
// `tls.mode: MUTUAL` (a client certificate from the partners' CA is required; on one server it
// must also carry an allowed name) and one with `OPTIONAL_MUTUAL` (a certificate is asked for,
// and checked when sent).
// Real TLS clients connect with no certificate, a good one, one from another CA and one with a
// name the server does not allow. explain names what each server asks of clients.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compile/index.ts';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { issueCertificate, type IssuedCertificate } from '../../src/core/certificates.ts';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { localServiceEntry, tlsRequest, writeServerCertificates } from '../support/tls-client.ts';
import { startUpstreams, type Upstreams } from '../support/upstreams.ts';

const LISTENER = '0.0.0.0_443';
const VIEW = 'gateway~web~edge'; // the view of both Gateways, named after the first
const PARTNER_ID = 'spiffe://partners.example/acme';

function config(dir: string, upstreamPort: number, statusPort: number): string {
  const file = (name: string) => path.join(dir, name);
  return `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: partners, namespace: web}
spec:
  selector: {istio: partner-gateway}
  servers:
  - port: {number: 443, name: https-api, protocol: HTTPS}
    hosts: [api.example.com]
    tls:
      mode: MUTUAL
      serverCertificate: ${file('api.crt')}
      privateKey: ${file('api.key')}
      caCertificates: ${file('partners-ca.pem')}
      subjectAltNames: [${PARTNER_ID}]
  - port: {number: 443, name: https-portal, protocol: HTTPS}
    hosts: [portal.example.com]
    tls:
      mode: MUTUAL
      serverCertificate: ${file('portal.crt')}
      privateKey: ${file('portal.key')}
      caCertificates: ${file('partners-ca.pem')}
  - port: {number: 443, name: https-docs, protocol: HTTPS}
    hosts: [docs.example.com]
    tls:
      mode: OPTIONAL_MUTUAL
      serverCertificate: ${file('docs.crt')}
      privateKey: ${file('docs.key')}
      caCertificates: ${file('partners-ca.pem')}
  - port: {number: 443, name: https-wiki, protocol: HTTPS}
    hosts: [wiki.example.com]
    tls:
      mode: OPTIONAL_MUTUAL
      serverCertificate: ${file('wiki.crt')}
      privateKey: ${file('wiki.key')}
      caCertificates: ${file('partners-ca.pem')}
      subjectAltNames: [${PARTNER_ID}]
  - port: {number: 443, name: https-public, protocol: HTTPS}
    hosts: [public.example.com]
    tls: {mode: SIMPLE, serverCertificate: ${file('public.crt')}, privateKey: ${file('public.key')}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: web}
spec:
  hosts: [api.example.com, portal.example.com, docs.example.com, wiki.example.com, public.example.com]
  gateways: [partners]
  http:
  - route: [{destination: {host: front.web.svc.cluster.local, port: {number: 8080}}}]
---
# Another team's Gateway for the same proxies: any other name, no client certificate. It admits
# api.example.com too, for one public route of its own (ML4034 says so); the partners' routes
# for that host stay in the partners server's table.
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: partner-gateway}
  servers:
  - port: {number: 443, name: https-any, protocol: HTTPS}
    hosts: ["*"]
    tls: {mode: SIMPLE, serverCertificate: ${file('any.crt')}, privateKey: ${file('any.key')}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: status, namespace: web}
spec:
  hosts: [api.example.com]
  gateways: [edge]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {host: status.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('front', 'web', upstreamPort)}
---
${localServiceEntry('status', 'web', statusPort)}`;
}

describe('live: Envoy verifies client certificates for MUTUAL and OPTIONAL_MUTUAL gateway servers', () => {
  let dir: string;
  let serverCa: IssuedCertificate;
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  let port = 0;
  let ir: MeshIR;
  const clients: Record<string, IssuedCertificate> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-mtls-'));
    serverCa = writeServerCertificates(dir, [['api', 'api.example.com'], ['portal', 'portal.example.com'], ['docs', 'docs.example.com'], ['wiki', 'wiki.example.com'], ['public', 'public.example.com'], ['any', '*.example.com']]);
    const partnersCa = issueCertificate({ commonName: 'partners CA', authority: true });
    fs.writeFileSync(path.join(dir, 'partners-ca.pem'), partnersCa.certificate);
    const otherCa = issueCertificate({ commonName: 'someone else', authority: true });
    clients.partner = issueCertificate({ commonName: 'acme', uris: [PARTNER_ID], client: true, issuer: partnersCa });
    clients.otherName = issueCertificate({ commonName: 'intruder', uris: ['spiffe://partners.example/intruder'], client: true, issuer: partnersCa });
    clients.otherCa = issueCertificate({ commonName: 'acme', uris: [PARTNER_ID], client: true, issuer: otherCa });
    upstreams = await startUpstreams(['front', 'status']);
    let result: CompileResult;
    ({ envoy, result } = await runView(config(dir, upstreams.port('front'), upstreams.port('status')), VIEW, [LISTENER], dir));
    // The two Gateways' merge (info), and api.example.com served by both kinds of server.
    expect(result.diagnostics.map((d) => `${d.code} ${d.field}`)).toEqual(['ML4028 spec.selector', 'ML4034 spec.servers[0]', 'ML4028 spec.selector']);
    ir = result.ir!;
    port = await envoy.listenerPort(LISTENER);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await upstreams?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `200` for a routed request, else `refused` (the handshake or the connection failed). */
  async function outcome(sni: string, client?: IssuedCertificate, host?: string): Promise<string> {
    const r = await tlsRequest({ port, sni, ca: serverCa.certificate, path: '/x', ...(client ? { clientCertificate: client } : {}), ...(host ? { headers: { host } } : {}) });
    if (r.error !== undefined) return 'refused';
    return r.upstream === 'front' ? String(r.status) : `status ${r.status} from ${r.upstream}`;
  }

  it('MUTUAL: lets in only a client whose certificate the partners CA signed', async () => {
    expect(await outcome('portal.example.com', clients.partner)).toBe('200');
    expect(await outcome('portal.example.com', clients.otherName)).toBe('200');
    expect(await outcome('portal.example.com')).toBe('refused');
    expect(await outcome('portal.example.com', clients.otherCa)).toBe('refused');
  });

  it('MUTUAL with subjectAltNames: the certificate must also carry an allowed name', async () => {
    expect(await outcome('api.example.com', clients.partner)).toBe('200');
    expect(await outcome('api.example.com')).toBe('refused');
    expect(await outcome('api.example.com', clients.otherCa)).toBe('refused');
    expect(await outcome('api.example.com', clients.otherName)).toBe('refused');
  });

  it('OPTIONAL_MUTUAL: lets in a client without a certificate, and refuses one whose certificate fails the check', async () => {
    expect(await outcome('docs.example.com')).toBe('200');
    expect(await outcome('docs.example.com', clients.partner)).toBe('200');
    expect(await outcome('docs.example.com', clients.otherCa)).toBe('refused');
  });

  it('OPTIONAL_MUTUAL with subjectAltNames: Envoy refuses a client without a certificate too, as meshlog says', async () => {
    expect(await outcome('wiki.example.com', clients.partner)).toBe('200');
    expect(await outcome('wiki.example.com')).toBe('refused');
    expect(await outcome('wiki.example.com', clients.otherName)).toBe('refused');
  });

  it("routes each server by a table of its own: another server's handshake does not reach a MUTUAL server's routes", async () => {
    expect(await outcome('public.example.com')).toBe('200');
    // The public server's handshake (no certificate), then the MUTUAL servers' hosts: not found.
    expect(await outcome('public.example.com', undefined, 'api.example.com')).toBe('status 404 from ');
    expect(await outcome('public.example.com', undefined, 'portal.example.com')).toBe('status 404 from ');
    // Nor through an OPTIONAL_MUTUAL server's handshake without a certificate.
    expect(await outcome('docs.example.com', undefined, 'portal.example.com')).toBe('status 404 from ');
    // The other Gateway's "*" server admits api.example.com for its own route only.
    expect(await outcome('www.example.com', undefined, 'api.example.com')).toBe('status 404 from ');
    expect(await tlsRequest({ port, sni: 'www.example.com', ca: serverCa.certificate, path: '/status', headers: { host: 'api.example.com' } })).toMatchObject({ status: 200, upstream: 'status' });
  });

  it("tells the backend who the client is (x-forwarded-client-cert), never what the client claims", async () => {
    const spoofed = { 'x-forwarded-client-cert': 'URI=spiffe://partners.example/admin' };
    const verified = await tlsRequest({ port, sni: 'portal.example.com', ca: serverCa.certificate, clientCertificate: clients.partner, headers: spoofed });
    const xfcc = verified.upstreamHeaders?.['x-forwarded-client-cert'] ?? '';
    expect(xfcc).toContain(`URI=${PARTNER_ID}`);
    expect(xfcc).toContain('Subject="CN=acme"');
    expect(xfcc).not.toContain('spiffe://partners.example/admin');
    const anonymous = await tlsRequest({ port, sni: 'docs.example.com', ca: serverCa.certificate, headers: spoofed });
    expect(anonymous.status).toBe(200);
    expect(anonymous.upstreamHeaders?.['x-forwarded-client-cert']).toBeUndefined();
  });

  it('explain says what each server asks of clients', () => {
    const said = (url: string) => {
      const parsed = parseRequest(`GET ${url}`);
      if (!parsed.ok) throw new Error(parsed.error);
      const e = explain(ir, parsed.request, { view: VIEW });
      return { tls: e.listener?.tls?.clientCertificate, text: renderExplanationText(e) };
    };
    const api = said('https://api.example.com/x');
    expect(api.tls).toBe('required');
    expect(api.text).toContain('client certificate required');
    expect(said('https://docs.example.com/x').tls).toBe('optional');
    expect(said('https://portal.example.com/x').tls).toBe('required');
    expect(said('https://wiki.example.com/x').tls).toBe('required');
    expect(said('https://public.example.com/x').tls).toBeUndefined();
    // Each server's own table: the partners' api.example.com routes, not the other Gateway's.
    const parsed = parseRequest('GET https://api.example.com/status');
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(ir, parsed.request, { view: VIEW });
    expect(e.listener?.routeTable).toBe('https.443.0.partners.web');
    expect(e.outcome.kind === 'forward' ? e.outcome.destinations.map((d) => d.cluster) : e.outcome.kind).toEqual(['outbound|8080||front.web.svc.cluster.local']);
  });
});
