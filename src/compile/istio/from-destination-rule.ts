// DestinationRules → one entry per host: the policy and the subsets that apply to it.
// Istio merges several DestinationRules for one host only in a limited way (same
// namespace: subsets are merged, the first rule with a traffic policy gives it); meshlog does the
// same and says so (ML4011). What it cannot express — rules in different namespaces, which
// Istio picks per client namespace, or one subset defined twice — is an error (ML4012),
// because clusters are shared by all views.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { DestinationRuleSpec, Subset, TrafficPolicy } from '../schema/index.ts';
import { hostCovers, isWildcard, visibilityOf, type Visibility } from './hosts.ts';
import { at, compareResources, describe, relatedOf } from './where.ts';

export type LoadedDr = Loaded<'DestinationRule', DestinationRuleSpec>;

export interface DrSubset {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly trafficPolicy?: TrafficPolicy;
  readonly origin: LoadedDr;
  readonly index: number;
  readonly visibility: Visibility;
}

export interface DrEntry {
  readonly host: string;
  /** Sorted; the first one with a trafficPolicy gives it. */
  readonly rules: readonly LoadedDr[];
  readonly trafficPolicy?: TrafficPolicy;
  /** Sorted by name. */
  readonly subsets: readonly DrSubset[];
}

export interface DrIndex {
  /** The rule for a host: exact host first, else the most specific wildcard covering it. */
  forHost(host: string): DrEntry | undefined;
  readonly entries: readonly DrEntry[];
}

/** `resolve`: Registry.resolve (resolveHost against the registry). */
export function indexDestinationRules(
  rules: readonly LoadedDr[],
  resolve: (host: string, namespace: string) => string,
  diagnostics: Diagnostic[],
): DrIndex {
  const byHost = new Map<string, LoadedDr[]>();
  for (const dr of sortedCopy(rules, compareResources)) {
    const host = resolve(dr.spec.host, dr.metadata.namespace);
    const list = byHost.get(host);
    if (list) list.push(dr);
    else byHost.set(host, [dr]);
  }
  const entries: DrEntry[] = [];
  for (const [host, list] of sortedCopy([...byHost], ([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    reportConflicts(host, list, diagnostics);
    const subsets = new Map<string, DrSubset>();
    for (const dr of list) {
      const own = dr.spec.subsets;
      if (!own) continue;
      const visibility = visibilityOf(dr.spec.exportTo, dr.metadata.namespace);
      for (let index = 0; index < own.length; index++) {
        const s: Subset = own[index]!;
        if (subsets.has(s.name)) continue; // first definition wins; reported above
        const { name, trafficPolicy } = s;
        const labels = s.labels ?? {};
        subsets.set(name, trafficPolicy ? { name, labels, trafficPolicy, origin: dr, index, visibility } : { name, labels, origin: dr, index, visibility });
      }
    }
    const sorted = sortInPlace([...subsets.values()], (a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const policy = policyRule(list)?.spec.trafficPolicy;
    entries.push(policy ? { host, rules: list, trafficPolicy: policy, subsets: sorted } : { host, rules: list, subsets: sorted });
  }
  const exact = new Map<string, DrEntry>();
  for (const e of entries) exact.set(e.host, e);
  // Longest wildcard first = most specific.
  const wildcards = entries.filter((e) => isWildcard(e.host)).sort((a, b) => b.host.length - a.host.length);
  return {
    entries,
    forHost: (host) => exact.get(host) ?? wildcards.find((w) => hostCovers(w.host, host)),
  };
}

/** Sorts `items` unless it is sorted already (one pass; Array#sort would copy it first). */
function sortInPlace<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return items.sort(compare);
  return items;
}

/** A sorted copy; the loader's order usually is sorted already, and checking is one pass. */
function sortedCopy<T>(items: readonly T[], compare: (a: T, b: T) => number): T[] {
  for (let i = 1; i < items.length; i++) if (compare(items[i - 1]!, items[i]!) > 0) return [...items].sort(compare);
  return [...items];
}

/**
 * The rule whose top-level trafficPolicy a merged host gets: as Istio (mergeDestinationRule),
 * the first rule that has one, whole; a later rule's policy never fills in fields of it.
 */
function policyRule(list: readonly LoadedDr[]): LoadedDr | undefined {
  return list.find((dr) => dr.spec.trafficPolicy !== undefined);
}

/** What ML4011 says about `self`'s trafficPolicy, given the rule whose policy applies. */
function policyNote(self: LoadedDr, applied: LoadedDr | undefined): string {
  if (self === applied) return ' and its trafficPolicy is used';
  if (!applied) return '';
  const from = `${applied.metadata.namespace}/${applied.metadata.name}`; // located in the message already
  return self.spec.trafficPolicy ? ` and its trafficPolicy is ignored (${from}'s is used)` : ` and ${from}'s trafficPolicy is used`;
}

function reportConflicts(host: string, list: readonly LoadedDr[], diagnostics: Diagnostic[]): void {
  if (list.length < 2) return;
  const namespaces = new Set(list.map((d) => d.metadata.namespace));
  for (const self of list) {
    const others = list.filter((d) => d !== self);
    const names = others.map((o) => describe(o, ['spec', 'host'])).join(', '); // the related locations
    const where = { ...at(self, ['spec', 'host']), related: others.map((o) => relatedOf(o, ['spec', 'host'])) };
    if (namespaces.size > 1) {
      diagnostics.push(
        diagnostic(
          'ML4012',
          `DestinationRules for host ${host} in different namespaces: this one and ${names}; keep one DestinationRule per host`,
          where,
        ),
      );
      continue;
    }
    diagnostics.push(diagnostic('ML4011', `host ${host} also has ${names}; subsets are merged${policyNote(self, policyRule(list))}`, where));
  }
  // The same subset name in two rules.
  const seen = new Map<string, { dr: LoadedDr; index: number }>();
  for (const dr of list) {
    (dr.spec.subsets ?? []).forEach((s, index) => {
      const prev = seen.get(s.name);
      if (!prev) {
        seen.set(s.name, { dr, index });
        return;
      }
      if (prev.dr === dr) return; // duplicate inside one rule: validate's business
      for (const [a, ai, b, bi] of [
        [dr, index, prev.dr, prev.index],
        [prev.dr, prev.index, dr, index],
      ] as const) {
        diagnostics.push(
          diagnostic('ML4012', `subset "${s.name}" of host ${host} is also defined by ${describe(b, ['spec', 'subsets', bi, 'name'])}`, {
            ...at(a, ['spec', 'subsets', ai, 'name']),
            related: [relatedOf(b, ['spec', 'subsets', bi, 'name'])],
          }),
        );
      }
    });
  }
}
