// Maps a field path (['spec', 'http', 0, 'route']) to a 1-based line/column by walking the
// composed YAML node tree (a field merged in with `<<` at its `<<` key). Used lazily: only
// diagnostics and IR source links pay for it.
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import { mergedFrom } from './merge-keys.ts';
import type { FieldPath, LineColumn } from './types.ts';

export function makeLocator(doc: Document, lineCounter: LineCounter): (path: FieldPath) => LineColumn {
  return (path) => {
    let node: unknown = doc.contents;
    let offset = rangeStart(node) ?? 0;
    for (const segment of path) {
      let next: unknown;
      let at: number | undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (pair) {
          next = pair.value;
          // Point at the key: for "unknown field" and "wrong value" alike, the key's line is
          // what a reader looks for.
          at = rangeStart(pair.key) ?? rangeStart(pair.value);
        } else {
          // A field merged in (`<<: *defaults`) is at its `<<` key; nothing below it is written here.
          at = rangeStart(mergedFrom(doc, node, String(segment))?.key);
        }
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
        at = rangeStart(next);
      }
      if (at === undefined) break;
      offset = at;
      node = next;
    }
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
