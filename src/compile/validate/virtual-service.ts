// VirtualService rules (Istio's documented validation), top level. Per-rule checks live in
// http-route.ts.
import type { LoadedVirtualService } from '../parse/types.ts';
import { checkGatewayRef, checkHost } from './checks-hosts.ts';
import { checkExportTo } from './checks-values.ts';
import type { RuleContext } from './context.ts';
import { checkHttpRoute } from './http-route.ts';

export function validateVirtualService(ctx: RuleContext, vs: LoadedVirtualService): void {
  const spec = vs.spec;
  const gateways = spec.gateways ?? [];
  const boundToMesh = gateways.length === 0 || gateways.includes('mesh');
  const hosts = spec.hosts ?? [];
  if (hosts.length === 0) ctx.report('ML3026', 'a VirtualService needs at least one host', ['spec', 'hosts']);
  hosts.forEach((host, i) => {
    // Istio: "*" would capture every service's traffic on sidecars, so only gateways may use it.
    checkHost(ctx, host, ['spec', 'hosts', i], { allowStar: !boundToMesh, allowWildcard: true, allowIp: true });
  });
  gateways.forEach((ref, i) => checkGatewayRef(ctx, ref, ['spec', 'gateways', i]));
  checkExportTo(ctx, spec.exportTo, ['spec', 'exportTo']);

  for (const key of ['tcp', 'tls'] as const) {
    if ((spec[key]?.length ?? 0) > 0) ctx.report('ML3024', `${key} routes are not supported by meshlog yet; only http routes are compiled`, ['spec', key]);
  }
  const http = spec.http ?? [];
  if (http.length === 0 && (spec.tcp?.length ?? 0) === 0 && (spec.tls?.length ?? 0) === 0) {
    ctx.report('ML3002', 'the VirtualService has no http routes', ['spec']);
  }
  http.forEach((rule, i) => checkHttpRoute(ctx, rule, ['spec', 'http', i]));
}
