// Field paths as users read them: `spec.http[0].route[1].weight`, and keys that are not
// plain identifiers quoted: `metadata.labels["app.kubernetes.io/name"]`.
import type { FieldPath } from './types.ts';

const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

export function formatFieldPath(path: FieldPath): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** The value at a path inside a plain JS value, or undefined. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let node = root;
  for (const segment of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return node;
}

/** "a string", "a list", ... for messages about what the user wrote; `wantInteger` notes a fraction. */
export function describeValue(value: unknown, wantInteger = false): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'number') return wantInteger && !Number.isInteger(value) ? `the number ${value} (not an integer)` : `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}

/**
 * The segments of a path formatFieldPath printed: `spec.http[0]["a.b"]` → spec, http, 0, a.b.
 * Undefined for text it could not have printed.
 */
export function parseFieldPath(text: string): FieldPath | undefined {
  const out: (string | number)[] = [];
  const token = /(?:^|\.)([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;
  while (token.lastIndex < text.length) {
    const m = token.exec(text);
    if (!m) return undefined;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]!) as string);
  }
  return out;
}
