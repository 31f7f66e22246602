// VirtualServices that apply to no sidecar for some host on both sides of a diff: the host has
// no Service or ServiceEntry in what was read (ML4017), so the VirtualService compiles to
// nothing for it, and a change to its routes changes nothing in either snapshot. Diffing two
// copies of one routing file (without the Services) would otherwise say "No routing changes"
// for a rule added or removed. A host missing on one side only shows in the diff itself (its
// virtual host added or removed), so it is not named here.
import type { Diagnostic } from '../core/diagnostics.ts';

/** A line saying which VirtualService hosts the diff could not compare, or undefined when none. */
export function unappliedNote(before: readonly Diagnostic[], after: readonly Diagnostic[]): string | undefined {
  const beforeKeys = unapplied(before);
  const onBoth = [...unapplied(after)].filter((key) => beforeKeys.has(key));
  if (onBoth.length === 0) return undefined;
  const list = onBoth.sort();
  const shown = list.length > 5 ? `${list.slice(0, 5).join(', ')} and ${list.length - 5} more` : list.join(', ');
  const one = list.length === 1;
  return (
    `Not compared: ${shown} (VirtualService: host): ${one ? 'the host has' : 'the hosts have'} no Service or ServiceEntry in what was read (ML4017), ` +
    `so sidecars ignore ${one ? 'that VirtualService' : 'those VirtualServices'} for ${one ? 'it' : 'them'}, and changes to ${one ? 'its' : 'their'} routes there are not in this diff; ` +
    'compare whole repositories, or include the Services they route to'
  );
}

/** `namespace/name: host` for each ML4017 of a VirtualService. */
function unapplied(diagnostics: readonly Diagnostic[]): Set<string> {
  const keys = new Set<string>();
  for (const d of diagnostics) {
    if (d.code !== 'ML4017' || d.resource?.kind !== 'VirtualService') continue;
    const host = /^host (\S+) /.exec(d.message)?.[1];
    if (host) keys.add(`${d.resource.namespace}/${d.resource.name}: ${host}`);
  }
  return keys;
}
