// Rule order across VirtualServices merged on a Gateway (same host, same Gateway): the
// merged list is the rules of each VirtualService in mergeOrder, so an earlier one's
// catch-all hides every later one (ML4007), and an earlier one's match can shadow a later
// one's (ML4008). Shadowing inside one VirtualService is rule-order.ts's job; only what
// another VirtualService causes is reported here. Only entries that apply to this Gateway
// count, compared as if on it (gateway lists and a matching sourceNamespace drop out).
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

/** `vss` already in merge order (at least two). */
export function checkMergedRuleOrder(ctx: CheckContext, gateway: GatewayInfo, host: string, vss: readonly LoadedVs[]): void {
  const index = new MatchIndex<Owned>();
  let seq = 0;
  let catchAll: Owned | undefined;
  for (const vs of vss) {
    const entries: Owned[] = [];
    (vs.spec.http ?? []).forEach((rule, i) => {
      const list = rule.match?.length ? rule.match.map((m, j) => entryOf(vs, m, i, j, seq++)) : [entryOf(vs, undefined, i, -1, seq++)];
      for (const e of list) {
        if (e.inert || !e.gateways.includes(gateway.key)) continue;
        if (e.sourceNamespace !== undefined && e.sourceNamespace !== gateway.gateway.metadata.namespace) continue;
        const { sourceNamespace: _applies, ...rest } = e;
        entries.push({ ...rest, gateways: [gateway.key], vs });
      }
    });
    if (entries.length === 0) continue;
    if (catchAll) {
      const path = ['spec', 'http', catchAll.rule];
      ctx.diagnostics.push(
        diagnostic(
          'ML4007',
          `the rules of this VirtualService are never used for host ${host} on Gateway ${gateway.key}: ${describe(catchAll.vs, path)}, merged before it, has a rule (spec.http[${catchAll.rule}]) that matches every request`,
          { ...at(vs, ['spec', 'http']), related: [relatedOf(catchAll.vs, path)] },
        ),
      );
      continue;
    }
    for (const e of entries) {
      if (e.match < 0) continue;
      const earlier = index.first(e.ir, (s) => shadows(s, e));
      if (!earlier || earlier.vs === vs) continue; // within one VirtualService: rule-order.ts
      const path = earlier.match < 0 ? ['spec', 'http', earlier.rule] : ['spec', 'http', earlier.rule, 'match', earlier.match];
      ctx.diagnostics.push(
        diagnostic(
          'ML4008',
          `spec.http[${e.rule}].match[${e.match}] never applies for host ${host} on Gateway ${gateway.key}: ${fieldPath(path)} of ${describe(earlier.vs, path)}, merged before it, already takes every request it matches`,
          { ...at(vs, ['spec', 'http', e.rule, 'match', e.match]), related: [relatedOf(earlier.vs, path)] },
        ),
      );
    }
    for (const e of entries) index.add(e);
    catchAll = entries.find((e) => isCatchAll(e.ir) && e.port === undefined);
  }
}
