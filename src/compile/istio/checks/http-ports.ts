// http rules for a service that has no HTTP port (ML4025), and tcp (tls) rules for one that has
// no TCP (TLS or HTTPS) port (ML4031). Renaming a Service port from `http` to `tcp` (or to `https` when TLS
// moves into the app) silently turns every http rule for it into dead config: the port gets a
// TCP pass-through, not a route table. Istio accepts it without a word; a reviewer only sees
// the routes vanish from the diff.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { isWildcard } from '../hosts.ts';
import { audienceDefinitions } from '../audience.ts';
import { isHttpProtocol, isSniProtocol, isTcpProxied, type Protocol } from '../protocols.ts';
import type { MeshVs } from '../views.ts';
import { at } from '../where.ts';
import type { CheckContext } from './context.ts';

/** `meshVss`: the VirtualServices sidecars use, hosts already resolved (views.ts). */
export function checkHttpPorts(ctx: CheckContext, meshVss: readonly MeshVs[]): void {
  for (const { vs, hosts } of meshVss) {
    const http = (vs.spec.http?.length ?? 0) > 0;
    const tcp = (vs.spec.tcp?.length ?? 0) > 0;
    const tls = (vs.spec.tls?.length ?? 0) > 0;
    if (!http && !tcp && !tls) continue;
    for (let i = 0; i < hosts.length; i++) {
      const host = hosts[i]!;
      if (isWildcard(host)) continue;
      // The definitions the sidecars receiving this VirtualService use (audience.ts): a rule is
      // dead only where none of them has a port for it. Usually just the host's one definition.
      const defs = audienceDefinitions(ctx.registry, host, vs.metadata.namespace, vs.spec.exportTo);
      // Unknown hosts are ML4001's; a ServiceEntry without ports is ML3044's.
      const svc = defs.find((d) => d.ports.length > 0);
      if (!svc) continue;
      const ports = () => svc.ports.map((p) => `${p.number}${p.name ? ` "${p.name}"` : ''} is ${p.protocol}`).join(', ');
      const anyPort = (is: (p: Protocol) => boolean) => defs.some((d) => d.ports.some((p) => is(p.protocol)));
      if (http && !anyPort(isHttpProtocol)) {
        ctx.diagnostics.push(
          diagnostic(
            'ML4025',
            `${host} has no HTTP port (${ports()}), so the http rules of this VirtualService are never used on sidecars; name the port http or http-<suffix> (or set appProtocol: http) if it speaks HTTP`,
            at(vs, ['spec', 'hosts', i]),
          ),
        );
      }
      if (tls && !anyPort(isSniProtocol)) {
        ctx.diagnostics.push(
          diagnostic(
            'ML4031',
            `${host} has no TLS or HTTPS port (${ports()}), so the tls rules of this VirtualService are never used on sidecars; name the port tls or https (or set appProtocol) if clients speak TLS to it`,
            at(vs, ['spec', 'hosts', i]),
          ),
        );
      }
      if (tcp && !anyPort(isTcpProxied)) {
        ctx.diagnostics.push(
          diagnostic(
            'ML4031',
            `${host} has no TCP port (${ports()}), so the tcp rules of this VirtualService are never used on sidecars; name the port tcp or tcp-<suffix> (or set appProtocol: tcp) if it is not HTTP`,
            at(vs, ['spec', 'hosts', i]),
          ),
        );
      }
    }
  }
}
