// A subset whose labels select none of the service's endpoints (ML4026): its cluster gets an
// empty assignment, and every request routed to it fails with 503 "no healthy upstream". A
// typo in a label (`version: v4` for `v3`) does exactly this, and nothing else says so. Only
// said where the endpoints are known (STATIC ServiceEntries, Services with listed endpoints);
// endpoints from discovery at run time may well carry the labels.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { isWildcard } from '../hosts.ts';
import { hasLabels } from '../registry.ts';
import { at } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkSubsetEndpoints(ctx: CheckContext): void {
  for (const dr of ctx.resources.destinationRules) {
    const subsets = dr.spec.subsets ?? [];
    if (subsets.length === 0) continue;
    const host = ctx.registry.resolve(dr.spec.host, dr.metadata.namespace);
    if (isWildcard(host)) continue;
    const svc = ctx.registry.lookupAny(host);
    if (!svc || svc.resolution !== 'static' || svc.endpoints.length === 0) continue;
    for (let i = 0; i < subsets.length; i++) {
      const labels = subsets[i]!.labels;
      if (!labels || svc.endpoints.some((e) => hasLabels(e.labels, labels))) continue;
      const selector = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(', ');
      const n = svc.endpoints.length;
      ctx.diagnostics.push(
        diagnostic(
          'ML4026',
          `subset "${subsets[i]!.name}" (${selector}) selects none of the ${n} endpoint${n === 1 ? '' : 's'} of ${host}: its cluster has no endpoints, so requests routed to it fail with 503`,
          at(dr, ['spec', 'subsets', i, 'labels']),
        ),
      );
    }
  }
}
