// Bounds what YAML aliases (`*name`) can cost. A document's plain value shares aliased
// subtrees, but everything downstream (schema copies, IR, output) expands them, so a
// "billion laughs" document of a few lines could still cost gigabytes. This pass counts the
// nodes that the aliases add when expanded, in one linear walk (each anchored node's size is
// computed once), and stops at the alias that crosses the budget, so the error can point at
// it. Ordinary reuse (a route written once and referenced 150 times) is far below the budget.
import { isAlias, isMap, isPair, isSeq, type Document, type Node } from 'yaml';

export interface AliasProblem {
  readonly reason: 'budget' | 'cycle';
  /** Offset of the alias that crossed the budget or refers to a node containing itself. */
  readonly offset: number;
}

export function checkAliasBudget(doc: Document.Parsed, budget: number): AliasProblem | undefined {
  const anchors = new Map<string, unknown>();
  const sizes = new Map<unknown, number>();
  let added = 0;
  let problem: AliasProblem | undefined;

  // Recursion depth is bounded: documents deeper than LIMITS.maxDepth never reach the composer.
  const walk = (node: unknown): number => {
    if (problem || node === null || node === undefined) return 0;
    if (isAlias(node)) {
      const target = anchors.get(node.source);
      if (target === undefined) return 1; // unknown anchor: the parser reports it
      const size = sizes.get(target);
      const offset = node.range?.[0] ?? 0;
      // Anchored but not finished: the alias sits inside its own anchor, a cycle that
      // would expand forever.
      if (size === undefined) problem = { reason: 'cycle', offset };
      else if ((added += size) > budget) problem = { reason: 'budget', offset };
      return size ?? 0;
    }
    // An anchor is in scope from its node's start (an alias inside it is a cycle).
    const anchor = (node as Node).anchor;
    if (anchor !== undefined) anchors.set(anchor, node);
    let size = 1;
    if (isMap(node) || isSeq(node)) {
      for (const item of node.items) size += isPair(item) ? walk(item.key) + walk(item.value) : walk(item);
    }
    if (anchor !== undefined) sizes.set(node, size);
    return size;
  };
  walk(doc.contents);
  return problem;
}
