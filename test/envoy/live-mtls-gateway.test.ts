// A gateway verifying client certificates, against a real Envoy: HTTPS servers (one port per
// client rule, as meshlog requires: ML4034) with
// `tls.mode: MUTUAL` (a client certificate from the partners' CA is required; on one server it
// must also carry an allowed name) and one with `OPTIONAL_MUTUAL` (a certificate is asked for,
// and checked when sent).
// Real TLS clients connect with no certificate, a good one, one from another CA and one with a
// name the server does not allow. explain names what each server asks of clients.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { issueCertificate, type IssuedCertificate } from '../../src/core/certificates.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { localServiceEntry, tlsRequest, writeServerCertificates } from '../support/tls-client.ts';
import { startUpstreams, type Upstreams } from '../support/upstreams.ts';

// One port per client rule: servers sharing a port must ask the same of clients (ML4034).
const PORTS: Record<string, string> = {
  'api.example.com': '0.0.0.0_443',
  'portal.example.com': '0.0.0.0_8443',
  'docs.example.com': '0.0.0.0_9443',
  'wiki.example.com': '0.0.0.0_10443',
};
const VIEW = 'gateway~web~partners';
const PARTNER_ID = 'spiffe://partners.example/acme';

function config(dir: string, upstreamPort: number): string {
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
  - port: {number: 8443, name: https-portal, protocol: HTTPS}
    hosts: [portal.example.com]
    tls:
      mode: MUTUAL
      serverCertificate: ${file('portal.crt')}
      privateKey: ${file('portal.key')}
      caCertificates: ${file('partners-ca.pem')}
  - port: {number: 9443, name: https-docs, protocol: HTTPS}
    hosts: [docs.example.com]
    tls:
      mode: OPTIONAL_MUTUAL
      serverCertificate: ${file('docs.crt')}
      privateKey: ${file('docs.key')}
      caCertificates: ${file('partners-ca.pem')}
  - port: {number: 10443, name: https-wiki, protocol: HTTPS}
    hosts: [wiki.example.com]
    tls:
      mode: OPTIONAL_MUTUAL
      serverCertificate: ${file('wiki.crt')}
      privateKey: ${file('wiki.key')}
      caCertificates: ${file('partners-ca.pem')}
      subjectAltNames: [${PARTNER_ID}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: web}
spec:
  hosts: [api.example.com, portal.example.com, docs.example.com, wiki.example.com]
  gateways: [partners]
  http:
  - route: [{destination: {host: front.web.svc.cluster.local, port: {number: 8080}}}]
---
${localServiceEntry('front', 'web', upstreamPort)}`;
}

describe('live: Envoy verifies client certificates for MUTUAL and OPTIONAL_MUTUAL gateway servers', () => {
  let dir: string;
  let serverCa: IssuedCertificate;
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  const ports: Record<string, number> = {};
  let ir: MeshIR;
  const clients: Record<string, IssuedCertificate> = {};

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-mtls-'));
    serverCa = writeServerCertificates(dir, [['api', 'api.example.com'], ['portal', 'portal.example.com'], ['docs', 'docs.example.com'], ['wiki', 'wiki.example.com']]);
    const partnersCa = issueCertificate({ commonName: 'partners CA', authority: true });
    fs.writeFileSync(path.join(dir, 'partners-ca.pem'), partnersCa.certificate);
    const otherCa = issueCertificate({ commonName: 'someone else', authority: true });
    clients.partner = issueCertificate({ commonName: 'acme', uris: [PARTNER_ID], client: true, issuer: partnersCa });
    clients.otherName = issueCertificate({ commonName: 'intruder', uris: ['spiffe://partners.example/intruder'], client: true, issuer: partnersCa });
    clients.otherCa = issueCertificate({ commonName: 'acme', uris: [PARTNER_ID], client: true, issuer: otherCa });
    upstreams = await startUpstreams(['front']);
    const result = compile({ origin: { kind: 'folder', path: dir }, commit: null, files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(config(dir, upstreams.port('front'))) }], diagnostics: [] });
    expect(result.diagnostics).toEqual([]);
    ir = result.ir!;
    const listeners = Object.values(PORTS);
    const bootstrap = staticBootstrap(result.snapshot!, VIEW, { adminPort: 0, listenerAddress: '127.0.0.1', listenerPorts: Object.fromEntries(listeners.map((l) => [l, 0])) });
    envoy = await startEnvoy(writeConfigFile(bootstrap));
    for (const [host, listener] of Object.entries(PORTS)) ports[host] = await envoy.listenerPort(listener);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    await upstreams?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  /** `200` for a routed request, else `refused` (the handshake or the connection failed). */
  async function outcome(sni: string, client?: IssuedCertificate): Promise<string> {
    const r = await tlsRequest({ port: ports[sni]!, sni, ca: serverCa.certificate, path: '/x', ...(client ? { clientCertificate: client } : {}) });
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

  it("tells the backend who the client is (x-forwarded-client-cert), never what the client claims", async () => {
    const spoofed = { 'x-forwarded-client-cert': 'URI=spiffe://partners.example/admin' };
    const verified = await tlsRequest({ port: ports['portal.example.com']!, sni: 'portal.example.com', ca: serverCa.certificate, clientCertificate: clients.partner, headers: spoofed });
    const xfcc = verified.upstreamHeaders?.['x-forwarded-client-cert'] ?? '';
    expect(xfcc).toContain(`URI=${PARTNER_ID}`);
    expect(xfcc).toContain('Subject="CN=acme"');
    expect(xfcc).not.toContain('spiffe://partners.example/admin');
    const anonymous = await tlsRequest({ port: ports['docs.example.com']!, sni: 'docs.example.com', ca: serverCa.certificate, headers: spoofed });
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
    expect(said('https://docs.example.com:9443/x').tls).toBe('optional');
    expect(said('https://portal.example.com:8443/x').tls).toBe('required');
    expect(said('https://wiki.example.com:10443/x').tls).toBe('required');
  });
});
