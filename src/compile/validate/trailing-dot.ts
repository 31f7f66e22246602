// A host written with a trailing dot (`reviews.default.svc.cluster.local.`). Istio accepts it
// (pkg/config/validation/agent/validation.go ValidateDNS1123Labels: "Allow the last part to be
// empty, for unambiguous names like `istio.io.`") and keeps it as written: ResolveShortnameToFQDN
// (pilot/pkg/model/config.go) leaves any name with a dot alone, and the registry is looked up by
// the exact name (pilot/pkg/networking/core/route/route.go separateVSHostsAndServices), where
// services are named without the dot. So it is another host, which matches nothing that the
// name without the dot matches. meshlog does the same, and says so (ML3055).
import type { Path, RuleContext } from './context.ts';

/** Where a host is written: what a trailing dot then does. */
export type TrailingDotUse = 'virtual-service' | 'destination' | 'destination-rule' | 'service-entry' | 'gateway-server' | 'sni' | 'dns-address';

/** True when `host` ends with a single dot after something (`a.`, not `.` or `a..`). */
export function hasTrailingDot(host: string): boolean {
  return host.length > 1 && host.charCodeAt(host.length - 1) === 46 && host.charCodeAt(host.length - 2) !== 46;
}

/** ML3055 for a valid host with a trailing dot, saying what it matches where it is written. */
export function reportTrailingDot(ctx: RuleContext, host: string, path: Path, use: TrailingDotUse): void {
  // An endpoint's DNS name resolves the same with the dot (an absolute name): nothing to say.
  if (use === 'dns-address') return;
  if (use === 'sni') {
    return ctx.report('ML3055', `SNI name "${host}" ends with a dot, and SNI names never do (RFC 6066): no connection matches it`, path);
  }
  const bare = host.slice(0, -1);
  const head = `host "${host}" ends with a dot, which Istio keeps: it is not "${bare}", the name services are known by and clients send in Host headers and SNI`;
  ctx.report('ML3055', `${head}, so ${EFFECT[use]}`, path);
}

const EFFECT: Record<Exclude<TrailingDotUse, 'sni' | 'dns-address'>, string> = {
  'virtual-service': 'these rules take only requests whose Host header ends with the dot; the routing of the host without it is unchanged',
  destination: 'requests are sent to a service of that name, with the dot, not to the one without it',
  'destination-rule': 'the rule applies to a service of that name, with the dot, not to the one without it',
  'service-entry': 'the service it defines is reached only by requests whose Host header ends with the dot, and by no TLS client (SNI names never end with a dot)',
  'gateway-server': 'the server takes only requests whose Host header ends with the dot, and no TLS client (SNI names never end with a dot)',
};
