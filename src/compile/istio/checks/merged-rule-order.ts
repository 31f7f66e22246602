// Rule order across VirtualServices merged on a gateway view's virtual host (one port, one
// host; gateway-hosts.ts plans which VirtualServices, through which Gateways, in which order).
// Istio builds the merged list as the rules of each VirtualService in merge order,
// each ending at its own catch-all, and then moves every catch-all route (any path, no header or
// query condition) to the end, in that order. So an earlier VirtualService's specific match can
// shadow a later one's (ML4008), and of several catch-alls only the first is ever used (ML4007);
// an earlier catch-all does not hide a later VirtualService's specific rules. Shadowing inside
// one VirtualService is rule-order.ts's job; only what another VirtualService causes is reported
// here. Only entries that apply to these Gateways count, compared as if on them.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { PlannedHost } from '../gateway-hosts.ts';
import type { LoadedVs } from '../from-virtual-service.ts';
import { isCatchAll } from '../match.ts';
import { formatFieldPath } from '../../parse/field-path.ts';
import { at, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';
import { MatchIndex } from './match-index.ts';
import { entryOf, shadows, type Entry } from './rule-order.ts';

interface Owned extends Entry {
  readonly vs: LoadedVs;
}

/**
 * The virtual host `planned` (made up by several VirtualServices, gateway-hosts.ts), each entry
 * matched on its server's port; `on` names its Gateways for the messages.
 */
export function checkMergedRuleOrder(ctx: CheckContext, planned: PlannedHost, on: string, hostText = `host ${planned.host}`): void {
  const port = planned.port;
  const index = new MatchIndex<Owned>();
  let seq = 0;
  let catchAll: Owned | undefined;
  const seenRoutes = new Set<string>(); // a rule reached through two Gateways counts once
  for (const { vs, gateway, namespace, port: entryPort } of planned.entries) {
    const entries: Owned[] = [];
    let ended = false; // past this VirtualService's own catch-all: no route is built (rule-order.ts reports it)
    (vs.spec.http ?? []).forEach((rule, i) => {
      const list = rule.match?.length ? rule.match.map((m, j) => entryOf(vs, m, i, j, seq++)) : [entryOf(vs, undefined, i, -1, seq++)];
      for (const e of list) {
        if (ended || e.inert || !e.gateways.includes(gateway)) continue;
        if (e.port !== undefined && e.port !== entryPort) continue;
        if (e.sourceNamespace !== undefined && e.sourceNamespace !== namespace) continue;
        const { sourceNamespace: _applies, port: _port, ...rest } = e;
        // On one virtual host, every entry competes with every other: compared as if on one Gateway.
        const owned: Owned = { ...rest, port: undefined, gateways: ON_THE_HOST, vs };
        if (isCatchAll(owned.ir)) ended = true;
        const id = `${vs.metadata.namespace}/${vs.metadata.name}#${e.rule}.${e.match}`;
        if (seenRoutes.has(id)) continue;
        seenRoutes.add(id);
        entries.push(owned);
      }
    });
    for (const e of entries) {
      if (isCatchAll(e.ir)) {
        if (!catchAll) catchAll = e;
        else if (catchAll.vs !== vs) {
          const path = entryPath(catchAll);
          const here = entryPath(e);
          ctx.diagnostics.push(
            diagnostic(
              'ML4007',
              `${formatFieldPath(here)} is never used for ${hostText} (port ${port}) on ${on}: ${formatFieldPath(path)} of ${describe(catchAll.vs, path)}, merged before it, also matches every request, and catch-all routes go last in merge order, so the first one takes them all`,
              { ...at(vs, here), related: [relatedOf(catchAll.vs, path)] },
            ),
          );
        }
        continue;
      }
      const earlier = index.first(e.ir, (x) => shadows(x, e));
      if (!earlier || earlier.vs === vs) continue; // within one VirtualService: rule-order.ts
      const path = entryPath(earlier);
      ctx.diagnostics.push(
        diagnostic(
          'ML4008',
          `${formatFieldPath(entryPath(e))} never applies for ${hostText} (port ${port}) on ${on}: ${formatFieldPath(path)} of ${describe(earlier.vs, path)}, merged before it, already takes every request it matches`,
          { ...at(vs, entryPath(e)), related: [relatedOf(earlier.vs, path)] },
        ),
      );
    }
    for (const e of entries) if (!isCatchAll(e.ir)) index.add(e);
  }
}

const ON_THE_HOST: readonly string[] = ['*'];

function entryPath(e: Owned): (string | number)[] {
  return e.match < 0 ? ['spec', 'http', e.rule] : ['spec', 'http', e.rule, 'match', e.match];
}
