// What the fast YAML path (fast-yaml.ts) returns, and how positions are looked up in it.

/**
 * Positions of one file's collections, for locate, in flat arrays: a 10,000-service mesh
 * has millions of nodes, and one retained object per node made garbage collection the biggest
 * cost of loading. A collection is a record starting at some index of `records`:
 * `isMap (1|0), count`, then per child `key, offset, child record (-1 for scalars)`.
 * In a mapping `offset` is where the key starts and `key` says what the key is: ≥ 0, an index
 * into `keys` (quoted keys, whose value differs from their text); ≤ -2, a plain key, whose
 * value is its own text: `-2 - length` characters at `offset` (no string kept per key: there
 * are about a million). In a sequence `key` is -1.
 */
export interface FastPositions {
  readonly records: Int32Array;
  readonly keys: readonly string[];
  readonly text: string;
}

/** Whether the key of a mapping child (its `key` field and offset) is `name`. */
export function keyIs(positions: FastPositions, key: number, offset: number, name: string): boolean {
  if (key >= 0) return positions.keys[key] === name;
  return -2 - key === name.length && positions.text.startsWith(name, offset);
}

export interface FastDocument {
  /** Offset where the contents start, as the full parser's node range would say. */
  readonly offset: number;
  readonly value: unknown;
  /** Record of the contents in `positions.records`; -1 when the contents are a scalar. */
  readonly record: number;
}

export interface FastFile {
  /** One entry per document; null for an empty one. */
  readonly documents: (FastDocument | null)[];
  readonly positions: FastPositions;
}

/** Offset of `path` inside a document, falling back to the nearest existing ancestor. */
export function fastLocate(positions: FastPositions, doc: FastDocument, path: readonly (string | number)[]): number {
  const records = positions.records;
  let record = doc.record;
  let offset = doc.offset;
  for (let s = 0; s < path.length; s++) {
    const segment = path[s]!;
    if (record < 0) break;
    const isMap = records[record] === 1;
    const count = records[record + 1]!;
    let index = -1;
    if (isMap) {
      const name = String(segment);
      for (let j = 0; j < count; j++) {
        if (keyIs(positions, records[record + 2 + 3 * j]!, records[record + 3 + 3 * j]!, name)) {
          index = j;
          break;
        }
      }
    } else if (typeof segment === 'number' && segment >= 0 && segment < count) {
      index = segment;
    }
    if (index < 0) break;
    offset = records[record + 3 + 3 * index]!;
    record = records[record + 4 + 3 * index]!;
  }
  return offset;
}
