// Which VirtualServices make up each virtual host of a gateway view, in Istio's order. Both
// the view builder (from-gateway.ts) and the merge checks (checks/virtual-service-conflicts.ts)
// read this one plan, so what is reported is what is compiled.
//
// As Istio builds a gateway's route table per port: for each server (the view's Gateways in
// order, their servers in order), each VirtualService bound to that server's Gateway (in merge
// order) is filed under every host it shares with the server (the more specific of the two
// names); a host filed again, by another VirtualService or another server, gets its routes
// appended. A server with `tls.httpsRedirect` makes every virtual host it touches redirect, and
// adds one for each of its hosts that no VirtualService routes.
import type { LoadedVs } from './from-virtual-service.ts';
import { boundVirtualServices, mergeOrder, serverAdmits } from './from-gateway.ts';
import type { GatewayGroup } from './gateway-groups.ts';
import { moreSpecific } from './hosts.ts';
import type { Registry } from './registry.ts';

/** One VirtualService as a virtual host receives it: through one Gateway's server. */
export interface HostEntry {
  readonly vs: LoadedVs;
  /** `<ns>/<name>` of the Gateway it came through: its match entries are filtered for it. */
  readonly gateway: string;
  /** That Gateway's namespace (what a match's sourceNamespace compares with). */
  readonly namespace: string;
  /**
   * The server's `port.number` (its Service port), which the VirtualService's rules are matched
   * on (`match.port`) and its destinations default to, as Istio builds a gateway server's routes.
   */
  readonly port: number;
}

export interface PlannedHost {
  /** The host the virtual host is named after (`<host>:<port>`). */
  readonly host: string;
  /**
   * The `port.number` of the first server that planned it, the port of its name: Istio names a
   * gateway's virtual hosts after the server's (Service) port, not the port the listener binds.
   */
  readonly port: number;
  /** In route order; a VirtualService reached through two Gateways appears once per Gateway. */
  readonly entries: readonly HostEntry[];
  readonly redirect: boolean;
  /**
   * On a port with several HTTPS servers (GatewayGroup.serverTablePorts): the one server's route
   * table this host is planned for. There a host is planned once per server
   * that admits it, with only what that server admits, as Istio plans a table per server.
   */
  readonly table?: string;
}

/** A PlannedHost while the plan is built. */
interface Draft {
  readonly host: string;
  readonly port: number;
  readonly entries: HostEntry[];
  redirect: boolean;
  readonly table?: string;
}

/**
 * By listener port (GatewayServer.port), then by host: the view's virtual hosts before their routes are built. Planned once
 * per group and VirtualService list: the checks and the view builder both ask. Read-only.
 */
export function planGatewayHosts(group: GatewayGroup, vss: readonly LoadedVs[], registry: Registry): ReadonlyMap<number, ReadonlyMap<string, PlannedHost>> {
  const hit = plans.get(group);
  if (hit?.vss === vss) return hit.plan;
  const plan = buildPlan(group, vss, registry);
  plans.set(group, { vss, plan });
  return plan;
}

const plans = new WeakMap<GatewayGroup, { readonly vss: readonly LoadedVs[]; readonly plan: ReadonlyMap<number, ReadonlyMap<string, PlannedHost>> }>();

function buildPlan(group: GatewayGroup, vss: readonly LoadedVs[], registry: Registry): Map<number, Map<string, Draft>> {
  const out = new Map<number, Map<string, Draft>>();
  for (const info of group.members) {
    const bound = mergeOrder(boundVirtualServices(info, vss));
    const namespace = info.gateway.metadata.namespace;
    for (const server of info.servers) {
      if (!group.compiles(server) || server.tcp || server.passthrough) continue; // no virtual hosts (gateway-tcp.ts)
      let hosts = out.get(server.port);
      if (!hosts) out.set(server.port, (hosts = new Map()));
      const table = server.tls && group.serverTablePorts.has(server.port) ? server.routeTable : undefined;
      const slot = (host: string): Draft => {
        const key = table === undefined ? host : `${table}\u0000${host}`;
        let h = hosts.get(key);
        if (!h) hosts.set(key, (h = table === undefined ? { host, port: server.servicePort, entries: [], redirect: false } : { host, port: server.servicePort, entries: [], redirect: false, table }));
        return h;
      };
      for (const vs of bound) {
        const seen = new Set<string>(); // one VirtualService's hosts can meet the server twice
        for (const raw of vs.spec.hosts ?? []) {
          const vsHost = registry.resolve(raw, vs.metadata.namespace);
          for (const sh of server.hosts) {
            if (!serverAdmits(sh, vsHost, vs.metadata.namespace)) continue;
            const host = moreSpecific(sh.host, vsHost);
            if (seen.has(host)) continue;
            seen.add(host);
            const h = slot(host);
            if (!h.entries.some((e) => e.vs === vs && e.gateway === info.key)) h.entries.push({ vs, gateway: info.key, namespace, port: server.servicePort });
            if (server.httpsRedirect) h.redirect = true;
          }
        }
      }
      if (server.httpsRedirect) for (const sh of server.hosts) slot(sh.host).redirect = true;
    }
  }
  return out;
}

/** The distinct VirtualServices of a planned host, in first-route order. */
export function hostVirtualServices(host: PlannedHost): LoadedVs[] {
  return [...new Set(host.entries.map((e) => e.vs))];
}
