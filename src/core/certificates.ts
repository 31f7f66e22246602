// X.509 certificates made on the spot: the stand-in certificate `validate --envoy` hands Envoy
// for a gateway's mounted certificate files (which CI does not have), and the test CA and
// server certificates of the HTTPS gateway tests. Keys come from Node's crypto (native and
// fast); node-forge builds and signs the certificates.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import type forgeModule from 'node-forge';

// Loaded on first use: only `validate --envoy` on HTTPS gateways and the tests need it, and
// every CLI command would otherwise pay for loading it at start-up.
let forgeLoaded: typeof forgeModule | undefined;
const loadForge = (): typeof forgeModule => (forgeLoaded ??= createRequire(import.meta.url)('node-forge') as typeof forgeModule);

export interface IssuedCertificate {
  /** PEM. */
  readonly certificate: string;
  /** PEM (PKCS#8). */
  readonly privateKey: string;
}

export interface CertificateRequest {
  readonly commonName: string;
  /** subjectAltName DNS names. */
  readonly dnsNames?: readonly string[];
  /** subjectAltName URIs (a SPIFFE identity, say). */
  readonly uris?: readonly string[];
  /** A client certificate (extended key usage clientAuth) instead of a server one. */
  readonly client?: boolean;
  /** A certificate authority (basicConstraints CA) instead of a server certificate. */
  readonly authority?: boolean;
  /** Signed by this authority; self-signed without one. */
  readonly issuer?: IssuedCertificate;
  /** Default 30. */
  readonly validDays?: number;
}

export function issueCertificate(request: CertificateRequest): IssuedCertificate {
  const forge = loadForge();
  const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  const publicKey = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();

  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  // A positive serial (leading byte below 0x80), unique enough for certificates made per run.
  cert.serialNumber = '01' + randomBytes(15).toString('hex');
  const now = Date.now();
  cert.validity.notBefore = new Date(now - 60_000); // a little slack for clock skew
  cert.validity.notAfter = new Date(now + (request.validDays ?? 30) * 86_400_000);
  const subject = [{ name: 'commonName', value: request.commonName }];
  cert.setSubject(subject);
  const issuer = request.issuer ? forge.pki.certificateFromPem(request.issuer.certificate) : undefined;
  cert.setIssuer(issuer ? issuer.subject.attributes : subject);
  const extensions: Record<string, unknown>[] = [
    { name: 'basicConstraints', cA: request.authority === true, critical: true },
    request.authority
      ? { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true }
      : { name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true },
  ];
  if (!request.authority) extensions.push({ name: 'extKeyUsage', ...(request.client ? { clientAuth: true } : { serverAuth: true }) });
  // subjectAltName entries: type 2 is a DNS name, 6 a URI.
  const altNames = [...(request.dnsNames ?? []).map((value) => ({ type: 2, value })), ...(request.uris ?? []).map((value) => ({ type: 6, value }))];
  if (altNames.length > 0) extensions.push({ name: 'subjectAltName', altNames });
  cert.setExtensions(extensions);
  const signingKey = forge.pki.privateKeyFromPem(request.issuer?.privateKey ?? privateKey);
  cert.sign(signingKey, forge.md.sha256.create());
  return { certificate: forge.pki.certificateToPem(cert), privateKey };
}
