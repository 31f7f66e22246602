// Gateway rules: every server has a port and hosts; TLS settings Envoy accepts; TLS modes
// meshlog cannot serve yet.
import type { LoadedGateway } from '../parse/types.ts';
import { checkGatewayHost } from './checks-hosts.ts';
import { checkLabels, checkPort, checkUniqueNames } from './checks-values.ts';
import { at, type RuleContext } from './context.ts';
import { checkProtocol } from './ports.ts';
import { checkServerTls } from './server-tls.ts';

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
  });
  checkUniqueNames(ctx, servers, (i) => ['spec', 'servers', i, 'name'], 'server name');
}
