// A Gateway server's `tls`: what a SIMPLE server needs to terminate TLS, a version range that
// is not empty, and cipher suites Envoy knows (others are dropped, as Istio drops them).
import type { ServerTls } from '../schema/index.ts';
import { at, type Path, type RuleContext } from './context.ts';
import { isEnvoyCipherSuite } from './tls-ciphers.ts';

const VERSION_ORDER = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];

/** Modes that end TLS at the gateway, with the gateway's own certificate. */
const TERMINATING = new Set(['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL']);

export function checkServerTls(ctx: RuleContext, tls: ServerTls, path: Path): void {
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (TERMINATING.has(mode) && !tls.credentialName) {
    for (const field of ['serverCertificate', 'privateKey'] as const) {
      if (!tls[field]) {
        ctx.report('ML3020', `tls.mode ${mode} needs ${field} (a PEM file mounted in the gateway), or credentialName`, at(path, field));
      }
    }
    if (mode !== 'SIMPLE' && !tls.caCertificates) {
      ctx.report('ML3020', `tls.mode ${mode} needs caCertificates (a PEM file mounted in the gateway: the CAs that sign client certificates), or credentialName`, at(path, 'mode'));
    }
  }
  // As Istio: one source of the server's certificate (credentialName is a Secret served over SDS,
  // serverCertificate/privateKey files mounted in the gateway).
  if (tls.credentialName && tls.serverCertificate && tls.privateKey) {
    ctx.report('ML3030', 'set credentialName or serverCertificate and privateKey, not both: Istio refuses a server with two sources of its certificate', at(path, 'credentialName'));
  }
  checkClientChecks(ctx, tls, path);
  // Versions and ciphers matter where TLS ends here; other modes report their own problems.
  if (!TERMINATING.has(mode)) return;
  // The range the listener gets: an unset or TLS_AUTO minimum is TLS 1.2 (Istio's gateway
  // default, and Envoy's for servers); an unset or TLS_AUTO maximum is TLS 1.3.
  const min = VERSION_ORDER.indexOf(tls.minProtocolVersion ?? 'TLSV1_2');
  const max = VERSION_ORDER.indexOf(tls.maxProtocolVersion ?? 'TLSV1_3');
  const effectiveMin = min < 0 ? VERSION_ORDER.indexOf('TLSV1_2') : min;
  const effectiveMax = max < 0 ? VERSION_ORDER.indexOf('TLSV1_3') : max;
  if (effectiveMin > effectiveMax) {
    const minText = tls.minProtocolVersion === undefined ? 'TLSV1_2 (the default)' : min < 0 ? `${tls.minProtocolVersion} (TLSV1_2 on a gateway)` : tls.minProtocolVersion;
    const field = tls.minProtocolVersion && min >= 0 ? 'minProtocolVersion' : 'maxProtocolVersion';
    ctx.report('ML3030', `minProtocolVersion ${minText} is above maxProtocolVersion ${tls.maxProtocolVersion}: no TLS version is left, so every handshake fails`, at(path, field));
  }
  (tls.cipherSuites ?? []).forEach((name, i) => {
    if (!isEnvoyCipherSuite(name)) {
      ctx.report('ML3045', `cipher suite "${name}" cannot be set in Envoy (an unknown name, or a TLS 1.3 suite, which Envoy does not let config choose), so it is left out`, at(path, 'cipherSuites', i));
    }
  });
}

/** Pins and names Envoy takes as written: a malformed one makes it reject the whole listener. */
function checkClientChecks(ctx: RuleContext, tls: ServerTls, path: Path): void {
  (tls.subjectAltNames ?? []).forEach((name, i) => {
    if (name === '') ctx.report('ML3039', 'an empty subjectAltNames entry matches no certificate: remove it', at(path, 'subjectAltNames', i));
  });
  (tls.verifyCertificateSpki ?? []).forEach((pin, i) => {
    if (!SPKI_PIN.test(pin)) {
      ctx.report('ML3039', `"${pin}" is not an SPKI pin: the base64 SHA-256 of the certificate's public key, 44 characters ending in "="`, at(path, 'verifyCertificateSpki', i));
    }
  });
  (tls.verifyCertificateHash ?? []).forEach((pin, i) => {
    if (!HASH_PIN.test(pin)) {
      ctx.report('ML3039', `"${pin}" is not a certificate hash: the hex SHA-256 of the certificate, 64 hex digits, or 32 pairs joined by ":"`, at(path, 'verifyCertificateHash', i));
    }
  });
}

const SPKI_PIN = /^[A-Za-z0-9+/]{43}=$/;
const HASH_PIN = /^(?:[0-9A-Fa-f]{64}|(?:[0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2})$/;
