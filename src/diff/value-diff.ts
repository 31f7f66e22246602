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

/**
 * Deep equality with the same meaning as equal canonicalJson (key order and undefined
 * members ignored), without building strings: meshes of 10,000 services compare hundreds
 * of thousands of routes, and most subtrees are equal, so early exits matter.
 */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  let defined = 0;
  for (const k in x) {
    if (x[k] === undefined) continue;
    defined++;
    if (!sameValue(x[k], y[k])) return false;
  }
  for (const k in y) if (y[k] !== undefined) defined--;
  return defined === 0;
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
