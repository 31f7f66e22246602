// What a plain (unquoted) YAML scalar means, as kubectl reads it. kubectl turns a manifest
// into JSON with sigs.k8s.io/yaml, whose YAML is go-yaml v2: YAML 1.1 scalars, not the YAML 1.2
// core schema the `yaml` package reads by default. So `yes`, `on`, `Y` are booleans, `017` is
// the octal 15, `0b101`, `0X1F` and `1_000` are numbers. The rules, in go-yaml's order
// (resolve.go; test/compile/parse/kubectl-yaml.test.ts checks them against that code's
// answers):
// - only a scalar starting with one of `yYnNtTfFoO~+-.` or a digit (or the empty one) can be
//   anything but a string;
// - a fixed table: the booleans and nulls below, `.inf`, `-.inf`, `+.inf`, `.nan` (3 spellings each);
// - starting with `.`: Go's ParseFloat (`_` only between digits);
// - starting with a digit or sign: every `_` removed, then Go's ParseInt with base 0 (sign,
//   `0x`/`0o`/`0b` in either case, a leading `0` octal), int64 then uint64; then a float
//   (`[-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?`, finite); then `0b` once more, now with a sign after it;
// - anything else is the string as written. Timestamps stay strings (kubectl keeps them as
//   written), and there are no base-60 numbers.
// Both YAML paths use this: the fast parser directly, the full one through a custom tag.

const WORD = 1;
const NUMBER = 2;
const DOT = 3;
/** go-yaml's first-character hint. */
const HINT = new Uint8Array(128);
for (const ch of 'yYnNtTfFoO~') HINT[ch.charCodeAt(0)] = WORD;
for (const ch of '+-0123456789') HINT[ch.charCodeAt(0)] = NUMBER;
HINT[46 /* . */] = DOT;

const TABLE = new Map<string, boolean | number | null>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) TABLE.set(s, true);
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) TABLE.set(s, false);
for (const s of ['~', 'null', 'Null', 'NULL']) TABLE.set(s, null);
for (const s of ['.inf', '.Inf', '.INF']) {
  TABLE.set(s, Number.POSITIVE_INFINITY);
  TABLE.set(`+${s}`, Number.POSITIVE_INFINITY);
  TABLE.set(`-${s}`, Number.NEGATIVE_INFINITY);
}
for (const s of ['.nan', '.NaN', '.NAN']) TABLE.set(s, Number.NaN);

/** The value kubectl reads for the plain scalar `s`: a string, number, boolean or null. */
export function resolvePlain(s: string): unknown {
  if (s === '') return null;
  const c = s.charCodeAt(0);
  const hint = c < 128 ? HINT[c] : 0;
  if (hint === 0) return s;
  if (hint === WORD) {
    // Nearly every word is a string: only a few of at most 5 letters are in the table.
    if (s.length > 5) return s;
    const v = TABLE.get(s);
    return v === undefined ? s : v;
  }
  if (s.length <= 5 && (hint === DOT || ((c === 43 || c === 45) && s.charCodeAt(1) === 46))) {
    const v = TABLE.get(s);
    if (v !== undefined) return v;
  }
  return hint === DOT ? resolveDotted(s) : resolveNumeric(s);
}

/** A scalar starting with a digit or sign. */
function resolveNumeric(s: string): unknown {
  // The common case first: a decimal integer (a port, a weight) that cannot overflow.
  if (s.length <= 15 && s.charCodeAt(0) !== 48 /* 0 */) {
    let digits = true;
    for (let i = 0; i < s.length; i++) {
      const k = s.charCodeAt(i);
      if (k < 48 || k > 57) {
        digits = false;
        break;
      }
    }
    if (digits) return +s;
  }
  // No number holds a character outside these (`10s`, `v1`, `1.2.3.4` are strings).
  let dots = 0;
  for (let i = 0; i < s.length; i++) {
    const k = s.charCodeAt(i);
    if (k === 46) dots++;
    else if (!NUMBER_CHAR[k]) return s;
  }
  if (dots > 1) return s;
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const int = goParseInt(plain) ?? binaryRetry(plain);
  if (int !== undefined) return int;
  if (isGoFloat(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return f;
  }
  return s;
}

/**
 * go-yaml's second try at `0b`, with base 2 alone after it, which lets a sign follow it
 * (`0b-101` is -5); it comes after floats in go-yaml, but no float starts with `0b`. (Its try at
 * `-0b` takes nothing base 0 did not.)
 */
function binaryRetry(plain: string): number | undefined {
  if (!plain.startsWith('0b')) return undefined;
  const rest = plain.slice(2);
  const signed = rest[0] === '-' || rest[0] === '+';
  const digits = signed ? rest.slice(1) : rest;
  let v = parseDigits(digits, 2);
  if (v !== undefined && v >= 2 ** 53) v = bigGoInt(digits, 2, rest.charCodeAt(0));
  return v === undefined ? undefined : (rest[0] === '-' ? -v : v) + 0;
}

/** Characters a number can hold: digits, signs, `.`, `_`, exponent, base prefixes, hex digits. */
const NUMBER_CHAR = new Uint8Array(128);
for (const ch of '0123456789+-_eExXoObBabcdefABCDEF') NUMBER_CHAR[ch.charCodeAt(0)] = 1;

/**
 * Go's strconv.ParseInt(s, 0, 64), falling back to ParseUint(s, 0, 64) as go-yaml does: an
 * optional sign (ParseInt only), then `0x`, `0o`, `0b` (either case, at least one digit after), a
 * leading `0` (octal), or decimal. Undefined when neither accepts `s`.
 */
function goParseInt(s: string): number | undefined {
  let i = 0;
  const sign = s.charCodeAt(0);
  if (sign === 43 || sign === 45) i = 1;
  if (i >= s.length) return undefined;
  let base = 10;
  if (s.charCodeAt(i) === 48 /* 0 */) {
    const p = s.length - i >= 3 ? s.charCodeAt(i + 1) | 0x20 : 0;
    if (p === 120 /* x */) base = 16;
    else if (p === 111 /* o */) base = 8;
    else if (p === 98 /* b */) base = 2;
    else base = 8;
    i += base === 8 && p !== 111 ? 1 : 2;
  }
  const digits = s.slice(i);
  let v = base === 8 && digits === '' ? 0 : parseDigits(digits, base);
  if (v === undefined) return undefined;
  if (v >= 2 ** 53) v = bigGoInt(digits, base, sign); // past 2^53 the sum above is rounded
  if (v === undefined) return undefined;
  return (sign === 45 ? -v : v) + 0; // never -0: kubectl sends an integer 0
}

/** The digits' value in `base`, or undefined if any is not a digit of it (or there are none). */
function parseDigits(digits: string, base: number): number | undefined {
  if (digits === '') return undefined;
  let v = 0;
  for (let i = 0; i < digits.length; i++) {
    const k = digits.charCodeAt(i) | 0x20;
    const d = k >= 48 && k <= 57 ? k - 48 : k >= 97 && k <= 102 ? k - 87 : 99;
    if (d >= base) return undefined;
    v = v * base + d;
  }
  return v;
}

/** A large integer's value (as close as a number gets), if within int64 (signed) or uint64 (unsigned) as Go checks. */
function bigGoInt(digits: string, base: number, sign: number): number | undefined {
  const prefix = base === 16 ? '0x' : base === 8 ? '0o' : base === 2 ? '0b' : '';
  const n = BigInt(prefix + digits);
  const fits = sign === 45 ? n <= 2n ** 63n : n < 2n ** 63n || (sign !== 43 && n < 2n ** 64n);
  return fits ? Number(n) : undefined;
}

/** go-yaml's float pattern: `[-+]?(\.d+|d+(\.d*)?)([eE][-+]?d+)?`. */
function isGoFloat(s: string): boolean {
  let i = 0;
  const n = s.length;
  const digitsFrom = (j: number) => {
    while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) j++;
    return j;
  };
  if (s[i] === '+' || s[i] === '-') i++;
  if (s[i] === '.') {
    const j = digitsFrom(i + 1);
    if (j === i + 1) return false;
    i = j;
  } else {
    const j = digitsFrom(i);
    if (j === i) return false;
    i = s[j] === '.' ? digitsFrom(j + 1) : j;
  }
  if (i < n && (s[i] === 'e' || s[i] === 'E')) {
    i++;
    if (s[i] === '+' || s[i] === '-') i++;
    const j = digitsFrom(i);
    if (j === i) return false;
    i = j;
  }
  return i === n;
}

/**
 * A scalar starting with `.` not in the table: Go's ParseFloat, which takes `.5`, `.5e3` and
 * `_` between two digits (`.5_0`); out of range is no float, so a string.
 */
function resolveDotted(s: string): unknown {
  for (let i = s.indexOf('_'); i >= 0; i = s.indexOf('_', i + 1)) {
    if (!isDigit(s.charCodeAt(i - 1)) || !isDigit(s.charCodeAt(i + 1))) return s;
  }
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  if (!isGoFloat(plain)) return s;
  const f = Number(plain);
  return Number.isFinite(f) ? f : s;
}

function isDigit(k: number): boolean {
  return k >= 48 && k <= 57;
}

/**
 * The JSON key kubectl makes of the plain scalar `s` written as a map key, or null for a null
 * key (which kubectl refuses). Booleans and integers are printed as Go prints them; floats as
 * a float32 in Go's shortest `%g` (`1e3` is "1000", `1e7` is "1e+07"), with `.inf`/`.nan`.
 */
export function kubectlKey(s: string): string | null {
  const v = resolvePlain(s);
  if (v === null) return null;
  if (typeof v !== 'number') return String(v);
  return readsAsInteger(s) ? String(v) : goFloat32(v);
}

/** For a plain scalar kubectl reads as a number: whether go-yaml's integer rules took it (not its float ones). */
function readsAsInteger(s: string): boolean {
  const c = s.charCodeAt(0);
  if (!(c === 43 || c === 45 || isDigit(c))) return false; // `.5`, `.inf`
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  return goParseInt(plain) !== undefined || binaryRetry(plain) !== undefined;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml writes float keys. */
function goFloat32(v: number): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return '.nan';
  if (!Number.isFinite(f)) return f > 0 ? '.inf' : '-.inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  // The fewest significant digits that read back as the same float32.
  let p = 1;
  while (p < 9 && Math.fround(Number(f.toPrecision(p))) !== f) p++;
  const [mantissa, exp] = f.toExponential(p - 1).split('e') as [string, string];
  const e = Number(exp);
  if (e < -4 || e >= 6) return `${mantissa}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`;
  return String(Number(f.toPrecision(p)));
}

/**
 * For a plain scalar kubectl reads as a leading-zero octal integer whose value differs from its
 * digits read as decimal (`010` is 8): that value; otherwise undefined (`007`, `08`, `0o17`).
 */
export function octalReading(s: string): number | undefined {
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const body = plain[0] === '-' || plain[0] === '+' ? plain.slice(1) : plain;
  if (body.length < 2 || body[0] !== '0' || !isDigit(body.charCodeAt(1))) return undefined;
  const v = goParseInt(plain); // `08` is no octal: go-yaml reads it as the float 8
  if (v === undefined) return undefined;
  return v === (plain[0] === '-' ? -1 : 1) * Number(body) ? undefined : v;
}
