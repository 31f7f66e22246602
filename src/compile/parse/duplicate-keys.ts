// Names duplicate keys for their diagnostics. The yaml parser only says "Map keys must be
// unique" at the second key's offset; a reader needs the key, where in the document it is
// (field path) and where the first one was. Runs only for documents that have the error, in
// one linear pass however many duplicates there are (a hostile file may hold thousands).
import { isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { formatFieldPath } from './field-path.ts';

export interface DuplicateKey {
  /** The key as written (scalar value), e.g. `weight`. */
  readonly key: string;
  /** Field path of the duplicate, e.g. `spec.http[0].route[0].weight`. */
  readonly field: string;
  /** Offset of the first occurrence of the key in the same mapping. */
  readonly firstOffset: number | undefined;
}

/** For each offset where a duplicate (second or later) key starts: what it is. */
export function findDuplicateKeys(doc: Document.Parsed, offsets: ReadonlySet<number>): Map<number, DuplicateKey> {
  const found = new Map<number, DuplicateKey>();
  const path: (string | number)[] = [];
  // Recursion depth is bounded: documents deeper than LIMITS.maxDepth never reach the composer.
  const visit = (node: unknown): void => {
    if (found.size === offsets.size) return;
    if (isMap(node)) {
      let firsts: Map<string, number | undefined> | undefined;
      if (node.items.some((p) => offsets.has(start(p.key) ?? -1))) {
        firsts = new Map();
        for (const p of node.items) {
          const name = keyText(p.key);
          if (name !== undefined && !firsts.has(name)) firsts.set(name, start(p.key));
        }
      }
      for (const pair of node.items) {
        const name = keyText(pair.key);
        const at = start(pair.key);
        if (firsts && name !== undefined && at !== undefined && offsets.has(at)) {
          found.set(at, { key: name, field: formatFieldPath([...path, name]), firstOffset: firsts.get(name) });
        }
        path.push(name ?? '?');
        visit(pair.value);
        path.pop();
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        path.push(i);
        visit(item);
        path.pop();
      });
    }
  };
  visit(doc.contents);
  return found;
}

function keyText(key: unknown): string | undefined {
  return isScalar(key) ? String(key.value) : undefined;
}

function start(node: unknown): number | undefined {
  return (node as Node | null | undefined)?.range?.[0];
}

/**
 * Where a second resource starts inside one document, judging by a repeated top-level
 * `apiVersion` or `kind` (the `---` between two resources was left out): the offset of the
 * earlier of the two repeats, or undefined when neither repeats.
 */
export function secondResourceOffset(duplicates: ReadonlyMap<number, DuplicateKey>): number | undefined {
  let first: number | undefined;
  for (const [offset, d] of duplicates) {
    if ((d.field === 'apiVersion' || d.field === 'kind') && (first === undefined || offset < first)) first = offset;
  }
  return first;
}

/** Is the duplicate a key of the document's top-level mapping (`spec`, not `spec.hosts`)? */
export function isTopLevel(d: DuplicateKey | undefined): boolean {
  return d !== undefined && d.field === d.key && !/[.[]/.test(d.field);
}
