// Which route of a virtual host's old list each route of the new list is, so a diff reads as
// the edit a reviewer made. Routes are paired, in turn:
//   1. by identical match: a rule inserted above others renumbers their names, yet they did
//      not change;
//   2. a named rule by its name: its match was edited;
//   3. an unnamed rule (its name is its index) by what it does, all but the match;
//   4. an unnamed rule by where it sends (its destinations, or its redirect/response);
//   5. an unnamed rule by its index, only where the VirtualService's unpaired rules line up
//      one for one (an edit in place).
// An unnamed rule's index is no identity once a rule above it went or came: the rule that
// now has index 0 is the old index 1, and pairing them by name showed a removed rule's match
// "edited" into its neighbour's. What is left is added or removed.
import type { IrRoute, IrRouteAction } from '../compile/ir/types.ts';
import { vsRouteParts } from '../compile/istio/names.ts';
import { NO_RENAMES, renameRouteClusters, type ClusterRenames } from './cluster-renames.ts';
import { canonicalJson } from './value-diff.ts';

/** after index → before index. `renames`: the old side reads with renamed subsets under their new names. */
export function pairRoutes(before: readonly IrRoute[], after: readonly IrRoute[], renames: ClusterRenames = NO_RENAMES): Map<number, number> {
  const pairs = new Pairs(before.map((r) => renameRouteClusters(r, renames)), after);
  pairs.by((r) => canonicalJson(r.match));
  pairs.by((r) => (unnamedRule(r) === undefined ? r.name : undefined));
  pairs.by((r) => withinVs(r, canonicalJson({ ...r, name: undefined, source: undefined, match: undefined })));
  pairs.by((r) => withinVs(r, canonicalJson(target(r.action))));
  pairs.byPosition();
  return pairs.ofAfter;
}

/** `vs/<ns>/<name>/http/` for a route of an unnamed rule (its segment is its index, `2` or `2~`); undefined for a named one. */
function unnamedRule(r: IrRoute): string | undefined {
  const rule = vsRouteParts(r.name)?.rule;
  const m = rule === undefined ? null : /^(vs\/[^/]+\/[^/]+\/http\/)\d+~*$/.exec(rule);
  return m ? m[1] : undefined;
}

/** `key` scoped to the route's VirtualService, for an unnamed rule's route only. */
function withinVs(r: IrRoute, key: string): string | undefined {
  const vs = unnamedRule(r);
  return vs === undefined ? undefined : `${vs}\u0000${key}`;
}

/** Where a route sends requests: its clusters (any weights), or its redirect or response. */
function target(a: IrRouteAction): unknown {
  return a.kind === 'forward' ? [...new Set(a.destinations.map((d) => d.cluster))].sort() : a;
}

/** What kind of match a route has, without values: `prefix` with header `x-user`. Prefers a candidate edited in its values only. */
function matchShape(r: IrRoute): string {
  const m = r.match;
  return canonicalJson([m.path?.kind ?? null, m.headers.map((h) => `${h.name}${h.invert ? '!' : ''}`), m.queryParams.map((q) => q.name)]);
}

class Pairs {
  readonly ofAfter = new Map<number, number>();
  private readonly used = new Set<number>();
  private readonly before: readonly IrRoute[];
  private readonly after: readonly IrRoute[];

  constructor(before: readonly IrRoute[], after: readonly IrRoute[]) {
    this.before = before;
    this.after = after;
  }

  /** Pairs each unpaired new route with an unpaired old one of the same key (undefined: not by this key). */
  by(key: (r: IrRoute) => string | undefined): void {
    if (this.ofAfter.size === this.after.length || this.used.size === this.before.length) return;
    const byKey = new Map<string, number[]>();
    this.before.forEach((r, bi) => {
      const k = this.used.has(bi) ? undefined : key(r);
      if (k === undefined) return;
      const list = byKey.get(k);
      if (list) list.push(bi);
      else byKey.set(k, [bi]);
    });
    this.after.forEach((r, ai) => {
      const k = this.ofAfter.has(ai) ? undefined : key(r);
      const candidates = k === undefined ? [] : (byKey.get(k) ?? []).filter((bi) => !this.used.has(bi));
      const bi = this.closest(r, candidates);
      if (bi !== undefined) this.pair(ai, bi);
    });
  }

  /**
   * Unnamed rules by index, per VirtualService whose unpaired rules are as many before as
   * after: then they line up, each rule edited in place. Else a rule went or came and an
   * index names another rule on each side: removed and added tell it truly.
   */
  byPosition(): void {
    const left = (routes: readonly IrRoute[], isUsed: (i: number) => boolean) => {
      const count = new Map<string, number>();
      routes.forEach((r, i) => {
        const vs = unnamedRule(r);
        if (vs !== undefined && !isUsed(i)) count.set(vs, (count.get(vs) ?? 0) + 1);
      });
      return count;
    };
    const leftBefore = left(this.before, (i) => this.used.has(i));
    const leftAfter = left(this.after, (i) => this.ofAfter.has(i));
    this.by((r) => {
      const vs = unnamedRule(r);
      return vs !== undefined && leftBefore.get(vs) === leftAfter.get(vs) ? r.name : undefined;
    });
  }

  /** Among equal candidates: the one whose match is of the same kind, then the one of the same name (place), then the first. */
  private closest(r: IrRoute, candidates: readonly number[]): number | undefined {
    if (candidates.length < 2) return candidates[0]; // nothing to choose: no shape to compute
    const shape = matchShape(r);
    const sameShape = candidates.filter((bi) => matchShape(this.before[bi]!) === shape);
    const pool = sameShape.length > 0 ? sameShape : candidates;
    return pool.find((bi) => this.before[bi]!.name === r.name) ?? pool[0];
  }

  private pair(ai: number, bi: number): void {
    this.ofAfter.set(ai, bi);
    this.used.add(bi);
  }
}
