// A route's destinations, for http and tcp rules alike: each destination's host, subset and
// port, each weight, and the weights together (Istio's ints; Envoy's uint32 total).
import type { Destination } from '../schema/index.ts';
import { checkHost, type HostRules } from './checks-hosts.ts';
import { checkPort, isIstioLabel } from './checks-values.ts';
import { at, type Path, type RuleContext } from './context.ts';

// Istio's validateDestination (pkg/config/validation/validation.go ~2597): any host
// ValidateWildcardDomain accepts (a wildcard, even a partial one, included) but `*` alone. A
// wildcard names the registry service with exactly that host (a ServiceEntry's `*.example.com`):
// istiod looks a destination host up by exact name (route.go GetDestinationCluster).
// No IP address: Istio's validateDestination checks the host as a domain only (a numeric last label is refused).
const DESTINATION_HOSTS: HostRules = { allowStar: false, allowWildcard: true, allowIp: false, allowPartialWildcard: true, trailingDot: 'destination' };
/** Istio's destination weight is an int32. */
const MAX_WEIGHT = 0x7fffffff;
/** Envoy's weighted_clusters total (a uint32). */
const MAX_TOTAL_WEIGHT = 0xffffffff;

export function checkDestination(ctx: RuleContext, d: Destination, path: Path): void {
  checkHost(ctx, d.host, at(path, 'host'), DESTINATION_HOSTS);
  if (d.subset !== undefined && !isIstioLabel(d.subset)) ctx.report('ML3009', `subset "${d.subset}" is not a DNS-1123 label`, at(path, 'subset'));
  if (d.port?.number !== undefined) checkPort(ctx, d.port.number, at(path, 'port', 'number'));
}

/** A rule's `route` list (http or tcp): each destination, each weight, and the weights together. */
export function checkWeightedDestinations(ctx: RuleContext, route: readonly { readonly destination: Destination; readonly weight?: number | undefined }[], path: Path): void {
  // Envoy adds a rule's weights up and rejects the route when the sum exceeds uint32.
  let total = 0;
  let anyWeight = false;
  for (let k = 0; k < route.length; k++) {
    const r = route[k]!;
    const p = at(path, 'route', k);
    checkDestination(ctx, r.destination, at(p, 'destination'));
    if (r.weight !== undefined && !(Number.isInteger(r.weight) && r.weight >= 0)) {
      ctx.report('ML3003', `weight ${r.weight} is not a whole number ≥ 0`, at(p, 'weight'));
    } else if (r.weight !== undefined && r.weight > MAX_WEIGHT) {
      ctx.report('ML3003', `weight ${r.weight} is larger than ${MAX_WEIGHT} (Istio's weight is an int32)`, at(p, 'weight'));
    }
    if (Number.isInteger(r.weight) && (r.weight ?? 0) > 0) total += r.weight ?? 0;
    if ((r.weight ?? 0) !== 0) anyWeight = true;
  }
  if (total > MAX_TOTAL_WEIGHT) {
    ctx.report('ML3003', `the weights add up to ${total}; Envoy allows at most ${MAX_TOTAL_WEIGHT} in total (use smaller relative weights)`, at(path, 'route'));
  }
  // A single destination may omit its weight (it gets all traffic); with several, at least one must be > 0.
  if (route.length > 1 && !anyWeight) {
    ctx.report('ML3004', `all ${route.length} destinations have weight 0 (or none): no traffic could be routed`, at(path, 'route'));
  }
}
