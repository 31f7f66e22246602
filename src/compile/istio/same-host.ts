// A host several registry entries define (two ServiceEntries, or a Kubernetes Service and a
// ServiceEntry), turned into the services istiod makes of them: ServiceEntries it merges become
// one (merge-service-entries.ts), and each service's ports take their endpoints from every
// entry of the host in its namespace (shared-endpoints.ts). Which of the remaining services a
// proxy uses is per view (pick-service.ts); same-host-diagnostics.ts says so.
import { mergeServiceEntries, mergeBlocker } from './merge-service-entries.ts';
import type { RegistryService } from './registry.ts';
import { withSharedEndpoints } from './shared-endpoints.ts';

/**
 * The services of one host from its registry entries (`entries`, registry order: Kubernetes
 * Service first, then by namespace and name, standing in for istiod's oldest first). An entry
 * nothing changes comes back as itself.
 */
export function combineSameHost(entries: readonly RegistryService[]): RegistryService[] {
  // Merging is an equivalence (equal namespace, resolution, labels, selector, exportTo), so
  // each entry joins the first group whose head it merges with.
  const groups: RegistryService[][] = [];
  for (const e of entries) {
    const group = groups.find((g) => mergeBlocker(g[0]!, e) === undefined);
    if (group) group.push(e);
    else groups.push([e]);
  }
  return groups.map((g) => {
    const peers = entries.filter((e) => e.namespace === g[0]!.namespace);
    const merged = mergeServiceEntries(g);
    return peers.length === 1 ? merged : withSharedEndpoints(merged, peers);
  });
}
