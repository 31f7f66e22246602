// A service's addresses (its VIPs), as istiod takes them from a Kubernetes Service
// (kube/conversion.go) or a ServiceEntry (serviceentry/conversion.go). Sidecars answer to them
// as domains of the service's virtual hosts (sidecar-plan.ts), as istiod's
// generateVirtualHostDomains does. Most services have none, and then share NO_ADDRESSES: a
// mesh of address-less ServiceEntries pays no allocation for them.
import type { KubeServiceSpec, ServiceEntrySpec } from '../schema/index.ts';
import { isIpOrCidr } from '../validate/checks-values.ts';

/** No addresses: one shared, frozen list. */
export const NO_ADDRESSES: readonly string[] = Object.freeze([]);

/**
 * A Kubernetes Service's cluster IPs: `clusterIP`, or all of `clusterIPs` when it lists more
 * than one (dual stack), as istiod reads them. A headless Service (`clusterIP: None`) and one
 * without a cluster IP have none. A value that is not an IP (Kubernetes refuses one) is left out.
 */
export function kubeServiceAddresses(spec: KubeServiceSpec): readonly string[] {
  const ip = spec.clusterIP;
  if (ip === undefined || ip === '' || ip === 'None') return NO_ADDRESSES;
  const all = spec.clusterIPs !== undefined && spec.clusterIPs.length > 1 ? spec.clusterIPs : [ip];
  return addressList(all, (a) => (isIpOrCidr(a, false) ? a : undefined));
}

/**
 * A ServiceEntry's `addresses`: each IP as written; a CIDR block as written too (istiod makes
 * it the service's address, and so a domain nobody's Host header names), except a block of one
 * address (`/32`, `/128`), which is that address in canonical form, as istiod writes it
 * (serviceentry/conversion.go: `cidr.Addr().String()`). Anything else is no address (and ML3029).
 */
export function serviceEntryAddresses(spec: ServiceEntrySpec): readonly string[] {
  const written = spec.addresses;
  if (written === undefined || written.length === 0) return NO_ADDRESSES;
  return addressList(written, serviceEntryAddress);
}

function serviceEntryAddress(written: string): string | undefined {
  if (!isIpOrCidr(written, true)) return undefined;
  const slash = written.indexOf('/');
  if (slash < 0) return written;
  const ipv6 = written.includes(':');
  if (Number(written.slice(slash + 1)) !== (ipv6 ? 128 : 32)) return written;
  // A dotted quad is canonical once valid (no leading zeros); IPv6 has many spellings.
  return ipv6 ? canonicalIpv6(written.slice(0, slash)) : written.slice(0, slash);
}

/**
 * RFC 5952 text of a valid IPv6 address (`FD00:0:0::1` → `fd00::1`), as Go's netip writes it:
 * lower case, no leading zeros, the first longest run of two or more zero groups as `::`, and
 * an IPv4-mapped address (`::ffff:a.b.c.d`) with its IPv4 part dotted. The URL parser does
 * the rest the same way, except that it writes the mapped IPv4 part as two hex groups.
 */
function canonicalIpv6(address: string): string {
  const text = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(text);
  if (!mapped) return text;
  const high = parseInt(mapped[1]!, 16);
  const low = parseInt(mapped[2]!, 16);
  return `::ffff:${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`;
}

/**
 * The addresses `convert` keeps, in lower case (Envoy compares domains ignoring case, and
 * rejects two that differ only by it), each once, without the unspecified address `0.0.0.0`
 * (istiod's placeholder for "no address", never a domain).
 */
function addressList(written: readonly string[], convert: (a: string) => string | undefined): readonly string[] {
  const out: string[] = [];
  for (const w of written) {
    const a = convert(w)?.toLowerCase();
    if (a !== undefined && a !== UNSPECIFIED && !out.includes(a)) out.push(a);
  }
  return out.length === 0 ? NO_ADDRESSES : out.slice(); // slice: exact size (exact.ts)
}

const UNSPECIFIED = '0.0.0.0';
