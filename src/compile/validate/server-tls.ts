// A Gateway server's `tls`: what a SIMPLE server needs to terminate TLS, a version range that
// is not empty, and cipher suites Envoy knows (others are dropped, as Istio drops them).
import type { ServerTls } from '../schema/index.ts';
import { at, type Path, type RuleContext } from './context.ts';
import { isEnvoyCipherSuite } from './tls-ciphers.ts';

const VERSION_ORDER = ['TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'];

export function checkServerTls(ctx: RuleContext, tls: ServerTls, path: Path): void {
  if (tls.mode === 'SIMPLE' && !tls.credentialName) {
    for (const field of ['serverCertificate', 'privateKey'] as const) {
      if (!tls[field]) {
        ctx.report('ML3020', `tls.mode SIMPLE needs ${field} (a PEM file mounted in the gateway), or credentialName`, at(path, field));
      }
    }
  }
  const min = VERSION_ORDER.indexOf(tls.minProtocolVersion ?? '');
  const max = VERSION_ORDER.indexOf(tls.maxProtocolVersion ?? '');
  if (min >= 0 && max >= 0 && min > max) {
    ctx.report('ML3030', `minProtocolVersion ${tls.minProtocolVersion} is above maxProtocolVersion ${tls.maxProtocolVersion}: no TLS version is left`, at(path, 'minProtocolVersion'));
  }
  (tls.cipherSuites ?? []).forEach((name, i) => {
    if (!isEnvoyCipherSuite(name)) {
      ctx.report('ML3045', `cipher suite "${name}" is not one Envoy supports, so it is left out`, at(path, 'cipherSuites', i));
    }
  });
}
