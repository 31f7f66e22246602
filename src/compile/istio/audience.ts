// Which definitions of a host the sidecars that receive a resource use. Where istiod does not
// merge a host's definitions (ServiceEntries of different namespaces, a Kubernetes Service and a
// ServiceEntry: same-host.ts), each sidecar takes one whole (pick-service.ts), so whether a
// VirtualService's destination port or protocol exists depends on who receives it, not on the
// host's first definition.
import { visibilityOf, type Visibility } from './hosts.ts';
import type { Registry, RegistryService } from './registry.ts';
import { cmp } from './where.ts';

/**
 * The definitions of `host` used by the sidecars receiving a resource of `namespace` exported
 * per `exportTo`, each once: first the one `namespace`'s own sidecars use (when they receive
 * it), then the other receivers'. A host defined once: that definition, whoever sees it (who may
 * see it is other checks' business), with no further work. When no receiver sees any definition,
 * all of them: nothing can be judged, so nothing should be refused.
 */
export function audienceDefinitions(registry: Registry, host: string, namespace: string, exportTo: readonly string[] | undefined): readonly RegistryService[] {
  const all = registry.definitions(host);
  if (all.length < 2) return all;
  const out: RegistryService[] = [];
  for (const ns of receivingNamespaces(all, namespace, visibilityOf(exportTo, namespace))) {
    const s = registry.lookup(host, ns);
    if (s && !out.includes(s)) out.push(s);
  }
  return out.length > 0 ? out : all;
}

/**
 * Namespaces whose sidecars receive the resource, one for each way pickService can choose,
 * `namespace` first. Exported to everyone: its own namespace, those the definitions live in or
 * name in exportTo, and `null` for every other namespace (they pick alike: nothing is
 * exported to them by name, and they define nothing). Else the namespaces it is exported to.
 */
function receivingNamespaces(definitions: readonly RegistryService[], namespace: string, visibility: Visibility): (string | null)[] {
  if (!visibility.all) {
    const named = [...visibility.namespaces].sort(cmp);
    return visibility.namespaces.has(namespace) ? [namespace, ...named.filter((n) => n !== namespace)] : named;
  }
  const out = new Set<string | null>([namespace, null]);
  for (const s of definitions) {
    out.add(s.namespace);
    if (!s.visibility.all) for (const n of s.visibility.namespaces) out.add(n);
  }
  return [...out];
}

/** `ServiceEntry b/api-b`: a definition as a diagnostic names it. */
export function definitionName(s: RegistryService): string {
  return `${s.origin.kind} ${s.namespace}/${s.origin.metadata.name}`;
}
