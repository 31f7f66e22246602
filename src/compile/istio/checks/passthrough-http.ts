// HTTP ports of `resolution: NONE` services (ML4033). NONE sends each request on to the address
// the client dialled (an ORIGINAL_DST cluster). meshlog's proxies are reached on listeners bound
// to the port, not through a redirect that keeps that address, so Envoy has no host to pick:
// every request for the host, by its default route or any VirtualService's, is answered 503 "no
// healthy upstream" (test/envoy/live-routing.test.ts checks it with a real Envoy). The TCP, TLS and
// HTTPS ports of such services are ML4032's (tcp-listeners.ts), reported where chains are built.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { isWildcard } from '../hosts.ts';
import { isHttpProtocol } from '../protocols.ts';
import { servicePortPath, type RegistryService } from '../registry.ts';
import { at } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkPassthroughHttp(ctx: CheckContext): void {
  // One diagnostic per port of a resource, naming all its hosts (a ServiceEntry lists several).
  const byOrigin = new Map<RegistryService['origin'], RegistryService[]>();
  for (const svc of ctx.registry.services) {
    if (svc.resolution !== 'none' || !svc.ports.some((p) => isHttpProtocol(p.protocol))) continue;
    const list = byOrigin.get(svc.origin);
    if (list) list.push(svc);
    else byOrigin.set(svc.origin, [svc]);
  }
  for (const services of byOrigin.values()) {
    const first = services[0]!;
    const hosts = services.map((s) => s.host);
    const fix = hosts.some(isWildcard)
      ? 'List the host names with resolution DNS (DNS needs names, not wildcards), or use STATIC with endpoints'
      : 'Use resolution DNS (Envoy resolves the host), or STATIC with endpoints';
    for (const p of first.ports) {
      if (!isHttpProtocol(p.protocol)) continue;
      ctx.diagnostics.push(
        diagnostic(
          'ML4033',
          `${hosts.join(', ')} port ${p.number} (${p.protocol}) has resolution NONE, which sends each request on to the address the client dialled; a proxy listener bound to the port does not know that address, so Envoy answers every request for ${hosts.length > 1 ? 'these hosts' : 'it'} with 503 (no healthy upstream). ${fix}`,
          at(first.origin, servicePortPath(first, p.number)),
        ),
      );
    }
  }
}
