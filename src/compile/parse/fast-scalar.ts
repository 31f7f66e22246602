// Quoted scalars for the fast YAML path (fast-yaml.ts): single-line, with the common escapes.
// Plain scalars are resolved by plain-scalar.ts, as kubectl reads them, on both YAML paths.
// `undefined` = "not handled here, use the full parser".

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\', '"': '"', '/': '/', n: '\n', t: '\t', r: '\r', '0': '\0', b: '\b', f: '\f' };

/** Where the last scalar readQuoted returned ended (the index after its closing quote). */
export const QUOTED = { end: 0 };

/**
 * A quoted scalar starting at `at` and closing on the same line: its value, with QUOTED.end
 * set to the index after the closing quote; or undefined (multi-line, unusual escapes, ...).
 * The end goes through QUOTED rather than a result object: this runs for millions of scalars.
 */
export function readQuoted(text: string, at: number, lineEnd: number): string | undefined {
  const q = text.charCodeAt(at);
  let out = '';
  let i = at + 1;
  let chunk = i;
  while (i < lineEnd) {
    const ch = text.charCodeAt(i);
    if (q === 39 /* ' */) {
      if (ch !== 39) {
        i++;
        continue;
      }
      if (text.charCodeAt(i + 1) === 39) {
        out += text.slice(chunk, i + 1);
        i += 2;
        chunk = i;
        continue;
      }
      QUOTED.end = i + 1;
      return out + text.slice(chunk, i);
    }
    if (ch === 34 /* " */) {
      QUOTED.end = i + 1;
      return out + text.slice(chunk, i);
    }
    if (ch === 92 /* \ */) {
      out += text.slice(chunk, i);
      const e = text[i + 1] ?? '';
      const simple = SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        i += 2;
      } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
        const code = parseInt(text.slice(i + 2, i + 6), 16);
        if (code >= 0xd800 && code <= 0xdfff) return undefined; // surrogate pairs: leave to the full parser
        out += String.fromCharCode(code);
        i += 6;
      } else {
        return undefined;
      }
      chunk = i;
      continue;
    }
    i++;
  }
  return undefined;
}
