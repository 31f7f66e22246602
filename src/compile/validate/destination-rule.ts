// DestinationRule rules: host, subsets (DNS-label names, unique), traffic policies.
import type { LoadedDestinationRule } from '../parse/types.ts';
import { checkHost, type HostRules } from './checks-hosts.ts';
import { checkExportTo, checkLabels, checkUniqueNames, isIstioLabel } from './checks-values.ts';
import { at, NONE, type RuleContext } from './context.ts';
import { checkTrafficPolicy } from './traffic-policy.ts';

const HOST_RULES: HostRules = { allowStar: true, allowWildcard: true, allowIp: false, trailingDot: 'destination-rule' };
const SPEC = ['spec'];

export function validateDestinationRule(ctx: RuleContext, dr: LoadedDestinationRule): void {
  const spec = dr.spec;
  if (spec.host === '') ctx.report('ML3026', 'a DestinationRule needs a host', at(SPEC, 'host'));
  else checkHost(ctx, spec.host, at(SPEC, 'host'), HOST_RULES);
  checkExportTo(ctx, spec.exportTo, at(SPEC, 'exportTo'), { namespace: dr.metadata.namespace, allowNone: false });
  checkLabels(ctx, spec.workloadSelector?.matchLabels, at(SPEC, 'workloadSelector', 'matchLabels'));
  if (spec.workloadSelector) checkSelectorExport(ctx, spec.exportTo, dr.metadata.namespace);
  checkTrafficPolicy(ctx, spec.trafficPolicy, at(SPEC, 'trafficPolicy'));
  const subsets = spec.subsets ?? NONE;
  for (let i = 0; i < subsets.length; i++) {
    const s = subsets[i]!;
    const p = at(SPEC, 'subsets', i);
    if (!isIstioLabel(s.name)) ctx.report('ML3009', `subset name "${s.name}" is not a DNS-1123 label (letters, digits, "-"; at most 63 characters)`, at(p, 'name'));
    if (s.labels !== undefined) checkLabels(ctx, s.labels, at(p, 'labels'));
    if (s.trafficPolicy !== undefined) checkTrafficPolicy(ctx, s.trafficPolicy, at(p, 'trafficPolicy'));
  }
  checkUniqueNames(ctx, subsets, (i) => at(SPEC, 'subsets', i, 'name'), 'subset name');
}

/** Istio: a rule for selected workloads is exported to their (its own) namespace at most. */
function checkSelectorExport(ctx: RuleContext, exportTo: readonly string[] | undefined, namespace: string): void {
  if (!exportTo || exportTo.length === 0) return;
  const namespaces = new Set(exportTo.map((e) => (e === '.' ? namespace : e)));
  if (namespaces.size === 1 && namespaces.has(namespace)) return;
  ctx.report('ML3032', 'a DestinationRule with a workloadSelector can be exported to its own namespace only: write exportTo: ["."], or leave exportTo out', at(SPEC, 'exportTo'));
}
