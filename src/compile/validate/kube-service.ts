// Kubernetes Service: only what routing relies on (port numbers); the rest is Kubernetes' business.
// Its schema is loose (a repository may hold full manifests), so a misspelt `spec` field would
// otherwise pass unseen: `prots:` instead of `ports:` leaves the Service with no ports, and
// meshlog quietly routes nothing to it.
import { closestName } from '../../core/closest-name.ts';
import type { LoadedService } from '../parse/types.ts';
import { checkLabels, checkPort } from './checks-values.ts';
import type { RuleContext } from './context.ts';

/** Kubernetes' ServiceSpec fields (core/v1). */
const SERVICE_SPEC_FIELDS: ReadonlySet<string> = new Set([
  'ports',
  'selector',
  'clusterIP',
  'clusterIPs',
  'type',
  'externalIPs',
  'sessionAffinity',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'externalName',
  'externalTrafficPolicy',
  'healthCheckNodePort',
  'publishNotReadyAddresses',
  'sessionAffinityConfig',
  'ipFamilies',
  'ipFamilyPolicy',
  'allocateLoadBalancerNodePorts',
  'loadBalancerClass',
  'internalTrafficPolicy',
  'trafficDistribution',
]);

/** Kubernetes' ServicePort fields (core/v1). */
const SERVICE_PORT_FIELDS: ReadonlySet<string> = new Set(['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort']);

export function validateKubeService(ctx: RuleContext, svc: LoadedService): void {
  for (const key of Object.keys(svc.spec)) {
    if (SERVICE_SPEC_FIELDS.has(key)) continue;
    const meant = closestName(key, SERVICE_SPEC_FIELDS);
    ctx.report('ML3046', `"${key}" is not a field of a Kubernetes Service spec, so it is ignored${meant === undefined ? '' : `; did you mean "${meant}"?`}`, ['spec', key]);
  }
  const ports = svc.spec.ports ?? [];
  if (ports.length === 0 && svc.spec.type !== 'ExternalName') {
    ctx.report('ML3047', 'this Service has no ports, so meshlog gives it no listener, route or cluster: nothing is routed to it; list the ports it serves under spec.ports', ['spec']);
  }
  checkLabels(ctx, svc.spec.selector, ['spec', 'selector']);
  ports.forEach((port, i) => {
    // A misspelt `targetPort:` would leave the endpoints on the service port: traffic sent to
    // a port nothing listens on.
    for (const key of Object.keys(port)) {
      if (SERVICE_PORT_FIELDS.has(key)) continue;
      const meant = closestName(key, SERVICE_PORT_FIELDS);
      ctx.report('ML3046', `"${key}" is not a field of a Kubernetes Service port, so it is ignored${meant === undefined ? '' : `; did you mean "${meant}"?`}`, ['spec', 'ports', i, key]);
    }
    checkPort(ctx, port.port, ['spec', 'ports', i, 'port']);
    if (typeof port.targetPort === 'number') checkPort(ctx, port.targetPort, ['spec', 'ports', i, 'targetPort']);
  });
}
