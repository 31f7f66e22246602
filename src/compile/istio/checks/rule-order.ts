// Rules are matched in order, so a rule after a catch-all is dead (ML4007; tcp rules too), and a match
// entry whose every request an earlier entry already takes is shadowed (ML4008; tcp and tls
// entries too, and a tls entry some of whose SNI names an earlier one takes). All are per
// VirtualService, and take the entry's scope (port, gateways, sourceNamespace) into account:
// `port: 80` does not shadow a match on port 8080. Identical entries inside one rule's match
// list are reported too (ML4008): harmless, but a sign of a copy-paste slip.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { sameItems } from '../../../core/same-items.ts';
import type { IrMatch } from '../../ir/types.ts';
import type { HttpMatchRequest, L4Match, TcpRoute, TlsRoute } from '../../schema/index.ts';
import { httpScope, normalizeGateway, uncompiledCondition, vsGateways, type LoadedVs } from '../from-virtual-service.ts';
import { covers, isCatchAll, toIrMatch } from '../match.ts';
import { at, ruleRef } from '../where.ts';
import type { CheckContext } from './context.ts';
import { MatchIndex } from './match-index.ts';

/** Where a match entry applies: what an earlier entry must cover to shadow it. */
interface Scoped {
  readonly port?: number;
  /** Normalized, sorted. */
  readonly gateways: readonly string[];
  readonly sourceNamespace?: string;
  /** Not compiled (sourceLabels, destinationSubnets): shadows nothing. */
  readonly inert: boolean;
}

export interface Entry extends Scoped {
  /** Position in rule order (what MatchIndex reports the first of). */
  readonly seq: number;
  readonly rule: number;
  readonly match: number; // -1: the rule has no match list
  readonly ir: IrMatch;
}

const SMALL = 16;

export function checkRuleOrder(ctx: CheckContext): void {
  for (const vs of ctx.resources.virtualServices) {
    checkVirtualService(vs, ctx);
    if (vs.spec.tcp) {
      // Rules after one that takes every connection are ML4007's alone.
      const live = checkTcpRules(vs, vs.spec.tcp, ctx);
      checkL4Shadowing(vs, 'tcp', vs.spec.tcp.slice(0, live), ctx);
    }
    if (vs.spec.tls) checkL4Shadowing(vs, 'tls', vs.spec.tls, ctx);
  }
}

/** A tcp or tls match entry: where it applies and, for tls, the SNI names it takes. */
interface L4Entry extends Scoped {
  readonly rule: number;
  readonly match: number;
  /** tls: the names, lower-cased and sorted, as the compiler gives them to the entry's chain. */
  readonly names: readonly string[];
}

/**
 * tcp and tls entries an earlier entry already takes (ML4008). Connections are matched as the
 * compiler builds the chains: a tcp entry by its scope alone, so an earlier entry whose scope
 * covers it leaves it nothing; a tls entry by SNI name, and a name an earlier applying entry
 * answers stays with that one (Envoy refuses two chains with one name), so the later entry
 * loses it: all of its names (never applies) or some (it serves only the rest). Names are
 * compared as written: on sidecars `a.example.com` after `*.example.com` still gets its
 * connections, as Envoy prefers the more specific name (a gateway narrows a wildcard entry to the
 * server's hosts first, gateway-tcp.ts, which this check does not see: such a loss there goes
 * unreported). Within one rule, only identical entries are reported: overlapping ones send to
 * the same route anyway.
 */
function checkL4Shadowing(vs: LoadedVs, section: 'tcp' | 'tls', rules: readonly (TcpRoute | TlsRoute)[], ctx: CheckContext): void {
  const earlier: L4Entry[] = [];
  const noun = section === 'tcp' ? 'connection' : 'connection for its SNI names';
  const ref = (e: L4Entry) => `spec.${section}[${e.rule}].match[${e.match}]`;
  const line = (e: L4Entry) => vs.locate(['spec', section, e.rule, 'match', e.match]).line;
  for (let i = 0; i < rules.length; i++) {
    const matches: readonly (L4Match & { readonly sniHosts?: readonly string[] })[] = rules[i]!.match ?? [];
    const own: L4Entry[] = [];
    for (let j = 0; j < matches.length; j++) {
      const m = matches[j]!;
      const e: L4Entry = { ...scopeOf(vs, m), rule: i, match: j, names: m.sniHosts ? [...new Set(m.sniHosts.map((h) => h.toLowerCase()))].sort() : [] };
      if (e.inert) continue;
      const where = at(vs, ['spec', section, i, 'match', j]);
      const twin = own.find((o) => sameConditions(o, e) && sameItems(o.names, e.names));
      if (twin) {
        ctx.diagnostics.push(diagnostic('ML4008', `${ref(e)} repeats ${ref(twin)} of the same rule (line ${line(twin)}); remove the duplicate`, where));
        continue;
      }
      own.push(e);
      const covering = earlier.filter((s) => scopeCovers(s, e));
      if (section === 'tcp') {
        const first = covering[0];
        if (first) ctx.diagnostics.push(diagnostic('ML4008', `${ref(e)} never applies: ${ref(first)} (line ${line(first)}) already takes every ${noun} it matches`, where));
        continue;
      }
      const takenBy = new Map<string, L4Entry>();
      for (const s of covering) for (const n of s.names) if (!takenBy.has(n)) takenBy.set(n, s);
      const lost = e.names.filter((n) => takenBy.has(n));
      if (lost.length === 0) continue;
      const owners = [...new Set(lost.map((n) => takenBy.get(n)!))].map((s) => `${ref(s)} (line ${line(s)})`).join(', ');
      const kept = e.names.filter((n) => !takenBy.has(n));
      ctx.diagnostics.push(
        diagnostic(
          'ML4008',
          kept.length === 0
            ? `${ref(e)} never applies: ${owners} already ${lost.length > 1 ? 'take its SNI names' : 'takes its SNI name'} (${lost.join(', ')}), and an SNI name goes to the first entry that applies`
            : `${ref(e)} does not get ${lost.join(', ')}: ${owners} already ${owners.includes(', ') ? 'take' : 'takes'} ${lost.length > 1 ? 'them' : 'it'}, and an SNI name goes to the first entry that applies; this entry gets only ${kept.join(', ')}`,
          where,
        ),
      );
    }
    earlier.push(...own);
  }
}

/**
 * tcp rules are tried in order too: after a rule that takes every connection (no match, or an
 * entry with no port, source or subnet condition, wherever the VirtualService applies) the
 * later rules are dead (ML4007). Returns how many rules are not (all, without such a rule).
 */
function checkTcpRules(vs: LoadedVs, rules: readonly TcpRoute[], ctx: CheckContext): number {
  const takesAll = (m: L4Match | undefined) =>
    m === undefined ||
    (m.port === undefined && m.sourceNamespace === undefined && uncompiledCondition(m) === undefined && includesAll(gatewaysOf(vs, m.gateways), vsGateways(vs)));
  const first = rules.findIndex((r) => (r.match?.length ? r.match.some(takesAll) : true));
  for (let i = first + 1; first >= 0 && i < rules.length; i++) {
    ctx.diagnostics.push(
      diagnostic('ML4007', `spec.tcp[${i}] is never used: spec.tcp[${first}] (line ${vs.locate(['spec', 'tcp', first]).line}) before it takes every connection`, at(vs, ['spec', 'tcp', i])),
    );
  }
  return first >= 0 ? first + 1 : rules.length;
}

function gatewaysOf(vs: LoadedVs, refs: readonly string[] | undefined): readonly string[] {
  return refs?.length ? refs.map((g) => normalizeGateway(g, vs.metadata.namespace)) : vsGateways(vs);
}

function checkVirtualService(vs: LoadedVs, ctx: CheckContext): void {
  const rules = vs.spec.http ?? [];
  // A small VirtualService (nearly all) is scanned in order: the same answer as MatchIndex
  // (it returns the first shadowing entry), without building the index's keys and maps.
  // A large one indexes earlier entries so each lookup touches only those that may shadow.
  let count = 0;
  for (let i = 0; i < rules.length; i++) count += rules[i]!.match?.length || 1;
  const earlierList: Entry[] | undefined = count <= SMALL ? [] : undefined;
  const seen = earlierList ? undefined : new MatchIndex<Entry>();
  const firstShadowing = (e: Entry) => (earlierList ? firstIn(earlierList, e) : seen!.first(e.ir, (s) => shadows(s, e)));
  let seq = 0;
  let catchAll: Entry | undefined;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i]!;
    if (catchAll) {
      const where = catchAll.match < 0 ? `spec.http[${catchAll.rule}]` : `spec.http[${catchAll.rule}].match[${catchAll.match}]`;
      ctx.diagnostics.push(
        diagnostic('ML4007', `${ruleRef(rules[i]!, i)} is never used: ${where}${ruleName(rules[catchAll.rule]!)} (line ${vs.locate(['spec', 'http', catchAll.rule]).line}) before it matches every request`, at(vs, ['spec', 'http', i])),
      );
      continue; // so is every later rule: nothing more is indexed
    }
    const entries = rule.match?.length ? rule.match.map((m, j) => entryOf(vs, m, i, j, seq + j)) : [entryOf(vs, undefined, i, -1, seq)];
    seq += entries.length;
    let repeats: Map<string, Entry> | undefined; // identical entries of this rule's own match list
    for (let k = 0; k < entries.length; k++) {
      const e = entries[k]!;
      if (e.match < 0 || e.inert) continue;
      const earlier = firstShadowing(e);
      if (earlier) {
        const what = earlier.match < 0 ? `spec.http[${earlier.rule}]` : `spec.http[${earlier.rule}].match[${earlier.match}]`;
        ctx.diagnostics.push(
          diagnostic('ML4008', `spec.http[${i}].match[${e.match}] never applies: ${what} (line ${vs.locate(['spec', 'http', earlier.rule]).line}) already takes every request it matches`, at(vs, ['spec', 'http', i, 'match', e.match])),
        );
        continue;
      }
      if (entries.length < 2) continue; // no twin possible: skip building the key
      const key = sameMatchKey(e);
      const twin = (repeats ??= new Map()).get(key);
      if (twin) {
        ctx.diagnostics.push(
          diagnostic('ML4008', `spec.http[${i}].match[${e.match}] repeats spec.http[${i}].match[${twin.match}] of the same rule (line ${vs.locate(['spec', 'http', i, 'match', twin.match]).line}); remove the duplicate`, at(vs, ['spec', 'http', i, 'match', e.match])),
        );
      } else repeats.set(key, e);
    }
    for (const e of entries) if (!e.inert) earlierList ? earlierList.push(e) : seen!.add(e);
    for (const e of entries) {
      if (!e.inert && isCatchAll(e.ir) && e.port === undefined && e.sourceNamespace === undefined && sameScope(e, vs)) {
        catchAll = e;
        break;
      }
    }
  }
}

/** ` ("canary")` for a named rule, after a field path that goes deeper than the rule (`.match[0]`). */
function ruleName(rule: { readonly name?: string }): string {
  return rule.name ? ` ("${rule.name}")` : '';
}

/** The first of `earlier` (in order) that shadows `e`. */
function firstIn(earlier: readonly Entry[], e: Entry): Entry | undefined {
  for (const s of earlier) if (shadows(s, e)) return s;
  return undefined;
}

/** Equal for entries that match the same requests in the same scope (header order aside). */
function sameMatchKey(e: Entry): string {
  const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const ir = { ...e.ir, headers: [...e.ir.headers].sort(byName), queryParams: [...e.ir.queryParams].sort(byName) };
  return JSON.stringify([ir, e.port ?? null, e.gateways, e.sourceNamespace ?? null]);
}

export function entryOf(vs: LoadedVs, m: HttpMatchRequest | undefined, rule: number, match: number, seq: number): Entry {
  const scope = scopeOf(vs, httpScope(m));
  return { seq, rule, match, ir: toIrMatch(m), port: scope.port, gateways: scope.gateways, sourceNamespace: scope.sourceNamespace, inert: scope.inert };
}

/** Where entry `m` (or a rule without match) of `vs` applies. */
function scopeOf(vs: LoadedVs, m: L4Match | HttpMatchRequest | undefined): Scoped {
  const gateways = m?.gateways?.length ? m.gateways.map((g) => normalizeGateway(g, vs.metadata.namespace)) : vsGateways(vs);
  return {
    port: m?.port, // one shape for every entry: absent is undefined
    gateways: gateways.length > 1 ? [...gateways].sort() : gateways, // one (`mesh`, nearly always): nothing to sort
    sourceNamespace: m?.sourceNamespace,
    inert: m !== undefined && uncompiledCondition(m) !== undefined,
  };
}

/** The entry applies wherever the VirtualService does (no narrower gateway list). */
function sameScope(e: Entry, vs: LoadedVs): boolean {
  return includesAll(e.gateways, vsGateways(vs));
}

/** Every item of `some` is in `all` (gateway lists: a few items, often the very same list). */
function includesAll(all: readonly string[], some: readonly string[]): boolean {
  if (all === some) return true;
  for (const g of some) if (!all.includes(g)) return false;
  return true;
}

export function shadows(earlier: Entry, later: Entry): boolean {
  return scopeCovers(earlier, later) && covers(earlier.ir, later.ir);
}

/** `earlier` applies wherever `later` does (its port, source namespace and gateways). */
function scopeCovers(earlier: Scoped, later: Scoped): boolean {
  if (earlier.inert || later.inert) return false;
  if (earlier.port !== undefined && earlier.port !== later.port) return false;
  if (earlier.sourceNamespace !== undefined && earlier.sourceNamespace !== later.sourceNamespace) return false;
  return includesAll(earlier.gateways, later.gateways);
}

/** The same port, source namespace and gateways. */
function sameConditions(a: Scoped, b: Scoped): boolean {
  return a.port === b.port && a.sourceNamespace === b.sourceNamespace && sameItems(a.gateways, b.gateways);
}
