// Summary lines that cannot hide a change. A summary line tells a part of an element (a
// route's retries, a cluster's load balancer) in a reader's words, and a one-liner that leaves
// a setting out reads `X → X`, or says nothing of that setting beside another change it does
// show. So every changed setting is checked against the line: one the line does not show is
// printed on its own, field by field (`action.retry.retryRemoteLocalities: none → true`), as
// is a changed field no summary part covers (a setting newer than the summaries). A change the
// compiled config has is then always on the page, if only in the IR's terms.
import { formatMs } from './describe.ts';
import type { FieldChange } from './types.ts';
import { diffValues, formatValue, sameValue } from './value-diff.ts';

/**
 * `label: <before> → <after>` for a part of an element at `field` (a dotted path; '' for the
 * element itself), plus a field line per changed setting the description does not show.
 * When the two descriptions read the same, only the field lines.
 */
export function partLines<T>(label: string, field: string, before: T, after: T, describe: (v: T) => string): string[] {
  if (sameValue(before, after)) return [];
  const changes = diffValues(before, after, field);
  const was = describe(before);
  const now = describe(after);
  if (was === now) return changes.map(fieldLine);
  const unseen = changes.filter((c) => !shows(describe, before, was, field, c));
  return [`${label}: ${was} → ${now}`, ...unseen.map(fieldLine)];
}

/**
 * Whether the description tells `change` apart: applied alone to `before`, it changes the
 * text. A probe the describer cannot read (a half-changed shape, e.g. a forward action with a
 * redirect's field) counts as shown: the whole change is on the line next to it.
 */
function shows<T>(describe: (v: T) => string, before: T, was: string, field: string, change: FieldChange): boolean {
  const rel = change.field === field ? [] : change.field.slice(field === '' ? 0 : field.length + 1).split('.');
  try {
    return describe(setIn(before, rel, change.after) as T) !== was;
  } catch {
    return true;
  }
}

/** A copy of `value` with the member at `path` set (removed when `to` is undefined). */
function setIn(value: unknown, path: readonly string[], to: unknown): unknown {
  if (path.length === 0) return to;
  const [key, ...rest] = path as [string, ...string[]];
  const obj = { ...(value as Record<string, unknown>) };
  const next = setIn(obj[key], rest, to);
  if (next === undefined) delete obj[key];
  else obj[key] = next;
  return obj;
}

/**
 * Field lines for the changes under none of `covered` (dotted paths the summary parts
 * describe; a path covers what is under it).
 */
export function uncoveredLines(fields: readonly FieldChange[], covered: readonly string[]): string[] {
  const under = (f: string, p: string) => f === p || f.startsWith(`${p}.`);
  return fields.filter((f) => !covered.some((p) => under(f.field, p))).map(fieldLine);
}

/**
 * One field's change in the IR's terms: `cors.maxAgeSeconds: 3600 → 86400`; a duration
 * (`…Ms`) as the summaries write one, `tcpProxy.idleTimeout: 3600s → 7200s`.
 */
export function fieldLine(c: FieldChange): string {
  const ms = c.field.endsWith('Ms') && [c.before, c.after].every((v) => v === undefined || typeof v === 'number');
  const show = (v: unknown) => (ms && v !== undefined ? formatMs(v as number) : formatValue(v));
  return `${ms ? c.field.slice(0, -2) : c.field}: ${show(c.before)} → ${show(c.after)}`;
}
