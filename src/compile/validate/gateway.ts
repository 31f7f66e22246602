// Gateway rules, as Istio's webhook validates a Gateway (pkg/config/validation/validation.go:384
// ValidateGateway, validateServer, validateServerPort, validateServerBind): every server has a
// port (number, protocol, name; port names unique in the Gateway) and hosts; tls settings only on
// HTTPS and TLS servers, besides a redirect on plain HTTP ones; a bind that is an IP address or a
// Unix socket (whose server takes port 0); TLS settings Envoy accepts; TLS modes meshlog cannot
// serve yet.
import type { LoadedGateway } from '../parse/types.ts';
import type { GatewayServer } from '../schema/index.ts';
import { checkGatewayHost } from './checks-hosts.ts';
import { checkLabels, checkPort, checkUniqueNames, isIpOrCidr } from './checks-values.ts';
import { at, type Path, type RuleContext } from './context.ts';
import { checkProtocol, PROTOCOLS } from './ports.ts';
import { checkServerTls } from './server-tls.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';
import { unixAddressProblem } from './unix-address.ts';
import { isHttpProtocol } from '../istio/protocols.ts';

const TLS_NOT_YET = new Set(['AUTO_PASSTHROUGH', 'ISTIO_MUTUAL']);

export function validateGateway(ctx: RuleContext, gw: LoadedGateway): void {
  const spec = gw.spec;
  checkLabels(ctx, spec.selector, ['spec', 'selector']);
  const servers = spec.servers ?? [];
  if (servers.length === 0) ctx.report('ML3020', 'a Gateway needs at least one server', ['spec', 'servers']);
  servers.forEach((server, i) => {
    const p = ['spec', 'servers', i];
    if (!server.port) ctx.report('ML3020', 'the server needs a port (number, protocol, name)', p);
    else checkServerPort(ctx, server, p);
    const hosts = server.hosts ?? [];
    if (hosts.length === 0) ctx.report('ML3020', 'the server needs at least one host', p);
    hosts.forEach((h, j) => checkGatewayHost(ctx, h, at(p, 'hosts', j)));
    // Only on HTTPS and TLS servers: on another protocol checkTlsFitsProtocol owns tls (a plain
    // HTTP server takes AUTO_PASSTHROUGH beside a redirect, as Istio does, and ISTIO_MUTUAL
    // there is ML3030 alone).
    if (server.tls?.mode && TLS_NOT_YET.has(server.tls.mode) && isTlsProtocol(server)) {
      ctx.report('ML3024', `TLS mode ${server.tls.mode} is not supported by meshlog yet`, at(p, 'tls', 'mode'));
    }
    if (server.tls) checkServerTls(ctx, server.tls, at(p, 'tls'));
    checkBind(ctx, server.bind, at(p, 'bind'));
  });
  // Server names may repeat: Istio's validation does not check them (istiod only logs it), and
  // meshlog names nothing after them (a port's route tables are named by server index).
  // Istio refuses a Gateway whose servers repeat a port name (validation.go:411).
  checkUniqueNames(ctx, servers.map((s) => ({ name: s.port?.name })), (i) => ['spec', 'servers', i, 'port', 'name'], 'port name');
}

function isTlsProtocol(server: GatewayServer): boolean {
  const protocol = server.port?.protocol?.toUpperCase();
  return protocol === 'HTTPS' || protocol === 'TLS';
}

function checkServerPort(ctx: RuleContext, server: GatewayServer, p: Path): void {
  const port = server.port!;
  // A server bound to a Unix domain socket listens on no port: Istio requires 0 there
  // (validation.go:477, :494), and 1–65535 everywhere else.
  if (server.bind !== undefined && isUnixAddress(server.bind)) {
    if (port.number !== 0) ctx.report('ML3017', `port ${port.number}: a server bound to a Unix domain socket (bind: ${server.bind}) has no port; write number: 0, as Istio requires`, at(p, 'port', 'number'));
  } else {
    checkPort(ctx, port.number, at(p, 'port', 'number'));
  }
  // Istio refuses it: the gateway Service's targetPort is what a gateway listens on.
  if (port.targetPort !== undefined) ctx.report('ML3030', 'port.targetPort has no effect on a Gateway (it listens on its Service\'s targetPort for port.number); Istio refuses it: remove it', at(p, 'port', 'targetPort'));
  checkProtocol(ctx, port.protocol, at(p, 'port', 'protocol'));
  // Required by Istio's webhook (validation.go:485) and CRD alike, though nothing routes by it.
  if (!port.name) ctx.report('ML3020', `the server's port needs a name, unique in the Gateway (Istio requires it), e.g. name: ${port.protocol.toLowerCase()}-${port.number}`, at(p, 'port', 'name'));
  checkTlsFitsProtocol(ctx, server, p);
}

/**
 * `tls` belongs to HTTPS and TLS servers, as Istio's validateServer says (validation.go:450):
 * they need it, and a plain HTTP server takes it only to redirect (`httpsRedirect`: a
 * PASSTHROUGH mode, Istio's default, and no certificate), another protocol not at all.
 */
function checkTlsFitsProtocol(ctx: RuleContext, server: GatewayServer, p: Path): void {
  const protocol = server.port!.protocol.toUpperCase();
  if (!(PROTOCOLS as readonly string[]).includes(protocol)) return; // ML3033; Istio checks no further either
  const tlsProtocol = protocol === 'HTTPS' || protocol === 'TLS';
  const tls = server.tls;
  if (tlsProtocol && !tls) ctx.report('ML3020', `a ${protocol} server needs tls settings`, at(p, 'port', 'protocol'));
  if (tlsProtocol || !tls) return;
  if (!isHttpProtocol(protocol)) {
    ctx.report('ML3030', `a ${protocol} server takes no tls settings (Istio allows them on HTTPS and TLS servers only): set port.protocol to TLS to pass TLS through or terminate it, or remove tls`, at(p, 'tls'));
    return;
  }
  const mode = tls.mode ?? 'PASSTHROUGH';
  const fix = `set port.protocol: HTTPS to terminate TLS on this port, or keep only tls.httpsRedirect: true to redirect clients to HTTPS`;
  if (mode !== 'PASSTHROUGH' && mode !== 'AUTO_PASSTHROUGH') {
    ctx.report('ML3030', `a plain ${protocol} server takes no tls.mode ${mode} (Istio refuses TLS settings on plain HTTP ports, a redirect aside): ${fix}`, at(p, 'tls', 'mode'));
    return;
  }
  const certificate = (['serverCertificate', 'privateKey', 'caCertificates'] as const).find((field) => tls[field]);
  if (certificate) ctx.report('ML3030', `a plain ${protocol} server takes no tls.${certificate} (Istio refuses TLS settings on plain HTTP ports, a redirect aside): ${fix}`, at(p, 'tls', certificate));
}

/**
 * `bind`: the address the server's listener binds, as Istio validates it (validateServerBind):
 * an IP address, or `unix://<path>` (a Unix domain socket, which meshlog does not compile yet:
 * ML4018 then leaves the server out).
 */
function checkBind(ctx: RuleContext, bind: string | undefined, path: Path): void {
  if (bind === undefined || bind === '') return;
  if (isUnixAddress(bind)) {
    const problem = unixAddressProblem(bind);
    if (problem) ctx.report('ML3029', `bind "${bind}": ${problem}`, path);
    return;
  }
  if (!isIpOrCidr(bind, false)) ctx.report('ML3029', `bind "${bind}" is not an IP address (or unix://<path>)`, path);
}
