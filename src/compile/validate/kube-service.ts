// Kubernetes Service: only what routing relies on (port numbers); the rest is Kubernetes' business.
import type { LoadedService } from '../parse/types.ts';
import { checkLabels, checkPort } from './checks-values.ts';
import type { RuleContext } from './context.ts';

export function validateKubeService(ctx: RuleContext, svc: LoadedService): void {
  checkLabels(ctx, svc.spec.selector, ['spec', 'selector']);
  (svc.spec.ports ?? []).forEach((port, i) => {
    checkPort(ctx, port.port, ['spec', 'ports', i, 'port']);
    if (typeof port.targetPort === 'number') checkPort(ctx, port.targetPort, ['spec', 'ports', i, 'targetPort']);
  });
}
