// One HTTPS request to a local TLS listener with a chosen SNI name, as the HTTPS gateway tests
// make it: what came back (status, the upstream that answered) and which certificate the server
// presented, or the error code when the connection or handshake failed.
import https from 'node:https';
import type { TLSSocket } from 'node:tls';

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
}

export interface TlsReply {
  readonly status?: number;
  /** x-upstream of the answer (test/support/upstreams.ts). */
  readonly upstream?: string;
  readonly peer?: { readonly commonName: string | undefined; readonly serial: string };
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
        headers: { host: r.sni },
        ca: r.ca,
        agent: false,
        ...(r.maxVersion ? { maxVersion: r.maxVersion } : {}),
        ...(r.anyCertificate ? { rejectUnauthorized: false } : {}),
      },
      (res) => {
        const cert = (res.socket as TLSSocket).getPeerCertificate();
        res.resume();
        res.on('end', () =>
          resolve({ status: res.statusCode, upstream: String(res.headers['x-upstream'] ?? ''), peer: { commonName: cert.subject?.CN as string | undefined, serial: cert.serialNumber } }),
        );
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}
