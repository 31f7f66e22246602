// Nesting depth of a YAML document measured on the parser's token tree, BEFORE composing:
// composing and converting are recursive, so a hostile `[[[[...` must be stopped here.
// The walk itself uses an explicit stack, never recursion.
import type { CST } from 'yaml';

/** Returns the offset of the first token nested deeper than `max`, or -1. */
export function findTooDeep(doc: CST.Document, max: number): number {
  const stack: { token: CST.Token; depth: number }[] = [];
  if (doc.value) stack.push({ token: doc.value, depth: 0 });
  while (stack.length > 0) {
    const { token, depth } = stack.pop()!;
    if (token.type !== 'block-map' && token.type !== 'block-seq' && token.type !== 'flow-collection') continue;
    if (depth + 1 > max) return token.offset;
    for (const item of token.items) {
      if (item.key) stack.push({ token: item.key, depth: depth + 1 });
      if (item.value) stack.push({ token: item.value, depth: depth + 1 });
    }
  }
  return -1;
}
