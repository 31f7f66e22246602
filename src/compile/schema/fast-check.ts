// A fast yes/unsure answer to "does this document pass its zod schema, and what does zod
// return for it?". zod builds issue lists, payload objects and a copy of every object on
// every parse; at 10,000 services that was a quarter of the load phase. The checker is
// compiled once per schema from the schema's own definition (so it cannot drift from it) and
// supports only the parts our schemas use whose behaviour is simple to match exactly:
// strict/loose/strip objects, records with string keys, arrays, optional, prefault (only
// when the key is present), unions of exact leaf checks, string, number, int, boolean, enum,
// unknown. Anything else makes the whole schema "no fast path".
//
// The checker is generated JavaScript (one function per object, array and record schema,
// leaf checks written inline): calling every child check through one shared closure made
// each call site megamorphic, which cost as much as the checks themselves.
//
// The checker answers UNSURE whenever it is not certain zod succeeds: the caller then runs
// zod, which produces the diagnostics exactly as before. When it answers with a value, that
// value equals zod's output, key order included. With `reuse`, an input object or array
// whose output would be an identical copy is returned as it is (the caller promises nobody
// else holds the input and no node appears twice in it). test/compile/schema/fast-check.test.ts
// checks this differentially against zod.
import type { z } from 'zod';

export const UNSURE: unique symbol = Symbol('fast-check: unsure');
export type FastCheck = (input: unknown, reuse: boolean) => unknown;

/** zod 4's internal definition, as much of it as we read. */
interface Def {
  readonly type: string;
  readonly checks?: readonly unknown[];
  readonly format?: string;
  readonly coerce?: boolean;
  readonly shape?: Record<string, z.ZodType>;
  readonly catchall?: z.ZodType;
  readonly element?: z.ZodType;
  readonly keyType?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly entries?: Record<string, unknown>;
  readonly mode?: string;
}

/**
 * A compiled schema node: a leaf is a JS condition on a value (`cond('x')` is true exactly
 * when zod accepts x, if `exact`; zod's output is then x itself); anything else is a
 * generated function `fn(value, reuse)` returning zod's output or UNSURE.
 */
type Node = { readonly leaf: (x: string) => string; readonly exact: boolean } | { readonly fn: string };

class Unsupported extends Error {}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** The checker for a schema, or undefined when it uses something the checker does not model. */
export function compileFastCheck(schema: z.ZodType): FastCheck | undefined {
  const gen = new Generator();
  let root: Node;
  try {
    root = gen.node(schema);
  } catch (e) {
    if (e instanceof Unsupported) return undefined;
    throw e;
  }
  if (!('fn' in root)) return undefined; // a leaf at the top: not a document schema
  const source = `${gen.functions.join('\n')}\nreturn ${root.fn};`;
  // The source is generated from our own schema definitions only: no document text reaches it.
  return new Function('UNSURE', 'sets', 'isPlain', source)(UNSURE, gen.sets, isPlainRecord) as FastCheck;
}

/** zod's record check is `isPlainObject`; objects accept any object, but YAML gives only plain ones. */
function isPlainRecord(v: unknown): boolean {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return false;
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

const str = (s: string) => JSON.stringify(s);

class Generator {
  readonly functions: string[] = [];
  readonly sets: Set<unknown>[] = [];

  node(schema: z.ZodType): Node {
    const def = defOf(schema);
    if (def.coerce) throw new Unsupported('coerce');
    const plain = def.checks === undefined || def.checks.length === 0;
    switch (def.type) {
      case 'string':
        if (!plain || def.format !== undefined) throw new Unsupported('string checks');
        return { leaf: (x) => `typeof ${x} === 'string'`, exact: true };
      case 'boolean':
        if (!plain) throw new Unsupported('boolean checks');
        return { leaf: (x) => `typeof ${x} === 'boolean'`, exact: true };
      case 'number':
        if (!plain) throw new Unsupported('number checks');
        // z.int() is a number with the safeint format (its only check); z.number() rejects NaN and ±Infinity.
        if (def.format === 'safeint') return { leaf: (x) => `Number.isSafeInteger(${x})`, exact: true };
        if (def.format !== undefined) throw new Unsupported(`number format ${def.format}`);
        return { leaf: (x) => `(typeof ${x} === 'number' && Number.isFinite(${x}))`, exact: true };
      case 'enum': {
        const values = Object.values(def.entries ?? {});
        if (!plain || values.some((v) => typeof v !== 'string')) throw new Unsupported('enum');
        const i = this.sets.push(new Set(values)) - 1;
        return { leaf: (x) => `sets[${i}].has(${x})`, exact: true };
      }
      case 'unknown':
        // zod accepts undefined too; YAML never gives it, and UNSURE is always safe.
        return { leaf: (x) => `${x} !== undefined`, exact: false };
      case 'union': {
        // zod takes the first option that succeeds; a leaf that said no to an option zod
        // accepts could pick a later one, so every option must be an exact leaf.
        const options = (def.options ?? []).map((o) => this.node(o));
        const leaves = options.map((o) => ('leaf' in o && o.exact ? o.leaf : undefined));
        if (leaves.length === 0 || leaves.some((l) => l === undefined)) throw new Unsupported('union of non-leaf options');
        return { leaf: (x) => `(${leaves.map((l) => l!(x)).join(' || ')})`, exact: true };
      }
      case 'array':
        return this.array(this.node(def.element!));
      case 'record':
        return this.record(def);
      case 'object':
        return this.object(def);
      default:
        throw new Unsupported(def.type);
    }
  }

  private add(body: string): Node {
    const name = `check${this.functions.length}`;
    this.functions.push(`function ${name}(v, reuse) {\n${body}\n}`);
    return { fn: name };
  }

  /** Statements checking `item` against a child node; on a changed output, runs `changed` with `r` set. */
  private child(node: Node, changed: string): string {
    if ('leaf' in node) return `if (!(${node.leaf('item')})) return UNSURE;`;
    return `const r = ${node.fn}(item, reuse); if (r === UNSURE) return UNSURE; if (r !== item) { ${changed} }`;
  }

  private array(element: Node): Node {
    return this.add(`
  if (!Array.isArray(v)) return UNSURE;
  const n = v.length;
  let out = reuse ? undefined : new Array(n);
  for (let i = 0; i < n; i++) {
    const item = v[i];
    ${this.child(element, 'if (out === undefined) out = v.slice(0, i);')}
    if (out !== undefined) out[i] = ${'fn' in element ? 'r' : 'item'};
  }
  return out === undefined ? v : out;`);
  }

  private record(def: Def): Node {
    const keyDef = defOf(def.keyType!);
    if (keyDef.type !== 'string' || (keyDef.checks?.length ?? 0) > 0 || keyDef.format !== undefined || def.mode !== undefined) {
      throw new Unsupported('record key');
    }
    const value = this.node(def.valueType!);
    // zod skips `__proto__` (the result's prototype must not change): leave that to zod.
    return this.add(`
  if (!isPlain(v)) return UNSURE;
  let out = reuse ? undefined : {};
  for (const key in v) {
    if (key === '__proto__') return UNSURE;
    const item = v[key];
    ${this.child(value, 'if (out === undefined) { out = {}; for (const k in v) { if (k === key) break; out[k] = v[k]; } }')}
    if (out !== undefined) out[key] = ${'fn' in value ? 'r' : 'item'};
  }
  return out === undefined ? v : out;`);
  }

  private object(def: Def): Node {
    const shape = def.shape ?? {};
    const keys = Object.keys(shape);
    if (Object.getOwnPropertySymbols(shape).length > 0) throw new Unsupported('symbol keys');
    // zod tests presence with `key in input`, which sees Object.prototype's members; for-in does not.
    if (keys.some((k) => k in Object.prototype || k === '__proto__')) throw new Unsupported('prototype key');
    const catchall = def.catchall === undefined ? 'strip' : defOf(def.catchall).type;
    if (catchall !== 'strip' && catchall !== 'never' && catchall !== 'unknown') throw new Unsupported(`catchall ${catchall}`);
    const fields = keys.map((key, i) => {
      const fdef = defOf(shape[key]!);
      // Optional: absent is fine. Prefault: substitutes a default only when the key is absent,
      // so the fast path requires the key (absent → UNSURE → zod); present, it is its inner schema.
      const optional = fdef.type === 'optional';
      const inner = optional || fdef.type === 'prefault' ? fdef.innerType! : shape[key]!;
      return { key, i, optional, node: this.node(inner) };
    });
    const required = fields.filter((f) => !f.optional).length;
    const cases = fields.map(
      (f) => `      case ${str(f.key)}: {
        if (extras || ${f.i} < last) same = false;
        last = ${f.i};
        const item = v[${str(f.key)}];
        ${this.child(f.node, `same = false; o${f.i} = r;`)}
        ${f.optional ? '' : 'present++;'}
        break;
      }`,
    );
    const unknownKey =
      catchall === 'never' ? 'return UNSURE;' : `if (key === '__proto__') return UNSURE; extras = true;${catchall === 'strip' ? ' same = false;' : ''}`;
    const copy = fields.map(
      (f) => `  if (Object.hasOwn(v, ${str(f.key)})) out[${str(f.key)}] = ${'fn' in f.node ? `o${f.i} === undefined ? v[${str(f.key)}] : o${f.i}` : `v[${str(f.key)}]`};`,
    );
    const known = fields.map((f) => `case ${str(f.key)}:`).join(' ');
    // Pass 1 checks every key; the output is the input itself unless a child changed, a key is
    // out of the shape's order (zod writes shape keys first, in shape order) or dropped. Pass 2
    // builds zod's output: shape keys in shape order, then (loose) the others in input order.
    return this.add(`
  if (!isPlain(v)) return UNSURE;
  let same = reuse, last = -1, extras = false, present = 0;
  ${fields.filter((f) => 'fn' in f.node).map((f) => `let o${f.i};`).join(' ')}
  for (const key in v) {
    switch (key) {
${cases.join('\n')}
      default: ${unknownKey}
    }
  }
  if (present !== ${required}) return UNSURE;
  if (same) return v;
  const out = {};
${copy.join('\n')}
  ${catchall === 'unknown' ? `if (extras) for (const key in v) { switch (key) { ${known} break; default: out[key] = v[key]; } }` : ''}
  return out;`);
  }
}
