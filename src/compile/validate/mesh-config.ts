// MeshConfig rules: the defaults must be usable values.
import type { LoadedMeshConfig } from '../parse/types.ts';
import { checkHost } from './checks-hosts.ts';
import { checkRetryOn } from './checks-http.ts';
import { INT32_MAX, checkDuration, checkRange, isDnsLabel, isIpOrCidr } from './checks-values.ts';
import type { RuleContext } from './context.ts';

export function validateMeshConfig(ctx: RuleContext, mc: LoadedMeshConfig): void {
  const spec = mc.spec;
  checkHost(ctx, spec.clusterDomain, ['spec', 'clusterDomain'], { allowStar: false, allowWildcard: false, allowIp: false });
  if (spec.trustDomain === '') ctx.report('ML3039', 'trustDomain is empty', ['spec', 'trustDomain']);
  if (!isDnsLabel(spec.defaultNamespace)) ctx.report('ML3025', `"${spec.defaultNamespace}" is not a namespace name (DNS-1123 label)`, ['spec', 'defaultNamespace']);
  const d = spec.defaults;
  checkDuration(ctx, d.connectTimeout, ['spec', 'defaults', 'connectTimeout']);
  checkDuration(ctx, d.timeout, ['spec', 'defaults', 'timeout']);
  if (d.retries.attempts < 0) ctx.report('ML3008', `attempts ${d.retries.attempts} is negative`, ['spec', 'defaults', 'retries', 'attempts']);
  else checkRange(ctx, d.retries.attempts, ['spec', 'defaults', 'retries', 'attempts'], 0, INT32_MAX);
  checkDuration(ctx, d.retries.perTryTimeout, ['spec', 'defaults', 'retries', 'perTryTimeout']);
  checkRetryOn(ctx, d.retries.retryOn, ['spec', 'defaults', 'retries', 'retryOn']);
  if (!isIpOrCidr(spec.listeners.bindAddress, false)) {
    ctx.report('ML3029', `bindAddress "${spec.listeners.bindAddress}" is not an IP address`, ['spec', 'listeners', 'bindAddress']);
  }
}
