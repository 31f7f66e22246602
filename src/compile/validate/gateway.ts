// Gateway rules: every server has a port and hosts; TLS settings Envoy accepts; TLS modes
// meshlog cannot serve yet.
import type { LoadedGateway } from '../parse/types.ts';
import { checkGatewayHost } from './checks-hosts.ts';
import { checkLabels, checkPort, checkUniqueNames, isIpOrCidr } from './checks-values.ts';
import { at, type Path, type RuleContext } from './context.ts';
import { checkProtocol } from './ports.ts';
import { checkServerTls } from './server-tls.ts';
import { isUnixAddress } from '../ir/endpoint-address.ts';

const TLS_NOT_YET = new Set(['AUTO_PASSTHROUGH', 'ISTIO_MUTUAL']);

export function validateGateway(ctx: RuleContext, gw: LoadedGateway): void {
  const spec = gw.spec;
  checkLabels(ctx, spec.selector, ['spec', 'selector']);
  const servers = spec.servers ?? [];
  if (servers.length === 0) ctx.report('ML3020', 'a Gateway needs at least one server', ['spec', 'servers']);
  servers.forEach((server, i) => {
    const p = ['spec', 'servers', i];
    if (!server.port) ctx.report('ML3020', 'the server needs a port (number, protocol)', p);
    else {
      if (server.port.number !== undefined) checkPort(ctx, server.port.number, at(p, 'port', 'number'));
      if (server.port.targetPort !== undefined) checkPort(ctx, server.port.targetPort, at(p, 'port', 'targetPort'));
      checkProtocol(ctx, server.port.protocol, at(p, 'port', 'protocol'));
      const protocol = server.port.protocol.toUpperCase();
      if ((protocol === 'HTTPS' || protocol === 'TLS') && !server.tls) {
        ctx.report('ML3020', `a ${protocol} server needs tls settings`, at(p, 'port', 'protocol'));
      }
    }
    const hosts = server.hosts ?? [];
    if (hosts.length === 0) ctx.report('ML3020', 'the server needs at least one host', p);
    hosts.forEach((h, j) => checkGatewayHost(ctx, h, at(p, 'hosts', j)));
    if (server.tls?.mode && TLS_NOT_YET.has(server.tls.mode)) {
      ctx.report('ML3024', `TLS mode ${server.tls.mode} is not supported by meshlog yet`, at(p, 'tls', 'mode'));
    }
    if (server.tls) checkServerTls(ctx, server.tls, at(p, 'tls'));
    checkBind(ctx, server.bind, at(p, 'bind'));
  });
  checkUniqueNames(ctx, servers, (i) => ['spec', 'servers', i, 'name'], 'server name');
}

/**
 * `bind`: the address the server's listener binds, as Istio validates it (validateServerBind):
 * an IP address, or `unix://<path>` (a Unix domain socket, which meshlog does not compile yet:
 * ML4018 then leaves the server out).
 */
function checkBind(ctx: RuleContext, bind: string | undefined, path: Path): void {
  if (bind === undefined || bind === '' || isUnixAddress(bind)) return;
  if (!isIpOrCidr(bind, false)) ctx.report('ML3029', `bind "${bind}" is not an IP address (or unix://<path>)`, path);
}
