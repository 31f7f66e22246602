// Scalars for the fast YAML path (fast-yaml.ts): YAML 1.2 core-schema resolution of plain
// scalars, and single-line quoted scalars. Must give exactly what the `yaml` package gives;
// test/compile/parse/fast-yaml.test.ts checks that differentially. `undefined` = "not handled
// here, use the full parser".

const NULL = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const INT_OCT = /^0o[0-7]+$/;
const INT = /^[-+]?[0-9]+$/;
const INT_HEX = /^0x[0-9a-fA-F]+$/;
const FLOAT_NAN_INF = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const FLOAT_EXP = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** Resolves a plain scalar as the core schema does (tests in the package's order). */
export function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast exits, taken by nearly every scalar of mesh config (keys included):
  // - a word: of the core tags only null and bool start with a letter, and only with
  //   n/N/t/T/f/F, in at most 5 characters;
  // - starting with a digit: all digits is an int; a character that no number can hold
  //   (`10s`, `v1`), or two dots (an IP address), is a string. The number patterns below
  //   only use digits, `.`, `+`, `-`, `e`/`E`, `o`, `x` and hex digits.
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  if (letter) {
    if (s.length > 5 || !'nNtTfF'.includes(s[0]!)) return s;
    if (NULL.test(s)) return null;
    if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
    return s;
  }
  if (c >= 48 && c <= 57) {
    let digits = true;
    let dots = 0;
    for (let i = 1; i < s.length; i++) {
      const k = s.charCodeAt(i);
      if (k >= 48 && k <= 57) continue;
      digits = false;
      if (k === 46) dots++;
      else if (!(k === 43 || k === 45 || k === 69 || k === 101 || k === 111 || k === 120 || (k >= 97 && k <= 102) || (k >= 65 && k <= 70))) return s;
    }
    if (digits) return parseInt(s, 10);
    if (dots > 1) return s;
  }
  if (NULL.test(s)) return null;
  if (BOOL.test(s)) return s[0] === 't' || s[0] === 'T';
  if (INT_OCT.test(s)) return parseInt(s.substring(2), 8);
  if (INT.test(s)) return parseInt(s, 10);
  if (INT_HEX.test(s)) return parseInt(s.substring(2), 16);
  if (FLOAT_NAN_INF.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? Number.NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (FLOAT_EXP.test(s) || FLOAT.test(s)) return parseFloat(s);
  return s;
}

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
