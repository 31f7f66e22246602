// YAML output for JSON-shaped values (plain objects, arrays, strings, finite numbers, booleans,
// null), written directly: the `yaml` package's stringify builds a node tree first and took
// 13 of the 22 s that `meshlog compile --bootstrap-dir` spends on a 10,000-service mesh
// (150 MB of YAML). The text is exactly what `yaml` writes with renderYaml's options
// (output.ts), and test/cli/fast-yaml-out.test.ts compares the two on every golden snapshot's
// config dump and bootstraps: a scalar this writer is not sure how `yaml` would write is
// written by `yaml` itself (quoted keys such as `"@type"` included), and a value it does not
// handle (a string over several lines, a key over 1024 characters, a list directly inside a
// list, anything not JSON-shaped) makes it give up (undefined), so the caller uses `yaml` for
// the whole value.

/** Strings `yaml` writes plain: no indicator first, nothing a YAML parser reads as another type. */
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./|~*@+=-]*$/;
/** Dotted numbers (IPv4 addresses, versions): no YAML type reads them, `yaml` writes them plain. */
const DOTTED = /^[0-9]+(?:\.[0-9]+){2,}$/;
/** Words some YAML reads as booleans or null: left to `yaml`, whichever way it writes them. */
const WORDS = /^(?:true|false|null|yes|no|on|off|y|n|~)$/i;

export type ScalarWriter = (value: string | number) => string;

/**
 * `value` as `yaml` would write it, or undefined when this writer cannot tell (the caller then
 * uses `yaml` for the whole value). `scalar` writes one string or number as `yaml` would, for
 * the ones the rules here leave open; its answers are kept, so each distinct one is asked once.
 */
export function fastYaml(value: unknown, scalar: ScalarWriter): string | undefined {
  const memo = new Map<string | number, string>();
  const scalarOf = (v: string | number): string | undefined => {
    if (typeof v === 'string' && (PLAIN.test(v) || DOTTED.test(v)) && !WORDS.test(v)) return v;
    if (typeof v === 'number' && Number.isSafeInteger(v) && !Object.is(v, -0)) return String(v);
    let out = memo.get(v);
    if (out === undefined) {
      out = scalar(v);
      memo.set(v, out);
    }
    return out.includes('\n') ? undefined : out; // block scalars depend on their indentation
  };
  if (isSeq(value) && value.length === 0) return '[]\n';
  const out: string[] = [];
  const ok = isMap(value) ? writeMap(value, '', out, scalarOf) : isSeq(value) ? writeSeq(value, '', out, scalarOf) : false;
  return ok ? out.join('') : undefined;
}

function isMap(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false;
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function isSeq(v: unknown): v is readonly unknown[] {
  return Array.isArray(v);
}

type Scalar = (v: string | number) => string | undefined;

/** A leaf: the text after `key: ` or `- `, or undefined (not writable here). */
function leaf(v: unknown, scalarOf: Scalar): string | undefined {
  if (typeof v === 'string' || typeof v === 'number') return Number.isNaN(v) ? undefined : scalarOf(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v === null) return 'null';
  if (isMap(v) && isEmptyMap(v)) return '{}';
  if (isSeq(v) && v.length === 0) return '[]';
  return undefined;
}

function isEmptyMap(v: Record<string, unknown>): boolean {
  for (const k in v) if (v[k] !== undefined) return false;
  return true;
}

/** A block mapping at `indent`; its first line starts with `first` instead (a sequence item's `- `). */
function writeMap(map: Record<string, unknown>, indent: string, out: string[], scalarOf: Scalar, first?: string): boolean {
  let lineStart = first === undefined;
  let wrote = false;
  for (const key in map) {
    const v = map[key];
    if (v === undefined) continue; // `yaml` leaves undefined values out
    // A key `yaml` would quote (`@type`, `:authority`) is written as it writes that string alone.
    // (A key over 1024 characters `yaml` writes as an explicit `? ` key: left to it.)
    const name = key.length > 1024 ? undefined : PLAIN.test(key) && !WORDS.test(key) ? key : scalarOf(key);
    if (name === undefined) return false;
    // One piece per line: joining millions of small pieces was most of the writing.
    const lead = lineStart ? indent : first!;
    lineStart = true;
    wrote = true;
    const text = leaf(v, scalarOf);
    if (text !== undefined) {
      out.push(`${lead}${name}: ${text}\n`);
      continue;
    }
    out.push(`${lead}${name}:\n`);
    if (isMap(v)) {
      if (!writeMap(v, `${indent}  `, out, scalarOf)) return false;
    } else if (isSeq(v)) {
      if (!writeSeq(v, `${indent}  `, out, scalarOf)) return false;
    } else return false;
  }
  if (!wrote) out.push(`${first ?? indent}{}\n`);
  return true;
}

/** A block sequence at `indent` (each item on a line of its own). */
function writeSeq(seq: readonly unknown[], indent: string, out: string[], scalarOf: Scalar): boolean {
  for (let i = 0; i < seq.length; i++) {
    const item = seq[i];
    const text = leaf(item, scalarOf);
    if (text !== undefined) {
      out.push(`${indent}- ${text}\n`);
      continue;
    }
    if (!isMap(item)) return false; // a list in a list, or not JSON-shaped: left to `yaml`
    if (!writeMap(item, `${indent}  `, out, scalarOf, `${indent}- `)) return false;
  }
  return true;
}
