// What the HTTPS gateway tests share: one HTTPS request to a local TLS listener with a chosen
// SNI name (what came back, which certificate the server presented, or the error code when the
// connection or handshake failed), the certificates they mount, and a local upstream's
// ServiceEntry.
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { issueCertificate, type IssuedCertificate } from '../../src/core/certificates.ts';

export interface TlsRequest {
  readonly port: number;
  /** SNI name and Host header. */
  readonly sni: string;
  /** PEM of the CA that signed the server certificates. */
  readonly ca: string;
  readonly path?: string;
  readonly maxVersion?: 'TLSv1.2' | 'TLSv1.3';
  /** Accept any certificate (to see which one a name the certificate does not cover gets). */
  readonly anyCertificate?: boolean;
  /** A client certificate to present (mutual TLS). */
  readonly clientCertificate?: IssuedCertificate;
  /** More request headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface TlsReply {
  readonly status?: number;
  /** x-upstream of the answer (test/support/upstreams.ts). */
  readonly upstream?: string;
  readonly peer?: { readonly commonName: string | undefined; readonly serial: string };
  /** The request headers the upstream received (its JSON answer, test/support/upstreams.ts). */
  readonly upstreamHeaders?: Readonly<Record<string, string>>;
  /** The Location header of a redirect. */
  readonly location?: string;
  readonly error?: string;
}

export function tlsRequest(r: TlsRequest): Promise<TlsReply> {
  return new Promise((resolve) => {
    const req = https.request(
      {
        host: '127.0.0.1',
        port: r.port,
        path: r.path ?? '/',
        servername: r.sni,
        headers: { host: r.sni, ...r.headers },
        ca: r.ca,
        agent: false,
        ...(r.maxVersion ? { maxVersion: r.maxVersion } : {}),
        ...(r.anyCertificate ? { rejectUnauthorized: false } : {}),
        ...(r.clientCertificate ? { cert: r.clientCertificate.certificate, key: r.clientCertificate.privateKey } : {}),
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => {
          let upstreamHeaders: Record<string, string> | undefined;
          try {
            upstreamHeaders = (JSON.parse(body) as { headers?: Record<string, string> }).headers;
          } catch {
            upstreamHeaders = undefined; // not an upstream's answer (an Envoy error page)
          }
          resolve({ status: res.statusCode, upstream: String(res.headers['x-upstream'] ?? ''), peer: { commonName: cert.subject?.CN as string | undefined, serial: cert.serialNumber }, ...(upstreamHeaders ? { upstreamHeaders } : {}), ...(res.headers.location ? { location: res.headers.location } : {}) });
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

/**
 * A test CA and, in `dir`, one server certificate per `[file, dnsName]`: `<file>.crt` and
 * `<file>.key`, as a gateway's `serverCertificate` / `privateKey` name them.
 */
export function writeServerCertificates(dir: string, servers: readonly (readonly [file: string, dnsName: string])[]): IssuedCertificate {
  const ca = issueCertificate({ commonName: 'meshlog test CA', authority: true });
  for (const [file, dns] of servers) {
    const cert = issueCertificate({ commonName: dns, dnsNames: [dns], issuer: ca });
    fs.writeFileSync(path.join(dir, `${file}.crt`), cert.certificate);
    fs.writeFileSync(path.join(dir, `${file}.key`), cert.privateKey);
  }
  return ca;
}

/** A ServiceEntry `<name>.<ns>.svc.cluster.local:8080` whose one endpoint is a local upstream. */
export function localServiceEntry(name: string, namespace: string, upstreamPort: number): string {
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${name}.${namespace}.svc.cluster.local]
  ports: [{number: 8080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {http: ${upstreamPort}}}]
`;
}
