// What to say after "host X is not defined by any Service or ServiceEntry" (ML4001), when the
// registry suggests what was meant: a short name whose service lives in another namespace
// (`reviews` written in `frontend` for `reviews.bookinfo`), or a typo (`reveiws`). Hosts are
// suggested in the form the user wrote them.
import { closestName } from '../../../core/closest-name.ts';
import type { Registry } from '../registry.ts';

/** Typo searches per registry: each scans a namespace's names, and a repository routing to hosts from discovery may have thousands of unknown hosts. */
const TYPO_SEARCHES = 100;

interface Names {
  /** Kubernetes-style service name → the namespaces that have it. */
  readonly namespacesOf: Map<string, string[]>;
  /** Namespace → its Kubernetes-style service names. */
  readonly namesIn: Map<string, string[]>;
  searchesLeft: number;
}

const namesByRegistry = new WeakMap<Registry, Names>();

/** `; did you mean …?`-style text, or '' when nothing close is known. `written` is the host as written, `namespace` the resource's. */
export function hostHint(written: string, namespace: string, registry: Registry, clusterDomain: string): string {
  const names = namesOf(registry, clusterDomain);
  const host = written.toLowerCase();
  if (host.includes('*') || host.includes(':')) return '';
  if (!host.includes('.')) {
    const elsewhere = names.namespacesOf.get(host);
    if (elsewhere) {
      const forms = elsewhere.slice(0, 3).map((ns) => `${host}.${ns}`);
      return `; a short name means a service in the resource's own namespace (${namespace}): did you mean ${forms.join(' or ')}?`;
    }
    const close = search(names, () => closestName(host, names.namesIn.get(namespace) ?? []));
    return close ? `; did you mean ${close}?` : '';
  }
  const close = search(names, () => closestName(host, registry.services.map((s) => s.host)));
  return close ? `; did you mean ${close}?` : '';
}

function search(names: Names, find: () => string | undefined): string | undefined {
  if (names.searchesLeft <= 0) return undefined;
  names.searchesLeft--;
  return find();
}

/** `name.ns.svc.<domain>` hosts, indexed both ways (built once per registry). */
function namesOf(registry: Registry, clusterDomain: string): Names {
  let names = namesByRegistry.get(registry);
  if (names) return names;
  names = { namespacesOf: new Map(), namesIn: new Map(), searchesLeft: TYPO_SEARCHES };
  const suffix = `.svc.${clusterDomain}`;
  for (const s of registry.services) {
    if (!s.host.endsWith(suffix)) continue;
    const [name, ns, ...rest] = s.host.slice(0, -suffix.length).split('.');
    if (!name || !ns || rest.length > 0) continue;
    push(names.namespacesOf, name, ns);
    push(names.namesIn, ns, name);
  }
  namesByRegistry.set(registry, names);
  return names;
}

function push(map: Map<string, string[]>, key: string, value: string): void {
  const list = map.get(key);
  if (!list) map.set(key, [value]);
  else if (!list.includes(value)) list.push(value);
}
