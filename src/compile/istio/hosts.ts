// Host names as Istio resolves and matches them. Kept in one place because every stage
// (registry, checks, routes, gateways) must agree on what "the same host" means.
import { isIpOrCidr } from '../validate/checks-values.ts';

/** Where short names live: `<name>.<namespace>.svc.<clusterDomain>`. */
export function kubeServiceHost(name: string, namespace: string, clusterDomain: string): string {
  return `${name}.${namespace}.svc.${clusterDomain}`;
}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/**
 * Resolves a host written in a resource of `namespace`, as Istio does: `*`, IPs and names
 * with a dot are kept; a short name (`reviews`) becomes `reviews.<namespace>.svc.<domain>`.
 * Istio itself keeps `name.ns` as written (a common surprise: it then matches nothing);
 * meshlog expands it to `name.ns.svc.<domain>` when, and only when, that is a known
 * service (`isKnown`), so a real external name such as `api.internal` is never rewritten.
 */
export function resolveHost(
  host: string,
  namespace: string,
  clusterDomain: string,
  isKnown: (fqdn: string) => boolean = () => false,
): string {
  const h = host.toLowerCase();
  if (h === '*' || IPV4.test(h) || h.includes(':')) return h;
  if (!h.includes('.')) return kubeServiceHost(h, namespace, clusterDomain);
  // Exactly two labels (`name.ns`); counted without splitting: this runs for every host written.
  const dot = h.indexOf('.');
  if (dot === h.lastIndexOf('.') && !h.startsWith('*')) {
    const expanded = `${h}.svc.${clusterDomain}`;
    if (isKnown(expanded)) return expanded;
  }
  return h;
}

export function isWildcard(host: string): boolean {
  return host.startsWith('*');
}

/** Does pattern `p` (maybe a wildcard: `*`, `*.example.com`) cover the concrete or wildcard host `h`? */
export function hostCovers(p: string, h: string): boolean {
  if (p === h || p === '*') return true;
  if (!p.startsWith('*')) return false;
  const suffix = p.slice(1); // `.example.com`
  if (h.startsWith('*')) return h.slice(1).endsWith(suffix) && h.length >= p.length;
  return h.endsWith(suffix) && h.length > suffix.length;
}

/** Two host patterns overlap when some concrete host matches both. */
export function hostsIntersect(a: string, b: string): boolean {
  return hostCovers(a, b) || hostCovers(b, a);
}

/** Of two intersecting hosts, the more specific one (what a virtual host is named after). */
export function moreSpecific(a: string, b: string): string {
  if (hostCovers(a, b)) return b;
  return a;
}

/** `ns` of `name.ns.svc.<clusterDomain>`, the namespace whose sidecars may use the bare `name`. */
export function shortNameNamespace(host: string, clusterDomain: string): string | undefined {
  const suffix = `.svc.${clusterDomain}`;
  if (!host.endsWith(suffix) || isWildcard(host)) return undefined;
  const nameNs = host.slice(0, -suffix.length);
  const dot = nameNs.indexOf('.');
  return dot > 0 && dot === nameNs.lastIndexOf('.') ? nameNs.slice(dot + 1) : undefined;
}

/**
 * The domains a sidecar virtual host answers to, Istio's variants (httproute.go
 * generateVirtualHostDomains): for a service `reviews.default.svc.cluster.local` seen from
 * namespace `default` that is `reviews`, `reviews.default`, `reviews.default.svc`, the FQDN
 * and the absolute FQDN `reviews.default.svc.cluster.local.` (Istio 1.27+,
 * PILOT_ENABLE_ABSOLUTE_FQDN_VHOST_DOMAIN); from another namespace (or from the default view,
 * which serves proxies of unknown namespaces) the bare short name is left out, as it would
 * mean a different service there. No `:<port>` forms: sidecar route tables ignore the port of
 * the Host header (ignore_port_in_host_matching, as Istio's), so `reviews:9080` and
 * `reviews:1234` both match `reviews`. Sorted. Names only: the service's addresses are added
 * by withAddresses (they are domains, not names a TLS client sends as SNI).
 */
export function sidecarDomains(host: string, clusterDomain: string, proxyNamespace: string | null): string[] {
  // Array literals, not push(): the IR keeps these lists, and literals are allocated exactly (exact.ts).
  const suffix = `.svc.${clusterDomain}`;
  if (host.endsWith(suffix) && !isWildcard(host)) {
    const nameNs = host.slice(0, -suffix.length);
    const dot = nameNs.indexOf('.');
    if (dot > 0 && dot === nameNs.lastIndexOf('.')) {
      const out = [host, `${host}.`, nameNs, `${nameNs}.svc`];
      return nameNs.slice(dot + 1) === proxyNamespace ? withShortName(out, host) : sortSmall(out);
    }
  }
  return host === '*' ? [host] : sortSmall([host, `${host}.`]); // a lone `*` stays alone
}

/**
 * The domains of a Kubernetes-style host seen from its own namespace, from the list seen from
 * any other one (`domains`, sorted): the same strings plus the bare short name. Every view of
 * the host then shares the longer names' strings.
 */
export function withShortName(domains: readonly string[], host: string): string[] {
  return sortSmall(domains.concat([host.slice(0, host.indexOf('.'))])); // concat: exact size
}

/**
 * A host's domains (`names`, sorted) plus its service's addresses, as istiod's
 * generateVirtualHostDomains adds them: each address bare (the table ignores the Host's port),
 * IPv6 in brackets, as a Host header writes it (`[fd00::1]`). Without addresses, `names`
 * itself: nothing is allocated for the common case.
 */
export function withAddresses(names: readonly string[], addresses: readonly string[]): readonly string[] {
  if (addresses.length === 0) return names;
  return sortSmall(names.concat(addresses.map(addressDomain))); // concat, map: exact size
}

/** An address as a domain: IPv6 (and an IPv6 CIDR block) in brackets, as istiod writes it. */
export function addressDomain(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * Is domain `d` a service's address (withAddresses)? No host is: hosts are names (ML3010),
 * so an IPv4 address or block, or anything in brackets, came from an address.
 */
export function isAddressDomain(d: string): boolean {
  return d.startsWith('[') || isIpOrCidr(d, true);
}

/**
 * Code-unit order for the handful of domains of one host, in place: an insertion sort, which
 * unlike Array#sort allocates nothing (this runs for every host of every view).
 */
function sortSmall(list: string[]): string[] {
  for (let i = 1; i < list.length; i++) {
    const item = list[i]!;
    let j = i - 1;
    for (; j >= 0 && list[j]! > item; j--) list[j + 1] = list[j]!;
    list[j + 1] = item;
  }
  return list;
}

// ---------------------------------------------------------------- exportTo

/** Who may see a resource: everyone, or a set of namespaces (possibly empty: `~`). */
export type Visibility = { readonly all: true } | { readonly all: false; readonly namespaces: ReadonlySet<string> };

/** Istio's exportTo: absent or containing `*` → everyone; `.` → own namespace; `~` → nobody; names. */
const EVERYONE: Visibility = Object.freeze({ all: true }); // the common case, shared

export function visibilityOf(exportTo: readonly string[] | undefined, ownNamespace: string): Visibility {
  if (!exportTo || exportTo.length === 0 || exportTo.includes('*')) return EVERYONE;
  const namespaces = new Set<string>();
  for (const e of exportTo) {
    if (e === '.') namespaces.add(ownNamespace);
    else if (e !== '~') namespaces.add(e);
  }
  return { all: false, namespaces };
}

/** Visible to proxies of `viewNamespace`; `null` is the default view (proxies of any other namespace). */
export function isVisible(v: Visibility, viewNamespace: string | null): boolean {
  if (v.all) return true;
  return viewNamespace !== null && v.namespaces.has(viewNamespace);
}
