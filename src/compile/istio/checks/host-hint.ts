// What to say after "host X is not defined by any Service or ServiceEntry" (ML4001, and ML4017
// for a VirtualService's own host), when the registry suggests what was meant: a short name
// whose service lives in another namespace (`reviews` written in `frontend` for
// `reviews.bookinfo.svc.cluster.local`), or a typo (`reveiws`). Suggestions are names Istio
// resolves the same way (a short name of the resource's own namespace, else the full name):
// `reviews.bookinfo` would be kept as written by Istio, and match nothing there.
//
// A Kubernetes-style host is compared by its name part with the names of its namespace only,
// so the shared `.ns.svc.cluster.local` never makes two different names look alike; other
// hosts with the hosts of ServiceEntries of as many labels.
import { closestName } from '../../../core/closest-name.ts';
import { hostCovers, isWildcard } from '../hosts.ts';
import type { Registry } from '../registry.ts';
import { hasTrailingDot } from '../../validate/trailing-dot.ts';

/**
 * Candidate comparisons per registry. A repository that routes to hosts from discovery may
 * have thousands of unknown hosts, and a namespace thousands of names: the first hints are
 * the ones read, and the rest must not cost seconds.
 */
const COMPARISON_BUDGET = 200_000;

interface Names {
  /** Kubernetes-style service name → the namespaces that have it. */
  readonly namespacesOf: Map<string, string[]>;
  /** Namespace → its Kubernetes-style service names. */
  readonly namesIn: Map<string, string[]>;
  /** Label count → the other hosts (ServiceEntries) with that many labels. */
  readonly othersByLabels: Map<number, string[]>;
  /** The wildcard hosts (ServiceEntries), the longest first. */
  readonly wildcards: string[];
  comparisonsLeft: number;
}

const namesByRegistry = new WeakMap<Registry, Names>();

/** `; did you mean …?`-style text, or '' when nothing close is known. `written` is the host as written, `namespace` the resource's. */
export function hostHint(written: string, namespace: string, registry: Registry, clusterDomain: string): string {
  const names = namesOf(registry, clusterDomain);
  const host = written.toLowerCase();
  if (host.includes('*') || host.includes(':')) return '';
  if (hasTrailingDot(host)) {
    // Istio keeps the dot (ML3055), so the name without it may well be defined.
    const bare = registry.resolve(host.slice(0, -1), namespace);
    if (registry.lookupAny(bare)) return `; the trailing dot makes it another host than ${bare}, which is defined: remove the dot`;
  }
  const fqdn = (name: string, ns: string) => `${name}.${ns}.svc.${clusterDomain}`;
  if (!host.includes('.')) {
    const elsewhere = names.namespacesOf.get(host);
    if (elsewhere) {
      const forms = elsewhere.slice(0, 3).map((ns) => fqdn(host, ns));
      return `; a short name means a service in the resource's own namespace (${namespace}): did you mean ${forms.join(' or ')}?`;
    }
    const close = closest(names, host, names.namesIn.get(namespace));
    return close ? `; did you mean ${close}?` : '';
  }
  const kube = nameAndNamespace(host, clusterDomain);
  if (kube) {
    const close = closest(names, kube.name, names.namesIn.get(kube.namespace));
    return close ? `; did you mean ${fqdn(close, kube.namespace)}?` : '';
  }
  const close = closest(names, host, names.othersByLabels.get(labelCount(host)));
  return close ? `; did you mean ${close}?` : '';
}

/**
 * What to add when a wildcard registry host covers `host` (resolved) that no entry defines
 * exactly, '' when none does. A destination host: istiod looks it up by exact name (route.go
 * GetDestinationCluster), so the wildcard's service is not it, and there is no cluster for it.
 * A VirtualService's own host (`use: 'virtual-service'`, ML4017): sidecars have a virtual host
 * for the wildcard only, which this VirtualService's host is not. Said instead of hostHint's
 * "did you mean", which would offer the wildcard as a typo fix.
 */
export function wildcardHint(host: string, registry: Registry, clusterDomain: string, use: 'destination' | 'virtual-service' = 'destination'): string {
  const covering = namesOf(registry, clusterDomain).wildcards.find((w) => w !== host && hostCovers(w, host));
  if (covering === undefined) return '';
  if (use === 'virtual-service') {
    return `; the ServiceEntry host ${covering} covers it, but sidecars have a virtual host for ${covering} only, not one for each host it covers: list ${host} in a ServiceEntry, or write ${covering} as the VirtualService host`;
  }
  return `; the ServiceEntry host ${covering} covers it, but Istio routes a destination only to the service of exactly its host: write ${covering} as the destination host, or list ${host} in a ServiceEntry`;
}

function closest(names: Names, written: string, candidates: readonly string[] | undefined): string | undefined {
  if (!candidates || candidates.length > names.comparisonsLeft) return undefined;
  names.comparisonsLeft -= candidates.length;
  return closestName(written, candidates);
}

/** `name.ns.svc.<domain>` or `name.ns`: the Kubernetes service it would be. */
function nameAndNamespace(host: string, clusterDomain: string): { name: string; namespace: string } | undefined {
  const suffix = `.svc.${clusterDomain}`;
  const nameNs = host.endsWith(suffix) ? host.slice(0, -suffix.length) : host;
  const parts = nameNs.split('.');
  return parts.length === 2 && parts[0] && parts[1] ? { name: parts[0], namespace: parts[1] } : undefined;
}

function labelCount(host: string): number {
  let n = 1;
  for (let i = 0; i < host.length; i++) if (host.charCodeAt(i) === 46 /* . */) n++;
  return n;
}

/** The registry's hosts, indexed for hints (built once per registry, on the first unknown host). */
function namesOf(registry: Registry, clusterDomain: string): Names {
  let names = namesByRegistry.get(registry);
  if (names) return names;
  names = { namespacesOf: new Map(), namesIn: new Map(), othersByLabels: new Map(), wildcards: [], comparisonsLeft: COMPARISON_BUDGET };
  const suffix = `.svc.${clusterDomain}`;
  for (const s of registry.services) {
    const kube = s.host.endsWith(suffix) ? nameAndNamespace(s.host, clusterDomain) : undefined;
    if (kube) {
      push(names.namespacesOf, kube.name, kube.namespace);
      push(names.namesIn, kube.namespace, kube.name);
    } else push(names.othersByLabels, labelCount(s.host), s.host);
    if (isWildcard(s.host) && s.host !== names.wildcards[names.wildcards.length - 1]) names.wildcards.push(s.host);
  }
  names.wildcards.sort((a, b) => b.length - a.length);
  namesByRegistry.set(registry, names);
  return names;
}

/** Services come sorted by host, so a value seen again (a Service and a ServiceEntry for one host) is the last one. */
function push<K>(map: Map<K, string[]>, key: K, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (list[list.length - 1] !== value) list.push(value);
}
