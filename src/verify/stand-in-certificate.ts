// The certificate `envoy --mode validate` reads in place of a gateway's mounted certificate
// files (see staticBootstrap's tlsFiles): Envoy opens the files a listener names even to
// validate, and the machine that checks a view (a laptop, CI) does not hold the gateway's
// certificates. The view is checked exactly as compiled otherwise; the files themselves are
// the gateway's to provide (and `meshlog compile --bootstrap-dir` keeps their real paths).
import fs from 'node:fs';
import path from 'node:path';
import { issueCertificate } from '../core/certificates.ts';
import type { TlsFiles } from '../envoy/static-bootstrap.ts';

/** Writes a self-signed certificate and its key into `dir` (once per dir) and names them. */
export function standInTlsFiles(dir: string): () => TlsFiles {
  let files: TlsFiles | undefined;
  return () => {
    if (files) return files;
    const issued = issueCertificate({ commonName: 'meshlog validation stand-in', validDays: 1 });
    const certificateChain = path.join(dir, 'stand-in.crt');
    const privateKey = path.join(dir, 'stand-in.key');
    fs.writeFileSync(certificateChain, issued.certificate);
    fs.writeFileSync(privateKey, issued.privateKey, { mode: 0o600 });
    files = { certificateChain, privateKey };
    return files;
  };
}
