// Rules are matched in order, so a rule after a catch-all is dead (ML4007), and a match
// entry whose every request an earlier entry already takes is shadowed (ML4008). Both
// are per VirtualService, and take the entry's scope (port, gateways, sourceNamespace)
// into account: `port: 80` does not shadow a match on port 8080.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { IrMatch } from '../../ir/types.ts';
import type { HttpMatchRequest } from '../../schema/index.ts';
import { normalizeGateway, vsGateways, type LoadedVs } from '../from-virtual-service.ts';
import { covers, isCatchAll, toIrMatch } from '../match.ts';
import { at } from '../where.ts';
import type { CheckContext } from './context.ts';

interface Entry {
  readonly rule: number;
  readonly match: number; // -1: the rule has no match list
  readonly ir: IrMatch;
  readonly port?: number;
  readonly gateways: readonly string[];
  readonly sourceNamespace?: string;
  /** Not compiled (sourceLabels): shadows nothing. */
  readonly inert: boolean;
}

export function checkRuleOrder(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) checkVirtualService(vs, ctx);
}

function checkVirtualService(vs: LoadedVs, ctx: CheckContext): void {
  const seen: Entry[] = [];
  let catchAll: Entry | undefined;
  (vs.spec.http ?? []).forEach((rule, i) => {
    const entries = rule.match?.length ? rule.match.map((m, j) => entryOf(vs, m, i, j)) : [entryOf(vs, undefined, i, -1)];
    if (catchAll) {
      const where = catchAll.match < 0 ? `spec.http[${catchAll.rule}]` : `spec.http[${catchAll.rule}].match[${catchAll.match}]`;
      ctx.diagnostics.push(
        diagnostic('ML4007', `rule ${i} is never used: rule ${catchAll.rule} (${where}, line ${vs.locate(['spec', 'http', catchAll.rule]).line}) before it matches every request`, at(vs, ['spec', 'http', i])),
      );
      return;
    }
    for (const e of entries) {
      const earlier = seen.find((s) => shadows(s, e));
      if (earlier && e.match >= 0) {
        const what = earlier.match < 0 ? `spec.http[${earlier.rule}]` : `spec.http[${earlier.rule}].match[${earlier.match}]`;
        ctx.diagnostics.push(
          diagnostic('ML4008', `match ${e.match} of rule ${i} never applies: ${what} (line ${vs.locate(['spec', 'http', earlier.rule]).line}) already takes every request it matches`, at(vs, ['spec', 'http', i, 'match', e.match])),
        );
      }
    }
    seen.push(...entries);
    catchAll = entries.find((e) => !e.inert && isCatchAll(e.ir) && e.port === undefined && e.sourceNamespace === undefined && sameScope(e, vs));
  });
}

function entryOf(vs: LoadedVs, m: HttpMatchRequest | undefined, rule: number, match: number): Entry {
  const gateways = m?.gateways?.length ? m.gateways.map((g) => normalizeGateway(g, vs.metadata.namespace)) : vsGateways(vs);
  return {
    rule,
    match,
    ir: toIrMatch(m),
    ...(m?.port !== undefined ? { port: m.port } : {}),
    gateways: [...gateways].sort(),
    ...(m?.sourceNamespace !== undefined ? { sourceNamespace: m.sourceNamespace } : {}),
    inert: m?.sourceLabels !== undefined && Object.keys(m.sourceLabels).length > 0,
  };
}

/** The entry applies wherever the VirtualService does (no narrower gateway list). */
function sameScope(e: Entry, vs: LoadedVs): boolean {
  const all = vsGateways(vs);
  return all.every((g) => e.gateways.includes(g));
}

function shadows(earlier: Entry, later: Entry): boolean {
  if (earlier.inert || later.inert) return false;
  if (earlier.port !== undefined && earlier.port !== later.port) return false;
  if (earlier.sourceNamespace !== undefined && earlier.sourceNamespace !== later.sourceNamespace) return false;
  if (!later.gateways.every((g) => earlier.gateways.includes(g))) return false;
  return covers(earlier.ir, later.ir);
}
