// Which of a host's definitions a sidecar uses, when the registry holds several that istiod
// does not merge (same-host.ts merges the ones it does). istiod, for a proxy of namespace `ns`:
//  1. lists the services visible to `ns`: those exported to it by name or `.` first, then the
//     public ones, each list oldest first (push_context.go servicesExportedToNamespace);
//  2. keeps one namespace per host (sidecar.go selectServices, PILOT_UNIFIED_SIDECAR_SCOPE, on
//     by default): the first listed, replaced by `ns` itself when the host is defined there, or
//     else by a Kubernetes Service's namespace;
//  3. of that namespace's definitions takes the first, a Kubernetes Service replacing a
//     ServiceEntry (appendSidecarServices).
// A repository has no creation times: meshlog's registry order (namespace, then name) stands
// in for "oldest first", as it does wherever istiod goes by age.
import { isVisible } from './hosts.ts';
import type { RegistryService } from './registry.ts';

/** The definition of one host (`services`, registry order) a sidecar of `viewNamespace` uses; null: the default view. */
export function pickService(services: readonly RegistryService[], viewNamespace: string | null): RegistryService | undefined {
  const listed = istiodOrder(services, viewNamespace);
  const first = listed[0];
  if (!first) return undefined;
  let namespace = first.namespace;
  let kube = first.rank === 0;
  for (let i = 1; i < listed.length; i++) {
    const s = listed[i]!;
    if (s.namespace === viewNamespace) {
      namespace = s.namespace;
      kube = s.rank === 0;
    } else if (!kube && s.rank === 0 && namespace !== viewNamespace) {
      namespace = s.namespace;
      kube = true;
    }
  }
  const inNamespace = listed.filter((s) => s.namespace === namespace);
  return inNamespace.find((s) => s.rank === 0) ?? inNamespace[0];
}

/** The visible definitions in the order istiod lists them: exported to the namespace first, then public. */
function istiodOrder(services: readonly RegistryService[], viewNamespace: string | null): RegistryService[] {
  const exported = services.filter((s) => !s.visibility.all && isVisible(s.visibility, viewNamespace));
  const pub = services.filter((s) => s.visibility.all);
  return exported.length === 0 ? pub : [...exported, ...pub];
}
