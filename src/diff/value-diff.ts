// Generic comparison of plain IR values: canonical keys (so key order never shows up as a
// change) and leaf-level field changes. Arrays are compared whole, because a list such as
// retryOn or allowOrigins is one setting to a reader, not N independent ones.
import type { FieldChange } from './types.ts';

/** JSON with sorted keys and undefined members dropped: equal text ⇔ equal meaning. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortKeys(member);
    }
    return out;
  }
  return value;
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
