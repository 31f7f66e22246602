// VirtualService rules (Istio's documented validation), top level. Per-rule checks live in
// http-route.ts and tcp-route.ts (tcp and tls rules).
import type { LoadedVirtualService } from '../parse/types.ts';
import type { VirtualServiceSpec } from '../schema/index.ts';
import { hostsIntersect } from '../istio/hosts.ts';
import { checkGatewayRef, checkHost, type HostRules } from './checks-hosts.ts';
import { checkExportTo } from './checks-values.ts';
import { at, NONE, type RuleContext } from './context.ts';
import { checkHttpRoute } from './http-route.ts';
import { checkTcpRoute, checkTlsRoute } from './tcp-route.ts';

// Istio: "*" would capture every service's traffic on sidecars, so only gateways may use it.
const MESH_HOSTS: HostRules = { allowStar: false, allowWildcard: true, allowIp: true, trailingDot: 'virtual-service' };
const GATEWAY_HOSTS: HostRules = { allowStar: true, allowWildcard: true, allowIp: true, trailingDot: 'virtual-service' };
const SPEC = ['spec'];

export function validateVirtualService(ctx: RuleContext, vs: LoadedVirtualService): void {
  const spec = vs.spec;
  const gateways: readonly string[] = spec.gateways ?? NONE;
  const boundToMesh = gateways.length === 0 || gateways.includes('mesh');
  const hosts = spec.hosts ?? NONE;
  if (hosts.length === 0) ctx.report('ML3026', withoutHostsMessage(spec), at(SPEC, 'hosts'));
  const hostRules = boundToMesh ? MESH_HOSTS : GATEWAY_HOSTS;
  let hostsValid = true;
  for (let i = 0; i < hosts.length; i++) {
    const before = ctx.diagnostics.length;
    checkHost(ctx, hosts[i]!, at(SPEC, 'hosts', i), hostRules);
    for (let d = before; d < ctx.diagnostics.length; d++) if (ctx.diagnostics[d]!.severity === 'error') hostsValid = false;
  }
  if (hostsValid) checkOverlappingHosts(ctx, hosts);
  for (let i = 0; i < gateways.length; i++) checkGatewayRef(ctx, gateways[i]!, at(SPEC, 'gateways', i));
  checkExportTo(ctx, spec.exportTo, at(SPEC, 'exportTo'), { namespace: vs.metadata.namespace, allowNone: false });

  const tcp = spec.tcp ?? NONE;
  const tls = spec.tls ?? NONE;
  const http = spec.http ?? NONE;
  if (http.length === 0 && tcp.length === 0 && tls.length === 0) ctx.report('ML3002', 'the VirtualService has no http, tcp or tls routes', SPEC);
  for (let i = 0; i < http.length; i++) checkHttpRoute(ctx, http[i]!, at(SPEC, 'http', i));
  for (let i = 0; i < tcp.length; i++) checkTcpRoute(ctx, tcp[i]!, at(SPEC, 'tcp', i));
  for (let i = 0; i < tls.length; i++) checkTlsRoute(ctx, tls[i]!, at(SPEC, 'tls', i), hosts);
}

/**
 * A VirtualService without hosts is, to Istio, a delegate: the http rules a root
 * VirtualService's `delegate` includes (validation.go ValidateVirtualService: no hosts "must be
 * delegate", which then may have no gateways, tls or tcp rules). meshlog compiles neither side
 * yet (`delegate` is ML3024), so it is an error either way; the message says which it is.
 */
function withoutHostsMessage(spec: VirtualServiceSpec): string {
  const notDelegate = [spec.gateways?.length ? 'gateways' : '', spec.tls?.length ? 'tls rules' : '', spec.tcp?.length ? 'tcp rules' : ''].filter((s) => s !== '');
  if (notDelegate.length > 0) {
    return `a VirtualService needs at least one host: without hosts it is a delegate VirtualService, which takes no ${notDelegate.join(' or ')} (Istio refuses them), and which meshlog does not support yet`;
  }
  return "a VirtualService without hosts is a delegate VirtualService (the http rules a root VirtualService includes with `delegate`), which meshlog does not support yet, nor a root VirtualService's `delegate` (ML3024): give it hosts, or write its rules into the root VirtualService";
}

/**
 * As Istio (ValidateVirtualService, once every host is valid): no host may match another of the
 * same VirtualService, a wildcard covering a name included (`*.example.com` and
 * `api.example.com`), since routes are attached per host.
 */
function checkOverlappingHosts(ctx: RuleContext, hosts: readonly string[]): void {
  for (let i = 0; i < hosts.length; i++) {
    for (let j = i + 1; j < hosts.length; j++) {
      if (!hostsIntersect(hosts[i]!, hosts[j]!)) continue;
      const same = hosts[i] === hosts[j] ? 'is listed twice' : `overlaps ${hosts[i]} (listed first)`;
      ctx.report('ML3023', `host ${hosts[j]} ${same}; Istio refuses a VirtualService whose hosts match each other: list each host once, and a name or the wildcard covering it, not both`, at(SPEC, 'hosts', j));
    }
  }
}
