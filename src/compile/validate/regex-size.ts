// How large a regex's compiled RE2 program gets, estimated from its text before RE2 sees it.
// RE2 compiles counted repetitions out — `[a-z0-9]{1,999}` becomes hundreds of instructions
// per copy — and compiling (in re2-wasm) grows faster than the program: 20 such alternatives
// took 37 s, blocking `serve`, while Envoy then refuses the program anyway (over 32,768).
// The estimate counts one unit per literal, class or escape — more for what is large in UTF-8:
// `.` and negated classes (4), Unicode properties such as `\p{L}` (160, hundreds of byte
// ranges; `\p{L}{120}` exhausts re2-wasm's 16 MB) — multiplied out by counted repetitions
// (nested ones multiply). It stays at or under RE2's real instruction count for these, so a
// regex refused for it is a very large program indeed.

/** Units of repetition-expanded pattern meshlog accepts (MAX_REGEX_LENGTH bounds the text). */
export const MAX_REGEX_EXPANSION = 10_000;

/** `.` and negated classes: every other character, several byte sequences in UTF-8. */
const WIDE_UNITS = 4;
/** A Unicode property class: hundreds of byte ranges. */
const UNICODE_PROPERTY_UNITS = 160;
/** Perl classes: several ranges (`\w` is four), their negations every other character. */
const CLASS_ESCAPE_UNITS: Readonly<Record<string, number>> = { w: 4, W: WIDE_UNITS, s: 4, S: WIDE_UNITS, d: 1, D: WIDE_UNITS };

/** The estimated expansion of `pattern`, or a number over `cap` as soon as it exceeds it. */
export function regexExpansion(pattern: string, cap = MAX_REGEX_EXPANSION): number {
  // Per open group: units so far, and where the last atom started (its units) for a quantifier.
  const stack: { total: number; last: number }[] = [{ total: 0, last: 0 }];
  const top = () => stack[stack.length - 1]!;
  const atom = (units: number) => {
    const f = top();
    f.total += units;
    f.last = units;
  };
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\') {
      // \p{Greek}, \x{41}: skip the braces too; \pL: the one-letter name.
      const kind = pattern[i + 1];
      if (kind === 'Q') {
        // \Q…\E: everything up to \E is literal text, one unit a character.
        const end = pattern.indexOf('\\E', i + 2);
        const stop = end < 0 ? pattern.length : end;
        for (let k = i + 2; k < stop; k++) atom(1);
        i = end < 0 ? pattern.length : end + 1;
        if (top().total > cap) return cap + 1;
        continue;
      }
      const property = kind === 'p' || kind === 'P';
      if ((property || kind === 'x') && pattern[i + 2] === '{') {
        const close = pattern.indexOf('}', i + 3);
        i = close < 0 ? pattern.length : close;
      } else i += property ? 2 : 1;
      atom(property ? UNICODE_PROPERTY_UNITS : kind !== undefined && CLASS_ESCAPE_UNITS[kind] !== undefined ? CLASS_ESCAPE_UNITS[kind]! : 1);
    } else if (c === '[') {
      let j = i + 1;
      const negated = pattern[j] === '^';
      if (negated) j++;
      if (pattern[j] === ']') j++; // a leading ] is a literal
      let units = negated ? WIDE_UNITS : 1;
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        if (pattern[j] !== '\\') continue;
        j++;
        // Each Unicode property inside adds its hundreds of ranges.
        if (pattern[j] === 'p' || pattern[j] === 'P') units += UNICODE_PROPERTY_UNITS;
      }
      i = j;
      atom(units);
    } else if (c === '(') {
      stack.push({ total: 0, last: 0 });
    } else if (c === ')') {
      if (stack.length > 1) {
        const group = stack.pop()!;
        atom(group.total);
      }
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i, i + 16));
      if (!m) {
        atom(1); // a literal brace
        continue;
      }
      const min = Number(m[1]);
      const max = m[2] === undefined ? min : m[3] === '' ? min + 1 : Number(m[3]);
      const f = top();
      f.total += f.last * (Math.max(min, max, 1) - 1);
      f.last *= Math.max(min, max, 1);
      i += m[0].length - 1;
    } else if (c === '.') {
      atom(WIDE_UNITS);
    } else if (c === '|' || c === '*' || c === '+' || c === '?' || c === '^' || c === '$') {
      // Alternatives add up (the running total already does); other operators add an instruction or two.
    } else {
      atom(1);
    }
    if (top().total > cap) return cap + 1;
  }
  let total = 0;
  for (const f of stack) total += f.total;
  return total;
}
