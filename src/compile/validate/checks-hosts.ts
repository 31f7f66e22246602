// Host syntax as Istio accepts it: DNS names (short or fully qualified), a leading `*`
// wildcard label, `*` alone, and (where allowed) IP addresses. Resolution of short names to
// FQDNs happens later, in src/compile/istio.
import type { Path, RuleContext } from './context.ts';
import { isDnsLabel, isDnsSubdomain, isIpOrCidr } from './checks-values.ts';
import { hasTrailingDot, reportTrailingDot, type TrailingDotUse } from './trailing-dot.ts';

const HOST_LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

export interface HostRules {
  /** `*` on its own (any host). */
  readonly allowStar: boolean;
  /** `*.example.com`. */
  readonly allowWildcard: boolean;
  readonly allowIp: boolean;
  /**
   * A first label that is a partial wildcard (`*x.example.com`, `*-x.example.com`), as Istio's
   * ValidateWildcardDomain accepts it (labels.IsWildcardDNS1123Label); needs allowWildcard.
   */
  readonly allowPartialWildcard?: boolean;
  /**
   * Where an Istio host is written, which makes a trailing dot valid (as Istio takes it,
   * trailing-dot.ts) and says what the warning about it says. Absent (meshlog's own fields,
   * such as MeshConfig clusterDomain): a trailing dot is an error.
   */
  readonly trailingDot?: TrailingDotUse;
  /**
   * A last label of digits only (`foo.123`, and so an IPv4 address where IPs are not allowed).
   * Istio's ValidateWildcardDomain refuses it; only a Gateway server's hosts, whose domain
   * errors Istio ignores, take it.
   */
  readonly allowNumericTld?: boolean;
}

/** `*` then an optional `-` and a DNS label: a partial wildcard label (labels.IsWildcardDNS1123Label, without the lone `*`). */
export const PARTIAL_WILDCARD_LABEL = /^\*-?[A-Za-z0-9]([-A-Za-z0-9]*[A-Za-z0-9])?$/;

export function hostProblem(host: string, rules: HostRules): string | undefined {
  if (host === '') return 'empty host';
  if (rules.trailingDot !== undefined && hasTrailingDot(host)) return hostProblem(host.slice(0, -1), { ...rules, trailingDot: undefined });
  if (host === '*') return rules.allowStar ? undefined : '"*" is not allowed here';
  if (rules.allowIp && isIpOrCidr(host, false)) return undefined;
  if (host.length > 255) return 'host is longer than 255 characters';
  let rest = host;
  if (host.startsWith('*')) {
    if (!rules.allowWildcard) return 'wildcard hosts are not allowed here';
    if (!host.startsWith('*.')) {
      const dot = host.indexOf('.');
      const first = dot < 0 ? host : host.slice(0, dot);
      if (!rules.allowPartialWildcard || first.length > 63 || !PARTIAL_WILDCARD_LABEL.test(first)) return 'a wildcard must be a whole first label, e.g. "*.example.com"';
      if (dot < 0) return undefined; // one label, as Istio allows it
    }
    rest = host.slice(host.indexOf('.') + 1);
  }
  if (validLabels(rest)) return rules.allowNumericTld ? undefined : numericTld(host, rest);
  const labels = rest.split('.');
  for (const label of labels) {
    if (label.length > 63 || !HOST_LABEL.test(label)) {
      if (/[:/]/.test(host)) return 'a host is a name only, without scheme, port or path';
      return `"${label}" is not a valid DNS label`;
    }
  }
  return undefined;
}

/** Istio's refusal of a last label of digits only, said for an IP address as such. */
function numericTld(host: string, rest: string): string | undefined {
  const last = rest.slice(rest.lastIndexOf('.') + 1);
  if (!/^[0-9]+$/.test(last)) return undefined;
  return isIpOrCidr(host, false) ? 'an IP address is not allowed here: Istio takes a host name' : `its last label "${last}" is all digits, which Istio refuses in a host name`;
}

/**
 * Whether every dot-separated label of `s` matches HOST_LABEL and has at most 63 characters:
 * the common case, answered in one scan (this runs for every host of every resource); the
 * loop in hostProblem then only runs to say what is wrong.
 */
function validLabels(s: string): boolean {
  let start = 0;
  for (let i = 0; i <= s.length; i++) {
    const c = i < s.length ? s.charCodeAt(i) : 46;
    if (c === 46 /* . */) {
      const len = i - start;
      if (len === 0 || len > 63 || s.charCodeAt(start) === 45 || s.charCodeAt(i - 1) === 45) return false;
      start = i + 1;
    } else if (!((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 45)) {
      return false;
    }
  }
  return true;
}

export function checkHost(ctx: RuleContext, host: string, path: Path, rules: HostRules): void {
  const problem = hostProblem(host, rules);
  if (problem) ctx.report('ML3010', `invalid host "${host}": ${problem}`, path);
  else if (rules.trailingDot !== undefined && hasTrailingDot(host)) reportTrailingDot(ctx, host, path, rules.trailingDot);
}

/** Gateway server hosts: `[namespace/]host`, where namespace may be `*` or `.`. */
export function checkGatewayHost(ctx: RuleContext, entry: string, path: Path): void {
  const slash = entry.indexOf('/');
  const ns = slash < 0 ? undefined : entry.slice(0, slash);
  const host = slash < 0 ? entry : entry.slice(slash + 1);
  // `~/` (no namespace) is Istio's for Gateways it converts from the Gateway API only; its webhook
  // refuses it in a networking.istio.io Gateway (pkg/config/validation/agent/validation.go:1140).
  if (ns === '~') {
    ctx.report('ML3010', `invalid host "${entry}": "~/" (exposed to no namespace) is not allowed in a Gateway; write a namespace, "." (the Gateway's) or "*", or remove the host`, path);
    return;
  }
  if (ns !== undefined && ns !== '*' && ns !== '.' && !isDnsLabel(ns)) {
    ctx.report('ML3010', `invalid host "${entry}": "${ns}" is not a namespace, "." or "*"`, path);
    return;
  }
  // Istio (validateSidecarOrGatewayHostnamePart): a short name means nothing to a gateway,
  // which serves requests from outside the mesh.
  if (host !== '*' && !host.includes('.')) {
    ctx.report('ML3010', `invalid host "${entry}": a Gateway's hosts are fully qualified names or wildcards ("${host}.example.com", "*.example.com", or "*"); Istio refuses short names`, path);
    return;
  }
  checkHost(ctx, host, path, GATEWAY_SERVER_HOSTS);
}

const GATEWAY_SERVER_HOSTS: HostRules = { allowStar: true, allowWildcard: true, allowIp: false, allowNumericTld: true, trailingDot: 'gateway-server' };

/** VirtualService gateway references: `mesh`, `name`, or `namespace/name`. */
export function checkGatewayRef(ctx: RuleContext, ref: string, path: Path): void {
  if (ref === 'mesh') return;
  const parts = ref.split('/');
  const ok = (parts.length === 1 && isDnsSubdomain(ref)) || (parts.length === 2 && isDnsLabel(parts[0]!) && isDnsSubdomain(parts[1]!));
  if (!ok) ctx.report('ML3035', `"${ref}" is not "mesh", "<name>" or "<namespace>/<name>"`, path);
}
