// One VirtualService tcp rule: its destinations and weights (as an http rule's), and its match
// entries (port, gateways, source labels, destination subnets).
import type { L4Match, TcpRoute } from '../schema/index.ts';
import { checkGatewayRef } from './checks-hosts.ts';
import { checkLabels, checkPort, isIpOrCidr } from './checks-values.ts';
import { at, NONE, type Path, type RuleContext } from './context.ts';
import { checkWeightedDestinations } from './route-destinations.ts';

export function checkTcpRoute(ctx: RuleContext, rule: TcpRoute, path: Path): void {
  const route = rule.route ?? NONE;
  if (route.length === 0) ctx.report('ML3002', 'a tcp rule needs a route: the destinations its connections go to', path);
  const match = rule.match ?? NONE;
  for (let j = 0; j < match.length; j++) checkL4Match(ctx, match[j]!, at(path, 'match', j));
  checkWeightedDestinations(ctx, route, path);
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
