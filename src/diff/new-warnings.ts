// The warnings a change brings: those of the new side that the old side did not have. A
// reviewer sees a routing diff, but "rule 3 is never used" (a catch-all moved above it) or
// "subset v3 is not defined" is often the real news of a pull request, and `validate` only
// passes or fails on errors.
//
// Warnings are matched by what they are about, not where it sits: code, resource, and the
// element's identity. A change that inserts a rule or removes a subset renumbers every
// element after it and moves every line below it, so indexes, line numbers and file
// positions are left out of the comparison, and each index in the warning's field is
// replaced by what the element is (its name, else what it matches or holds; see
// element-identity.ts), so two unnamed rules still differ. A warning that merely moved is
// then not new.
import type { Diagnostic } from '../core/diagnostics.ts';
import type { ElementIdentity } from './element-identity.ts';

/** How each side names the elements its warnings are about; without it, indexes are dropped. */
export interface WarningIdentities {
  readonly before?: ElementIdentity;
  readonly after?: ElementIdentity;
}

export function newWarnings(before: readonly Diagnostic[], after: readonly Diagnostic[], identities: WarningIdentities = {}): Diagnostic[] {
  const seen = new Map<string, number>();
  for (const d of before) {
    if (d.severity !== 'warning') continue;
    const key = keyOf(d, identities.before);
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  const out: Diagnostic[] = [];
  for (const d of after) {
    if (d.severity !== 'warning') continue;
    const key = keyOf(d, identities.after);
    const left = seen.get(key) ?? 0;
    // Counted, so a second copy of an old warning (a rule duplicated) is still news.
    if (left > 0) seen.set(key, left - 1);
    else out.push(d);
  }
  return out;
}

function keyOf(d: Diagnostic, identity: ElementIdentity | undefined): string {
  const r = d.resource;
  const resource = r ? `${r.kind}/${r.namespace}/${r.name}` : '';
  const field = identity?.(d) ?? withoutIndexes(d.field ?? '');
  return [d.code, resource, field, withoutPositions(d.message)].join('\u0000');
}

/**
 * A message with what only says where things are taken out: `spec.http[3]` → `spec.http[]`,
 * an unnamed rule's route `…/http/3/match/0` → `…/http/#/match/0`, `line 12` and `file.yaml:12:5`.
 * What the element is (its name, its host) stays, so two different rules still differ.
 */
function withoutPositions(message: string): string {
  return withoutIndexes(message)
    .replace(/\/(http|tcp|tls)\/\d+(?=\/|\b)/g, '/$1/#')
    .replace(/\bline \d+/g, 'line N')
    .replace(/(\.(?:ya?ml|json)):\d+(:\d+)?/gi, '$1');
}

/** `spec.subsets[3].labels` → `spec.subsets[].labels`. */
function withoutIndexes(path: string): string {
  return path.replace(/\[\d+\]/g, '[]');
}
