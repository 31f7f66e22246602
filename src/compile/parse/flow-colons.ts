// Colons inside `[ ]` and `{ }` as kubectl reads them. In YAML 1.2 (the `yaml` package) a `:`
// right after a plain scalar and right before `,` `]` or `}` is a mapping indicator, so
// `[2001:db8::, 10.0.0.1]` holds the pair {"2001:db8:": null}. kubectl's go-yaml ends a plain
// scalar only at `: ` (or at `,` `[` `]` `{` `}` `?`), so that `:` is part of the address:
// ["2001:db8::", "10.0.0.1"]. The full path finds those colons on the parser's tokens and parses
// again with each replaced by a stand-in character the `yaml` package reads as part of the
// scalar; the stand-in is one code unit like `:`, so every offset and position stays the same,
// and kubectl-readings.ts turns it back into `:` in the composed values.
import type { CST } from 'yaml';

/** Offsets of the colons kubectl reads as the last character of a plain scalar in a flow collection. */
export function keptFlowColons(tokens: readonly CST.Token[], text: string): number[] {
  const scalarEnds = new Set<number>();
  const colons: number[] = [];
  const visit = (token: CST.Token | CST.SourceToken | undefined, inFlow: boolean): void => {
    if (!token) return;
    switch (token.type) {
      case 'scalar':
        if (inFlow) scalarEnds.add(token.offset + token.source.length);
        return;
      case 'map-value-ind':
        if (inFlow) colons.push(token.offset);
        return;
      case 'document':
        visit(token.value, false);
        return;
      case 'block-map':
      case 'block-seq':
      case 'flow-collection': {
        const flow = inFlow || token.type === 'flow-collection';
        for (const item of token.items) {
          for (const t of item.start) visit(t, flow);
          visit(item.key ?? undefined, flow);
          for (const t of item.sep ?? []) visit(t, flow);
          visit(item.value, flow);
        }
        return;
      }
      default:
        return;
    }
  };
  for (const token of tokens) visit(token, false);
  return colons.filter((at) => scalarEnds.has(at) && isFlowEnd(text.charCodeAt(at + 1))).sort((a, b) => a - b);
}

function isFlowEnd(c: number): boolean {
  return c === 44 /* , */ || c === 93 /* ] */ || c === 125 /* } */;
}

/** A character that is not in `text`, to stand in for the kept colons (private use: never YAML syntax). */
export function colonStandIn(text: string): string {
  for (let code = 0xe000; ; code++) {
    const ch = String.fromCharCode(code);
    if (!text.includes(ch)) return ch;
  }
}

/** `text` with the colons at `offsets` replaced by `standIn`. */
export function replaceColons(text: string, offsets: readonly number[], standIn: string): string {
  let out = '';
  let from = 0;
  for (const at of offsets) {
    out += text.slice(from, at) + standIn;
    from = at + 1;
  }
  return out + text.slice(from);
}
