// Whether the sidecar route tables of a mesh need their domains de-duplicated (views.ts
// uniqueDomains), decided once per compile from the registry's hosts.
import { hasTrailingDot } from '../validate/trailing-dot.ts';
import { isWildcard } from './hosts.ts';
import type { Registry, RegistryService } from './registry.ts';

/**
 * Can two virtual hosts of one sidecar route table share a domain (uniqueDomains then has work
 * to do)? A view holds each host once; a Kubernetes-style host `n.ns.svc.<domain>` answers
 * to itself, `n.ns`, `n.ns.svc` and, in `ns`, `n` (each also with `:<port>`); any other host
 * to itself and `host:<port>`; every host also to its absolute name `host.` and to its
 * service's addresses. Two
 * Kubernetes-style hosts never share a variant, so a clash needs another registry host equal
 * to one of those short variants, a host with a `:`, a service listing one port twice, or an
 * address two hosts list (no host is an address: hosts are names, ML3010). Answering true
 * when unsure is safe (uniqueDomains then finds nothing to do); the question is asked from the
 * short side, so a mesh of Kubernetes-style hosts only costs one look at each.
 */
export function mayShareDomains(registry: Registry, clusterDomain: string): boolean {
  const suffix = `.svc.${clusterDomain}`; // as sidecarDomains decides what is Kubernetes-style
  let shortNames: Set<string> | undefined; // the `n` of every Kubernetes-style host, when needed
  let addressHosts: Map<string, string> | undefined; // address → a host listing it, once one does
  for (const s of registry.services) {
    const h = s.host;
    if (h.includes(':') || repeatsAPort(s)) return true;
    if (s.addresses.length > 0 && sharesAnAddress(s, (addressHosts ??= new Map()))) return true;
    // A host written with a trailing dot (ML3055) is the absolute-name variant of the host
    // without it, which every host also answers to (`h.`).
    if (hasTrailingDot(h) && registry.has(h.slice(0, -1))) return true;
    // No variant ends with the suffix: `n.ns` and `n.ns.svc` have fewer dots, `n` none.
    if (h.endsWith(suffix)) continue;
    if (isNameNs(h) && registry.has(h + suffix)) return true; // h is some `n.ns`
    const nameNs = h.endsWith('.svc') ? h.slice(0, -'.svc'.length) : undefined; // h is some `n.ns.svc`
    if (nameNs !== undefined && isNameNs(nameNs) && registry.has(nameNs + suffix)) return true;
    if (!h.includes('.')) {
      shortNames ??= kubeShortNames(registry, suffix);
      if (shortNames.has(h)) return true;
    }
  }
  return false;
}

/** `n.ns`: exactly one dot, after a non-empty name, and not a wildcard. */
function isNameNs(h: string): boolean {
  const dot = h.indexOf('.');
  return dot > 0 && dot === h.lastIndexOf('.') && !isWildcard(h);
}

/**
 * Does another host list one of `s`'s addresses (`seen`: address → host, `s`'s added)? Two
 * services of one host may (a view sees only one of them).
 */
function sharesAnAddress(s: RegistryService, seen: Map<string, string>): boolean {
  for (const a of s.addresses) {
    const other = seen.get(a);
    if (other !== undefined && other !== s.host) return true;
    seen.set(a, s.host);
  }
  return false;
}

/** A port listed twice gives the same virtual host twice (its later copy is dropped). */
function repeatsAPort(s: RegistryService): boolean {
  const ports = s.ports;
  for (let i = 1; i < ports.length; i++) for (let j = 0; j < i; j++) if (ports[j]!.number === ports[i]!.number) return true;
  return false;
}

function kubeShortNames(registry: Registry, suffix: string): Set<string> {
  const out = new Set<string>();
  for (const s of registry.services) {
    if (!s.host.endsWith(suffix)) continue;
    const nameNs = s.host.slice(0, -suffix.length);
    if (isNameNs(nameNs)) out.add(nameNs.slice(0, nameNs.indexOf('.')));
  }
  return out;
}
