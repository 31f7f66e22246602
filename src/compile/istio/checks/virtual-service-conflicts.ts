// Two VirtualServices for the same host seen by the same proxies. On sidecars Istio silently
// keeps the oldest, which the repository does not show: an error (ML4006), reported once per
// pair and host (in the first view where they meet), on each of the two, naming the other.
// On a Gateway Istio merges their rules (ordered by creation time); meshlog merges them in
// (namespace, name) order and says so (ML4021, info, on each), and checks the merged rule
// order (merged-rule-order.ts).
import { diagnostic } from '../../../core/diagnostic-codes/index.ts';
import type { GatewayGroup } from '../gateway-groups.ts';
import { hostVirtualServices, planGatewayHosts, type HostEntry, type PlannedHost } from '../gateway-hosts.ts';
import { httpScope, matchApplies, type LoadedVs } from '../from-virtual-service.ts';
import { hostsIntersect, isVisible } from '../hosts.ts';
import type { MeshVs } from '../views.ts';
import { at, describe, relatedOf } from '../where.ts';
import type { CheckContext } from './context.ts';
import { checkMergedRuleOrder } from './merged-rule-order.ts';

const key = (vs: LoadedVs) => `${vs.metadata.namespace}/${vs.metadata.name}`;

export function checkVirtualServiceConflicts(ctx: CheckContext, meshVss: readonly MeshVs[], sidecarNamespaces: readonly string[]): void {
  const reported = new Set<string>();
  // Mesh VirtualServices arrive with their hosts already resolved (MeshVs).
  // Hosts routed by two or more VirtualServices of `group` (and a few routed twice by one), in
  // first-seen order; a host routed once, nearly all, gets no list.
  const byHostOf = (group: readonly Pick<MeshVs, 'vs' | 'hosts'>[]) => {
    const first = new Map<string, { vs: LoadedVs; index: number }>();
    const byHost = new Map<string, { vs: LoadedVs; index: number }[]>();
    for (const { vs, hosts } of group) {
      for (let index = 0; index < hosts.length; index++) {
        const h = hosts[index]!;
        const seen = first.get(h);
        if (!seen) {
          first.set(h, { vs, index });
          continue;
        }
        let list = byHost.get(h);
        if (!list) byHost.set(h, (list = [seen]));
        if (!list.some((e) => e.vs === vs)) list.push({ vs, index });
      }
    }
    if (byHost.size < 2) return byHost;
    const ordered = new Map<string, { vs: LoadedVs; index: number }[]>(); // in first-seen order
    for (const h of first.keys()) {
      const list = byHost.get(h);
      if (list) ordered.set(h, list);
    }
    return ordered;
  };
  const report = (group: readonly MeshVs[], where: string) => {
    for (const [host, list] of byHostOf(group)) {
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
              diagnostic('ML4006', `host ${host} is also routed by ${describe(other.vs, ['spec', 'hosts', other.index])} for ${where}; on sidecars Istio uses only one of them (only Gateways merge VirtualServices) — merge the rules into one VirtualService`, {
                ...at(self.vs, ['spec', 'hosts', self.index]),
                related: [relatedOf(other.vs, ['spec', 'hosts', other.index])],
              }),
            );
          }
        }
      }
    }
  };
  // Every pair meets first in the earliest view that sees both; a view that sees every mesh
  // VirtualService after another one did can only find pairs already reported.
  let sawAll = false;
  for (const ns of [null, ...sidecarNamespaces]) {
    const group = meshVss.filter((m) => isVisible(m.visibility, ns));
    if (group.length === meshVss.length) {
      if (sawAll) continue;
      sawAll = true;
    }
    report(group, ns === null ? 'the sidecars' : `the sidecars of namespace ${ns}`);
  }
  // Per gateway view and port: the virtual hosts several VirtualServices make up (the plan the
  // view is built from, gateway-hosts.ts), counting only VirtualServices that give the host a
  // route there. Hosts made up the same way (a wildcard VirtualService on a server with many
  // hosts) are reported once, naming them.
  for (const group of ctx.gatewayGroups) {
    for (const hosts of planGatewayHosts(group, ctx.resources.virtualServices, ctx.registry).values()) {
      const bySet = new Map<string, PlannedHost[]>();
      // A host planned once per server (ports with several HTTPS servers, gateway-hosts.ts)
      // may merge the same VirtualServices in two tables: one note says it.
      const noted = new Set<string>();
      for (const planned of hosts.values()) {
        if (planned.redirect) continue;
        const entries = planned.entries.filter(contributes);
        const merged = new Set(entries.map((e) => e.vs));
        if (merged.size < 2) continue;
        if (planned.table !== undefined) {
          const same = `${planned.host}|${[...merged].map(key).join(',')}`;
          if (noted.has(same)) continue;
          noted.add(same);
        }
        const id = entries.map((e) => `${key(e.vs)}@${e.gateway}`).join(',');
        const same = bySet.get(id);
        const effective = { ...planned, entries };
        if (same) same.push(effective);
        else bySet.set(id, [effective]);
      }
      for (const list of bySet.values()) reportMerge(ctx, group, list);
    }
  }
}

/** The entry gives the host at least one route on its server's port (a rule entry applies to its Gateway there). */
function contributes(e: HostEntry): boolean {
  const scope = { kind: 'gateway', gateways: [e.gateway], namespace: e.namespace } as const;
  return (e.vs.spec.http ?? []).some((rule) => (rule.match?.length ? rule.match : [undefined]).some((m) => matchApplies(e.vs, httpScope(m), scope, e.port)));
}

/** `list`: virtual hosts of one port made up by the same entries (the first stands for all, and names the port as it is named). */
function reportMerge(ctx: CheckContext, group: GatewayGroup, list: readonly PlannedHost[]): void {
  const planned = list[0]!;
  const ordered = hostVirtualServices(planned);
  const gateways = [...new Set(planned.entries.map((e) => e.gateway))];
  const on = gateways.length === 1 ? `Gateway ${gateways[0]}` : `Gateways ${gateways.join(', ')} (one view, ${group.viewName})`;
  const names = list.map((p) => p.host);
  const hostText = names.length === 1 ? `host ${names[0]}` : `hosts ${names.slice(0, 3).join(', ')}${names.length > 3 ? ` and ${names.length - 3} more` : ''}`;
  const where = (vs: LoadedVs) => ['spec', 'hosts', hostIndex(vs, planned.host, ctx)];
  const order = ordered.map((vs, k) => `${k + 1}. ${describe(vs, where(vs))}`).join(', ');
  for (const self of ordered) {
    ctx.diagnostics.push(
      diagnostic(
        'ML4021',
        `${hostText} on port ${planned.port} of ${on} ${names.length === 1 ? 'is' : 'are each'} routed by ${ordered.length} VirtualServices; their rules are merged in this order (servers in Gateway order, Gateways by namespace, then name; then each server's VirtualServices by namespace, then name — Istio uses creation time, which a repository does not record), catch-all rules last: ${order}`,
        { ...at(self, where(self)), related: ordered.filter((o) => o !== self).map((o) => relatedOf(o, where(o))) },
      ),
    );
  }
  checkMergedRuleOrder(ctx, planned, on, hostText);
}

/** Which of the VirtualService's hosts the virtual host comes from (the first that covers it). */
function hostIndex(vs: LoadedVs, host: string, ctx: CheckContext): number {
  const hosts = (vs.spec.hosts ?? []).map((h) => ctx.registry.resolve(h, vs.metadata.namespace));
  const exact = hosts.indexOf(host);
  if (exact >= 0) return exact;
  const covering = hosts.findIndex((h) => hostsIntersect(h, host));
  return covering >= 0 ? covering : 0;
}
