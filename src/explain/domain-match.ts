// Envoy's virtual host selection for a Host/:authority value (case-insensitive):
//   1. an exact domain, 2. a suffix wildcard `*.example.com` (longest suffix first),
//   3. a prefix wildcard `example.*` (longest prefix first), 4. the catch-all `*`.
// The wildcard `*` must stand for at least one character. The port is part of the host
// string: `reviews:9080` only matches a domain written with that port (or a wildcard), unless
// the table ignores ports (sidecars and gateways, as Istio's): then `shop.example.com:8443` is
// matched as `shop.example.com`.
import type { IrVirtualHost } from '../compile/ir/types.ts';

export interface DomainMatch {
  readonly virtualHost: IrVirtualHost;
  readonly domain: string;
  readonly rule: 'exact' | 'suffix' | 'prefix' | 'any';
}

export function findVirtualHost(virtualHosts: readonly IrVirtualHost[], authority: string, ignorePort = false): DomainMatch | undefined {
  const host = ignorePort ? withoutPort(authority.toLowerCase()) : authority.toLowerCase();
  const exact: [string, IrVirtualHost][] = [];
  const suffix: [string, IrVirtualHost][] = [];
  const prefix: [string, IrVirtualHost][] = [];
  let any: [string, IrVirtualHost] | undefined;
  for (const vh of virtualHosts) {
    for (const raw of vh.domains) {
      const d = raw.toLowerCase();
      if (d === '*') any ??= [raw, vh];
      else if (d.startsWith('*')) suffix.push([d, vh]);
      else if (d.endsWith('*')) prefix.push([d, vh]);
      else exact.push([d, vh]);
    }
  }
  const hit = exact.find(([d]) => d === host);
  if (hit) return { virtualHost: hit[1], domain: hit[0], rule: 'exact' };

  const bySuffix = suffix
    .filter(([d]) => host.length > d.length - 1 && host.endsWith(d.slice(1)))
    .sort((a, b) => b[0].length - a[0].length)[0];
  if (bySuffix) return { virtualHost: bySuffix[1], domain: bySuffix[0], rule: 'suffix' };

  const byPrefix = prefix
    .filter(([d]) => host.length > d.length - 1 && host.startsWith(d.slice(0, -1)))
    .sort((a, b) => b[0].length - a[0].length)[0];
  if (byPrefix) return { virtualHost: byPrefix[1], domain: byPrefix[0], rule: 'prefix' };

  return any ? { virtualHost: any[1], domain: any[0], rule: 'any' } : undefined;
}

/**
 * The host without its port, as Envoy cuts it for ignore_port_in_host_matching: everything from
 * the last `:` that no `]` follows, whatever comes after it (`reviews:`, `reviews:abc` and
 * `reviews:80` are all `reviews`; measured on Envoy 1.40). An IPv6 literal keeps its brackets
 * (`[::1]:80` → `[::1]`, `[::1]` as is).
 */
function withoutPort(authority: string): string {
  const colon = authority.lastIndexOf(':');
  if (colon < 0 || authority.indexOf(']', colon) >= 0) return authority;
  return authority.slice(0, colon);
}
