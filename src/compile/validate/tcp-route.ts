// One VirtualService tcp or tls rule: its destinations and weights (as an http rule's), and its
// match entries (port, gateways, source labels, destination subnets; a tls entry's SNI names).
import type { L4Match, TcpRoute, TlsRoute } from '../schema/index.ts';
import { hostCovers } from '../istio/hosts.ts';
import { checkGatewayRef, hostProblem, type HostRules } from './checks-hosts.ts';
import { checkLabels, checkPort, isIpOrCidr } from './checks-values.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';
import { checkWeightedDestinations } from './route-destinations.ts';
import { hasTrailingDot, reportTrailingDot } from './trailing-dot.ts';

export function checkTcpRoute(ctx: RuleContext, rule: TcpRoute, path: Path): void {
  const route = rule.route ?? NONE;
  if (route.length === 0) ctx.report('ML3002', 'a tcp rule needs a route: the destinations its connections go to', path);
  const match = rule.match ?? NONE;
  for (let j = 0; j < match.length; j++) checkL4Match(ctx, match[j]!, at(path, 'match', j));
  checkWeightedDestinations(ctx, route, path);
}

const SNI_HOSTS: HostRules = { allowStar: true, allowWildcard: true, allowIp: false, trailingDot: 'sni' };

/**
 * A tls rule: as a tcp rule, and every match entry names the SNI names it takes, each one of
 * the VirtualService's hosts or covered by one (Istio's rule: a tls rule cannot take names the
 * VirtualService does not claim).
 */
export function checkTlsRoute(ctx: RuleContext, rule: TlsRoute, path: Path, vsHosts: readonly string[]): void {
  const route = rule.route ?? NONE;
  if (route.length === 0) ctx.report('ML3002', 'a tls rule needs a route: the destinations its connections go to', path);
  if (rule.match.length === 0) ctx.report('ML3026', 'a tls rule needs a match entry with sniHosts: the SNI names whose connections it takes', at(path, 'match'));
  for (let j = 0; j < rule.match.length; j++) {
    const m = rule.match[j]!;
    const p = at(path, 'match', j);
    checkL4Match(ctx, m, p);
    if (m.sniHosts.length === 0) ctx.report('ML3026', 'sniHosts needs at least one SNI name', at(p, 'sniHosts'));
    for (let k = 0; k < m.sniHosts.length; k++) {
      const sni = m.sniHosts[k]!;
      if (isIpOrCidr(sni, false)) {
        ipSniName(ctx, sni, at(p, 'sniHosts', k));
        continue;
      }
      const problem = hostProblem(sni, SNI_HOSTS);
      if (problem) ctx.report('ML3010', `invalid host "${sni}": ${problem}`, at(p, 'sniHosts', k));
      else if (!vsHosts.some((h) => hostCovers(h.toLowerCase(), sni.toLowerCase()))) {
        ctx.report('ML3010', `SNI name "${sni}" is not one of the VirtualService's hosts (${vsHosts.join(', ')}) nor covered by one`, at(p, 'sniHosts', k));
      } else if (hasTrailingDot(sni)) reportTrailingDot(ctx, sni, at(p, 'sniHosts', k), 'sni');
    }
  }
  checkWeightedDestinations(ctx, route, path);
}

/**
 * An IP address as SNI name. Istio's validateSniHost (validation.go) only warns ("goes against
 * SNI spec and most clients do not support this") and, unlike for a name, does not require it
 * to be one of the VirtualService's hosts. It is compiled as written, into the chain's
 * server_names, so only a client that sends the address as its SNI name reaches the rule.
 */
function ipSniName(ctx: RuleContext, sni: string, path: Path): void {
  ctx.report(
    'ML3053',
    `SNI name "${sni}" is an IP address: TLS clients send host names as SNI, never addresses (RFC 6066), so this entry only takes connections from a client that sends "${sni}" as its SNI name; a client connecting to the address sends no SNI, and its connection is not matched by this entry`,
    path,
  );
}

function checkL4Match(ctx: RuleContext, m: L4Match, path: Path): void {
  if (m.port !== undefined) checkPort(ctx, m.port, at(path, 'port'));
  const gateways = m.gateways ?? NONE;
  for (let i = 0; i < gateways.length; i++) checkGatewayRef(ctx, gateways[i]!, at(path, 'gateways', i));
  if (m.sourceLabels !== undefined) checkLabels(ctx, m.sourceLabels, at(path, 'sourceLabels'));
  const subnets = m.destinationSubnets ?? NONE;
  for (let i = 0; i < subnets.length; i++) {
    if (!isIpOrCidr(subnets[i]!, true)) ctx.report('ML3029', `"${subnets[i]}" is not an IP address or CIDR block`, at(path, 'destinationSubnets', i));
  }
}
