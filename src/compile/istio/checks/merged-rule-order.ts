// Rule order across VirtualServices merged on a gateway view's host (same host, Gateways of
// one view). Istio builds the merged list as the rules of each VirtualService in merge order,
// each ending at its own catch-all, and then moves every catch-all route (any path, no header or
// query condition) to the end, in that order. So an earlier VirtualService's specific match can
// shadow a later one's (ML4008), and of several catch-alls only the first is ever used (ML4007);
// an earlier catch-all does not hide a later VirtualService's specific rules. Shadowing inside
// one VirtualService is rule-order.ts's job; only what another VirtualService causes is reported
// here. Only entries that apply to these Gateways count, compared as if on them.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { GatewayInfo } from '../from-gateway.ts';
import type { LoadedVs } from '../from-virtual-service.ts';
import { isCatchAll } from '../match.ts';
import { fieldPath } from '../names.ts';
import { at, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';
import { MatchIndex } from './match-index.ts';
import { entryOf, shadows, type Entry } from './rule-order.ts';

interface Owned extends Entry {
  readonly vs: LoadedVs;
}

/** `vss` already in merge order (at least two); `gateways` the view's Gateways (`<ns>/<name>`) that serve the host. */
export function checkMergedRuleOrder(ctx: CheckContext, gateways: readonly GatewayInfo[], host: string, vss: readonly LoadedVs[]): void {
  const keys = gateways.map((g) => g.key);
  const on = keys.length === 1 ? `Gateway ${keys[0]}` : `Gateways ${keys.join(', ')}`;
  const index = new MatchIndex<Owned>();
  let seq = 0;
  let catchAll: Owned | undefined;
  for (const vs of vss) {
    const entries: Owned[] = [];
    let ended = false; // past this VirtualService's own catch-all: no route is built (rule-order.ts reports it)
    (vs.spec.http ?? []).forEach((rule, i) => {
      const list = rule.match?.length ? rule.match.map((m, j) => entryOf(vs, m, i, j, seq++)) : [entryOf(vs, undefined, i, -1, seq++)];
      for (const e of list) {
        if (ended || e.inert || !e.gateways.some((g) => keys.includes(g))) continue;
        if (e.sourceNamespace !== undefined && !gateways.some((g) => g.gateway.metadata.namespace === e.sourceNamespace)) continue;
        const { sourceNamespace: _applies, ...rest } = e;
        const owned = { ...rest, gateways: keys, vs };
        entries.push(owned);
        if (isCatchAllEntry(owned)) ended = true;
      }
    });
    for (const e of entries) {
      if (isCatchAllEntry(e)) {
        if (!catchAll) catchAll = e;
        else if (catchAll.vs !== vs) {
          const path = catchAllPath(catchAll);
          const here = catchAllPath(e);
          ctx.diagnostics.push(
            diagnostic(
              'ML4007',
              `${fieldPath(here)} is never used for host ${host} on ${on}: ${fieldPath(path)} of ${describe(catchAll.vs, path)}, merged before it, also matches every request, and catch-all routes go last in merge order, so the first one takes them all`,
              { ...at(vs, here), related: [relatedOf(catchAll.vs, path)] },
            ),
          );
        }
        continue;
      }
      const earlier = index.first(e.ir, (x) => shadows(x, e));
      if (!earlier || earlier.vs === vs) continue; // within one VirtualService: rule-order.ts
      const path = earlier.match < 0 ? ['spec', 'http', earlier.rule] : ['spec', 'http', earlier.rule, 'match', earlier.match];
      ctx.diagnostics.push(
        diagnostic(
          'ML4008',
          `spec.http[${e.rule}].match[${e.match}] never applies for host ${host} on ${on}: ${fieldPath(path)} of ${describe(earlier.vs, path)}, merged before it, already takes every request it matches`,
          { ...at(vs, ['spec', 'http', e.rule, 'match', e.match]), related: [relatedOf(earlier.vs, path)] },
        ),
      );
    }
    for (const e of entries) if (!isCatchAllEntry(e)) index.add(e);
  }
}

/** Takes every request wherever the entry applies (a port-bound entry only on its port: not counted). */
function isCatchAllEntry(e: Owned): boolean {
  return isCatchAll(e.ir) && e.port === undefined;
}

function catchAllPath(e: Owned): (string | number)[] {
  return e.match < 0 ? ['spec', 'http', e.rule] : ['spec', 'http', e.rule, 'match', e.match];
}
