// DestinationRule rules: host, subsets (DNS-label names, unique), traffic policies.
import type { LoadedDestinationRule } from '../parse/types.ts';
import { checkHost } from './checks-hosts.ts';
import { checkExportTo, checkLabels, checkUniqueNames, isDnsLabel } from './checks-values.ts';
import type { RuleContext } from './context.ts';
import { checkTrafficPolicy } from './traffic-policy.ts';

export function validateDestinationRule(ctx: RuleContext, dr: LoadedDestinationRule): void {
  const spec = dr.spec;
  if (spec.host === '') ctx.report('ML3026', 'a DestinationRule needs a host', ['spec', 'host']);
  else checkHost(ctx, spec.host, ['spec', 'host'], { allowStar: true, allowWildcard: true, allowIp: false });
  checkExportTo(ctx, spec.exportTo, ['spec', 'exportTo']);
  checkLabels(ctx, spec.workloadSelector?.matchLabels, ['spec', 'workloadSelector', 'matchLabels']);
  checkTrafficPolicy(ctx, spec.trafficPolicy, ['spec', 'trafficPolicy']);
  const subsets = spec.subsets ?? [];
  subsets.forEach((s, i) => {
    const p = ['spec', 'subsets', i];
    if (!isDnsLabel(s.name)) ctx.report('ML3009', `subset name "${s.name}" is not a DNS-1123 label (lower-case letters, digits, "-")`, [...p, 'name']);
    if (s.labels !== undefined) checkLabels(ctx, s.labels, [...p, 'labels']);
    if (s.trafficPolicy !== undefined) checkTrafficPolicy(ctx, s.trafficPolicy, [...p, 'trafficPolicy']);
  });
  checkUniqueNames(ctx, subsets.map((s) => s.name), (i) => ['spec', 'subsets', i, 'name'], 'subset name');
}
