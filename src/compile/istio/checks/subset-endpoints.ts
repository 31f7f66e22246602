// A subset whose labels select none of the service's endpoints (ML4026): its cluster gets an
// empty assignment, and every request routed to it fails with 503 "no healthy upstream". A
// typo in a label (`version: v4` for `v3`) does exactly this, and nothing else says so. Only
// said where the endpoints are known (STATIC ServiceEntries, Services with listed endpoints);
// endpoints from discovery at run time may well carry the labels.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { isWildcard } from '../hosts.ts';
import { hasLabels } from '../labels.ts';
import { at } from '../where.ts';
import type { CheckContext } from './context.ts';

export function checkSubsetEndpoints(ctx: CheckContext): void {
  // The DestinationRule index: hosts resolved, each host's subsets merged from its rules.
  for (const entry of ctx.drs.entries) {
    if (entry.subsets.length === 0 || isWildcard(entry.host)) continue;
    const svc = ctx.registry.lookupAny(entry.host);
    if (!svc || svc.resolution !== 'static' || svc.endpoints.length === 0) continue;
    for (const subset of entry.subsets) {
      // A subset without labels selects every endpoint; otherwise one match is enough.
      if (svc.endpoints.some((e) => hasLabels(e.labels, subset.labels))) continue;
      const selector = Object.entries(subset.labels).map(([k, v]) => `${k}=${v}`).join(', ');
      const n = svc.endpoints.length;
      ctx.diagnostics.push(
        diagnostic(
          'ML4026',
          `subset "${subset.name}" (${selector}) selects none of the ${n} endpoint${n === 1 ? '' : 's'} of ${entry.host}: its cluster has no endpoints, so requests routed to it fail with 503`,
          at(subset.origin, ['spec', 'subsets', subset.index, 'labels']),
        ),
      );
    }
  }
}
