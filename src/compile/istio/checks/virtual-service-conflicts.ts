// Two VirtualServices for the same host seen by the same proxies (ML4006). On sidecars
// Istio silently keeps the oldest; on a gateway it merges their rules in no defined order.
// Either way the result depends on something the repository does not show, so it is an
// error here, reported once per pair and host (in the first view where they meet), on each
// of the two VirtualServices, naming the other.
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import { boundVirtualServices } from '../from-gateway.ts';
import type { LoadedVs } from '../from-virtual-service.ts';
import { isVisible, resolveHost } from '../hosts.ts';
import type { MeshVs } from '../views.ts';
import { at, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';

const key = (vs: LoadedVs) => `${vs.metadata.namespace}/${vs.metadata.name}`;

export function checkVirtualServiceConflicts(ctx: CheckContext, meshVss: readonly MeshVs[], sidecarNamespaces: readonly string[]): void {
  const reported = new Set<string>();
  const domain = ctx.settings.ir.clusterDomain;
  const hostsOf = (vs: LoadedVs) => (vs.spec.hosts ?? []).map((h) => resolveHost(h, vs.metadata.namespace, domain, ctx.registry.has));
  const report = (group: readonly LoadedVs[], where: string) => {
    const byHost = new Map<string, { vs: LoadedVs; index: number }[]>();
    for (const vs of group) {
      hostsOf(vs).forEach((h, index) => {
        const list = byHost.get(h) ?? [];
        if (!list.some((e) => e.vs === vs)) list.push({ vs, index });
        byHost.set(h, list);
      });
    }
    for (const [host, list] of byHost) {
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const a = list[x]!;
          const b = list[y]!;
          const id = `${host}|${key(a.vs)}|${key(b.vs)}`;
          if (reported.has(id)) continue;
          reported.add(id);
          for (const [self, other] of [
            [a, b],
            [b, a],
          ] as const) {
            ctx.diagnostics.push(
              diagnostic('ML4006', `host ${host} is also routed by ${describe(other.vs, ['spec', 'hosts', other.index])} for ${where}; Istio would use only one of them — merge the rules into one VirtualService`, {
                ...at(self.vs, ['spec', 'hosts', self.index]),
                related: [relatedOf(other.vs, ['spec', 'hosts', other.index])],
              }),
            );
          }
        }
      }
    }
  };
  for (const ns of [null, ...sidecarNamespaces]) {
    report(meshVss.filter((m) => isVisible(m.visibility, ns)).map((m) => m.vs), ns === null ? 'the sidecars' : `the sidecars of namespace ${ns}`);
  }
  for (const info of ctx.gateways.values()) report(boundVirtualServices(info, ctx.resources.virtualServices), `Gateway ${info.key}`);
}
