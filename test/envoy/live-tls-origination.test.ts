// TLS origination (DestinationRule tls.mode SIMPLE) through a real Envoy, as Istio does it:
// the request's host goes out as SNI when the rule names none; the server's certificate must
// chain to the rule's caCertificates (else the proxy's system bundle) and carry one of the
// rule's subjectAltNames, whatever their kind, or, without any, name the request's host
// (unless the rule names the SNI: then the chain alone counts). TLS 1.3 is offered. The
// upstreams are local TLS servers that answer with the SNI they were sent.
import fs from 'node:fs';
import type http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCertificate } from '../../src/core/certificates.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';
import { request } from '../support/upstreams.ts';

/** The URI subjectAltName of the servers' certificate. */
const WORKLOAD_ID = 'spiffe://payments.test/ns/default/sa/api';

let dir: string;
let server: https.Server;
let tls13Server: https.Server;
let envoy: EnvoyProcess;
let port: number;

/** A ServiceEntry for `host` on port 80 whose endpoint is the TLS server, and a DestinationRule originating TLS with `tls`. */
function tlsService(host: string, upstreamPort: number, tls: string): string {
  const name = host.split('.')[0];
  return `${localService(host, [upstreamPort])}apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: default}
spec:
  host: ${host}
  trafficPolicy:
    tls: ${tls}
---
`;
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-tls-origination-'));
  const ca = issueCertificate({ commonName: 'meshlog test CA', authority: true });
  const cert = issueCertificate({
    commonName: 'api.payments.test',
    dnsNames: ['api.payments.test', 'tls13.payments.test'],
    uris: [WORKLOAD_ID],
    issuer: ca,
  });
  const caFile = path.join(dir, 'ca.crt');
  fs.writeFileSync(caFile, ca.certificate);
  const answerSni: http.RequestListener = (req, res) => {
    res.end(JSON.stringify({ sni: (req.socket as TLSSocket).servername || null }));
  };
  server = https.createServer({ cert: cert.certificate, key: cert.privateKey }, answerSni);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const upstream = (server.address() as AddressInfo).port;
  // A server that speaks TLS 1.3 only, as hardened endpoints do.
  tls13Server = https.createServer({ cert: cert.certificate, key: cert.privateKey, minVersion: 'TLSv1.3' }, answerSni);
  await new Promise<void>((r) => tls13Server.listen(0, '127.0.0.1', r));
  const tls13Upstream = (tls13Server.address() as AddressInfo).port;
  const yaml = [
    tlsService('api.payments.test', upstream, `{mode: SIMPLE, caCertificates: ${caFile}}`),
    // The certificate names api.payments.test, not this host.
    tlsService('other.payments.test', upstream, `{mode: SIMPLE, caCertificates: ${caFile}}`),
    // No CAs named: the system bundle, which does not hold the test CA.
    tlsService('system.payments.test', upstream, '{mode: SIMPLE}'),
    tlsService('skip.payments.test', upstream, '{mode: SIMPLE, insecureSkipVerify: true}'),
    // The rule's SNI: the certificate is for that name, not for the host the request was for.
    tlsService('sni.payments.test', upstream, `{mode: SIMPLE, caCertificates: ${caFile}, sni: api.payments.test}`),
    // The certificate must carry one of the rule's names: here a URI (a SPIFFE identity).
    tlsService('spiffe.payments.test', upstream, `{mode: SIMPLE, caCertificates: ${caFile}, sni: api.payments.test, subjectAltNames: [${WORKLOAD_ID}]}`),
    tlsService('impostor.payments.test', upstream, `{mode: SIMPLE, caCertificates: ${caFile}, sni: api.payments.test, subjectAltNames: [spiffe://payments.test/other]}`),
    tlsService('tls13.payments.test', tls13Upstream, `{mode: SIMPLE, caCertificates: ${caFile}}`),
  ].join('');
  ({ envoy } = await runView(yaml, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  server?.close();
  tls13Server?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

const get = (host: string) => request(`http://127.0.0.1:${port}/`, { headers: { host } });

/** Envoy's count of TLS handshakes the cluster of `host` refused for `reason` (fail_verify_san, fail_verify_error). */
const sslStat = (host: string, reason: string): Promise<number> => envoy.stat(`cluster.outbound|80||${host}.ssl.${reason}`);

describe('TLS origination with a real Envoy', () => {
  it('sends the request host as SNI and reaches a server whose certificate chains to the CAs and names the host', async () => {
    const res = await get('api.payments.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'api.payments.test' });
  });

  it('refuses a server whose certificate names another host', async () => {
    const res = await get('other.payments.test');
    expect(res.status).toBe(503);
    expect(await sslStat('other.payments.test', 'fail_verify_san')).toBeGreaterThan(0);
  });

  it('checks servers against the system CAs when the rule names none, as Istio does', async () => {
    const res = await get('system.payments.test');
    expect(res.status).toBe(503);
    expect(await sslStat('system.payments.test', 'fail_verify_error')).toBeGreaterThan(0);
  });

  it('skips the check only when insecureSkipVerify says so (SNI still sent)', async () => {
    const res = await get('skip.payments.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'skip.payments.test' });
  });

  it("sends the rule's SNI and checks the certificate's chain only, not the request's host, as Istio", async () => {
    const res = await get('sni.payments.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'api.payments.test' });
  });

  it('accepts a certificate carrying one of subjectAltNames as a URI, and refuses one carrying none of them', async () => {
    const res = await get('spiffe.payments.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'api.payments.test' });
    expect((await get('impostor.payments.test')).status).toBe(503);
    expect(await sslStat('impostor.payments.test', 'fail_verify_san')).toBeGreaterThan(0);
  });

  it('reaches a server that speaks TLS 1.3 only', async () => {
    const res = await get('tls13.payments.test');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ sni: 'tls13.payments.test' });
  });
});
