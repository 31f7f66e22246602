// YAML merge keys (`<<: *defaults`), which kubectl resolves: the parser merges them when it
// builds plain values (the Composer's `merge` option). Two things it does not do for us: say
// where a merge of something that is not a mapping is (it throws while building the value),
// and tell the locator where a field that came in through a merge is written.
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type Node, type Pair, type YAMLMap } from 'yaml';

/** A `<<` key as the parser reads it with merges on: a plain scalar whose value is a symbol. */
export function isMergePair(pair: Pair): boolean {
  return isScalar(pair.key) && typeof pair.key.value === 'symbol';
}

/**
 * The offset of the first `<<` key whose value is not a mapping, an alias of one, or a list of
 * those (which the parser would throw on), or undefined when every merge is sound.
 */
export function findBadMerge(doc: Document): number | undefined {
  let found: number | undefined;
  // Recursion depth is bounded: documents deeper than LIMITS.maxDepth never reach the composer.
  const walk = (node: unknown): void => {
    if (found !== undefined) return;
    if (isMap(node)) {
      for (const pair of node.items) {
        if (isMergePair(pair) && mergeSources(doc, pair) === undefined) found = (pair.key as Node).range?.[0] ?? 0;
        walk(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) walk(isPair(item) ? item.value : item);
    }
  };
  walk(doc.contents);
  return found;
}

/** The mappings a `<<` key merges, in order, or undefined when one of them is not a mapping. */
function mergeSources(doc: Document, pair: Pair): YAMLMap[] | undefined {
  const value = resolved(doc, pair.value);
  const items = isSeq(value) ? value.items.map((item) => resolved(doc, item)) : [value];
  return items.every((item) => isMap(item)) ? (items as YAMLMap[]) : undefined;
}

function resolved(doc: Document, node: unknown): unknown {
  return isAlias(node) ? node.resolve(doc) : node;
}

/**
 * The `<<` key of `map` through which its field `key` came in (directly, or through a merge in
 * the merged mapping), or undefined. A merged field is reported there: in the resource that
 * uses it, as a field that comes from an alias is reported at the key holding the alias.
 */
export function mergedFrom(doc: Document, map: YAMLMap, key: string, depth = 0): Pair | undefined {
  if (depth > 100) return undefined; // merges of merges that refer to each other
  for (const pair of map.items) {
    if (!isMergePair(pair)) continue;
    for (const source of mergeSources(doc, pair) ?? []) {
      if (source.items.some((p) => isScalar(p.key) && String(p.key.value) === key) || mergedFrom(doc, source, key, depth + 1)) return pair;
    }
  }
  return undefined;
}
