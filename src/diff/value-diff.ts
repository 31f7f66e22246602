// Generic comparison of plain IR values: canonical keys (so key order never shows up as a
// change) and leaf-level field changes. Arrays are compared whole, because a list such as
// retryOn or allowOrigins is one setting to a reader, not N independent ones.
import type { FieldChange } from './types.ts';

/** JSON with sorted keys and undefined members dropped: equal text ⇔ equal meaning. */
export function canonicalJson(value: unknown): string {
  return write(value);
}

// Written directly (no sorted copy of the tree): diffs of 10,000-service meshes serialize
// hundreds of thousands of routes.
function write(value: unknown): string {
  if (value === null || typeof value !== 'object') return value === undefined ? 'null' : JSON.stringify(value);
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i ? ',' : '') + write(value[i]);
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  let out = '{';
  let first = true;
  for (const key of Object.keys(obj).sort()) {
    const member = obj[key];
    if (member === undefined) continue;
    out += `${first ? '' : ','}${JSON.stringify(key)}:${write(member)}`;
    first = false;
  }
  return `${out}}`;
}

const cache = new WeakMap<object, string>();

/**
 * canonicalJson memoized by object identity. The IR shares route lists between views, so
 * a mesh with N views serializes each list once, not N times. Only for the readonly IR.
 */
export function canonicalJsonOf(value: object): string {
  let text = cache.get(value);
  if (text === undefined) {
    text = write(value);
    cache.set(value, text);
  }
  return text;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Leaf changes between two values, with `prefix` as the field path of the values themselves. */
export function diffValues(before: unknown, after: unknown, prefix: string, ignore: ReadonlySet<string> = new Set()): FieldChange[] {
  if (sameValue(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys
      .filter((k) => !ignore.has(k))
      .flatMap((k) => diffValues(before[k], after[k], prefix ? `${prefix}.${k}` : k));
  }
  return [{ field: prefix, ...(before === undefined ? {} : { before }), ...(after === undefined ? {} : { after }) }];
}

/** Short human form of a value for one-line summaries. */
export function formatValue(value: unknown): string {
  if (value === undefined) return 'none';
  if (typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return value.length === 0 ? '[]' : `[${value.map(formatValue).join(', ')}]`;
  if (isPlainObject(value)) {
    const parts = Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${k}=${formatValue(value[k])}`);
    return parts.length === 0 ? '{}' : `{${parts.join(', ')}}`;
  }
  return String(value);
}

export function formatFieldChange(c: FieldChange): string {
  return `${c.field}: ${formatValue(c.before)} → ${formatValue(c.after)}`;
}
