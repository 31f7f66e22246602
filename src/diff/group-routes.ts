// A rule with several match entries is one Envoy route per entry, so one edit of the rule
// (its timeout, its weights) changes every one of them alike. Printed route by route, the
// same line appeared once per entry; for reading, such routes are shown as one line naming
// all their entries. The diff data (-o json) keeps one change per route.
import { vsRouteParts } from '../compile/istio/names.ts';
import type { RouteChange } from './types.ts';

/** A change shown for one or more routes of the same rule. */
export interface RouteGroup {
  readonly first: RouteChange;
  /** Names of every route in the group, `…/match/0` first. */
  readonly names: readonly string[];
  /** Their matches, in order. */
  readonly matches: readonly string[];
}

/** Neighbouring changes of one rule's entries with the same kind and the same summary, merged. */
export function groupRouteChanges(routes: readonly RouteChange[]): RouteGroup[] {
  const groups: { first: RouteChange; names: string[]; matches: string[] }[] = [];
  for (const r of routes) {
    const last = groups[groups.length - 1];
    if (last && sameRuleEdit(last.first, r)) {
      last.names.push(r.name);
      last.matches.push(r.match);
    } else groups.push({ first: r, names: [r.name], matches: [r.match] });
  }
  return groups;
}

function sameRuleEdit(a: RouteChange, b: RouteChange): boolean {
  const rule = ruleOf(a.name);
  return (
    rule !== undefined &&
    rule === ruleOf(b.name) &&
    a.change === 'changed' &&
    b.change === 'changed' &&
    !a.previousName &&
    !b.previousName &&
    a.summary.length === b.summary.length &&
    a.summary.every((s, i) => s === b.summary[i])
  );
}

/** `vs/ns/name/http/rule` of `vs/ns/name/http/rule/match/3`; undefined for other routes. */
function ruleOf(name: string): string | undefined {
  return vsRouteParts(name)?.rule;
}

/** One name for a group: the route itself, or `…/match/{0,1,2}` for a rule's entries. */
export function groupName(group: RouteGroup): string {
  if (group.names.length === 1) return group.first.name;
  const rule = ruleOf(group.first.name)!;
  return `${rule}/match/{${group.names.map((n) => vsRouteParts(n)!.entry).join(',')}}`;
}
