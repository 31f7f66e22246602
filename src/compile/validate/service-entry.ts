// ServiceEntry rules: hosts, addresses, ports, and what each resolution mode needs.
import type { LoadedServiceEntry } from '../parse/types.ts';
import { checkHost, hostProblem } from './checks-hosts.ts';
import { checkExportTo, checkLabels, checkPort, checkRange, checkUniqueNames, isIpOrCidr } from './checks-values.ts';
import type { RuleContext } from './context.ts';
import { checkProtocol, checkUniquePorts } from './ports.ts';

export function validateServiceEntry(ctx: RuleContext, se: LoadedServiceEntry): void {
  const spec = se.spec;
  const resolution = spec.resolution ?? 'NONE';
  const endpoints = spec.endpoints ?? [];
  if (spec.hosts.length === 0) ctx.report('ML3026', 'a ServiceEntry needs at least one host', ['spec', 'hosts']);
  spec.hosts.forEach((host, i) => {
    checkHost(ctx, host, ['spec', 'hosts', i], { allowStar: false, allowWildcard: true, allowIp: false });
    if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && endpoints.length === 0 && host.startsWith('*')) {
      ctx.report('ML3022', `host "${host}" is a wildcard, so it cannot be resolved by DNS; add endpoints or use resolution NONE`, ['spec', 'hosts', i]);
    }
  });
  (spec.addresses ?? []).forEach((a, i) => {
    if (!isIpOrCidr(a, true)) ctx.report('ML3029', `"${a}" is not an IP address or CIDR block`, ['spec', 'addresses', i]);
  });
  const ports = spec.ports ?? [];
  ports.forEach((port, i) => {
    const p = ['spec', 'ports', i];
    if (port.number !== undefined) checkPort(ctx, port.number, [...p, 'number']);
    if (port.targetPort !== undefined) checkPort(ctx, port.targetPort, [...p, 'targetPort']);
    checkProtocol(ctx, port.protocol, [...p, 'protocol']);
  });
  checkUniquePorts(ctx, ports.map((p) => p.number), (i) => ['spec', 'ports', i, 'number']);
  checkUniqueNames(ctx, ports.map((p) => p.name), (i) => ['spec', 'ports', i, 'name'], 'port name');
  checkExportTo(ctx, spec.exportTo, ['spec', 'exportTo']);
  checkLabels(ctx, spec.workloadSelector?.matchLabels, ['spec', 'workloadSelector', 'matchLabels']);
  if (spec.workloadSelector && endpoints.length > 0) ctx.report('ML3030', 'set endpoints or workloadSelector, not both', ['spec', 'workloadSelector']);

  if (resolution === 'STATIC' && endpoints.length === 0 && !spec.workloadSelector) {
    ctx.report('ML3021', 'resolution STATIC needs endpoints with IP addresses', ['spec', 'resolution']);
  }
  if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1) {
    ctx.report('ML3021', 'resolution DNS_ROUND_ROBIN supports at most one endpoint', ['spec', 'endpoints']);
  }
  const portNames = new Set(ports.map((p) => p.name).filter((n): n is string => n !== undefined));
  endpoints.forEach((ep, i) => {
    const p = ['spec', 'endpoints', i];
    const address = ep.address;
    if (address === undefined || address === '') {
      ctx.report('ML3021', 'an endpoint needs an address', p);
    } else if (resolution === 'STATIC' && !address.startsWith('unix://') && !isIpOrCidr(address, false)) {
      ctx.report('ML3021', `resolution STATIC needs IP addresses; "${address}" is not one (use resolution DNS for host names)`, [...p, 'address']);
    } else if (resolution !== 'STATIC' && !isIpOrCidr(address, false) && !address.startsWith('unix://')) {
      const problem = hostProblem(address, { allowStar: false, allowWildcard: false, allowIp: false });
      if (problem) ctx.report('ML3021', `endpoint address "${address}": ${problem}`, [...p, 'address']);
    }
    for (const [name, port] of Object.entries(ep.ports ?? {})) {
      if (port !== undefined) checkPort(ctx, port, [...p, 'ports', name]);
      if (!portNames.has(name)) ctx.report('ML3021', `"${name}" is not the name of one of the ServiceEntry's ports`, [...p, 'ports', name]);
    }
    if (ep.labels !== undefined) checkLabels(ctx, ep.labels, [...p, 'labels']);
    if (ep.weight !== undefined) checkRange(ctx, ep.weight, [...p, 'weight'], 0, 0xffffffff);
  });
}
