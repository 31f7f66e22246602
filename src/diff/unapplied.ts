// VirtualServices that apply to no sidecar in what was compared: their hosts have no Service or
// ServiceEntry there (ML4017), so they compile to nothing, and a change to them changes
// nothing in either snapshot. Diffing two copies of one routing file (without the Services)
// would otherwise say "No routing changes" for a rule added or removed.
import type { Diagnostic } from '../core/diagnostics.ts';

/** A line saying which VirtualServices the diff could not compare, or undefined when none. */
export function unappliedNote(before: readonly Diagnostic[], after: readonly Diagnostic[]): string | undefined {
  const names = new Set<string>();
  for (const d of [...before, ...after]) {
    if (d.code !== 'ML4017' || d.resource?.kind !== 'VirtualService') continue;
    names.add(`${d.resource.namespace}/${d.resource.name}`);
  }
  if (names.size === 0) return undefined;
  const list = [...names].sort();
  const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
  const one = list.length === 1;
  return (
    `Not compared: ${one ? 'VirtualService' : `${list.length} VirtualServices`} ${shown} ${one ? 'applies' : 'apply'} to no sidecar here, ` +
    `as ${one ? 'its' : 'their'} hosts have no Service or ServiceEntry in what was read (ML4017), so ${one ? 'its' : 'their'} routes and any change to them are not in this diff; ` +
    'compare whole repositories, or include the Services they route to'
  );
}
