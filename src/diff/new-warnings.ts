// The warnings a change brings: those of the new side that the old side did not have. A
// reviewer sees a routing diff, but "rule 3 is never used" (a catch-all moved above it) or
// "subset v3 is not defined" is often the real news of a pull request, and `validate` only
// passes or fails on errors.
//
// Warnings are matched by what they say, not where: a change that moves lines shifts every
// line number in the file (and messages quote lines), so the location and any "line N" are left
// out of the comparison. A warning that merely moved is then not new.
import type { Diagnostic } from '../core/diagnostics.ts';

export function newWarnings(before: readonly Diagnostic[], after: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Map<string, number>();
  for (const d of before) {
    if (d.severity !== 'warning') continue;
    const key = keyOf(d);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const out: Diagnostic[] = [];
  for (const d of after) {
    if (d.severity !== 'warning') continue;
    const key = keyOf(d);
    const left = seen.get(key) ?? 0;
    // Counted, so a second copy of an old warning (a rule duplicated) is still news.
    if (left > 0) seen.set(key, left - 1);
    else out.push(d);
  }
  return out;
}

function keyOf(d: Diagnostic): string {
  const r = d.resource;
  const resource = r ? `${r.kind}/${r.namespace}/${r.name}` : '';
  return [d.code, resource, d.field ?? '', d.message.replace(/\bline \d+/g, 'line N').replace(/(\.ya?ml):\d+(:\d+)?/gi, '$1')].join('\u0000');
}
