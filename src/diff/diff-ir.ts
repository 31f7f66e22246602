// diffIr: the semantic difference between two compiled meshes, per view, per virtual host
// and per route, plus clusters, endpoints and listeners. Everything is sorted, so the same
// two inputs always render the same text (PR comments must not flap).
import type { IrListener, IrRoute, IrView, IrVirtualHost, MeshIR } from '../compile/ir/types.ts';
import { GRPC_TABLE_PREFIX } from '../compile/istio/grpc-views.ts';
import { diffClusters, diffEndpoints } from './cluster-diff.ts';
import { clusterRenames, type ClusterRenames } from './cluster-renames.ts';
import { diffHost, diffRoutes } from './host-diff.ts';
import { canonicalJson } from './value-diff.ts';
import { describeTcp, describeTls, diffListener } from './listener-diff.ts';
import type { DiffCounts, HostDiff, IrDiff, ListenerChange, ListenerRef, ViewDiff } from './types.ts';

export function diffIr(before: MeshIR, after: MeshIR): IrDiff {
  const a = new Map(before.views.map((v) => [v.name, v]));
  const b = new Map(after.views.map((v) => [v.name, v]));
  const renamed = renamedGatewayViews(a, b);
  // Clusters first: a renamed subset is a rename for the routes that send to it, too.
  const clusters = diffClusters(before.clusters, after.clusters, { before: before.endpoints, after: after.endpoints });
  const renames = clusterRenames(clusters);
  const views: ViewDiff[] = [];
  for (const name of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    if (renamed.has(name) && !b.has(name)) continue; // diffed under its new name
    const previous = [...renamed].find(([, now]) => now === name)?.[0];
    const d = previous ? diffView(name, a.get(previous), b.get(name), renames, previous) : diffView(name, a.get(name), b.get(name), renames);
    if (d) views.push(d);
  }
  const endpoints = diffEndpoints(before.endpoints, after.endpoints);
  const counts = countChanges(views, clusters, endpoints.length);
  const empty = Object.values(counts).every((n) => n === 0);
  return { empty, counts, views, clusters, endpoints };
}

/**
 * Gateway views that only changed name: Gateways of one selector share a view named after the
 * first of them, so a Gateway added (or removed) ahead of it renames the view the proxies get.
 * A view gone and one come with the very same selector are one view: old name → new name.
 */
function renamedGatewayViews(a: ReadonlyMap<string, IrView>, b: ReadonlyMap<string, IrView>): Map<string, string> {
  const out = new Map<string, string>();
  const selectorOf = (v: IrView) => canonicalJson(v.workloadSelector ?? {});
  const gone = [...a.values()].filter((v) => v.kind === 'gateway' && !b.has(v.name) && Object.keys(v.workloadSelector ?? {}).length > 0);
  for (const now of b.values()) {
    if (now.kind !== 'gateway' || a.has(now.name)) continue;
    const match = gone.find((v) => selectorOf(v) === selectorOf(now) && ![...out.keys()].includes(v.name));
    if (match) out.set(match.name, now.name);
  }
  return out;
}

function diffView(name: string, before: IrView | undefined, after: IrView | undefined, renames: ClusterRenames, previousName?: string): ViewDiff | undefined {
  const la = new Map((before?.listeners ?? []).map((l) => [l.name, l]));
  const lb = new Map((after?.listeners ?? []).map((l) => [l.name, l]));
  const ref = (l: IrListener): ListenerRef => {
    const base = { name: l.name, port: l.port, ...(l.servicePorts ? { servicePorts: l.servicePorts } : {}) };
    return l.tls ? { ...base, tls: describeTls(l) } : l.tcp ? { ...base, tcp: describeTcp(l) } : base;
  };
  const listenersAdded = [...lb.values()].filter((l) => !la.has(l.name)).map(ref);
  const listenersRemoved = [...la.values()].filter((l) => !lb.has(l.name)).map(ref);
  const listenersChanged: ListenerChange[] = [];
  for (const [name, l] of lb) {
    const old = la.get(name);
    const changes = old ? diffListener(old, l, renames) : [];
    if (changes.length > 0) listenersChanged.push({ name, port: l.port, changes });
  }

  const ha = hostsOf(before, new Map([...movedPortRenames(before, after), ...schemeRenames(before, after)]));
  const hb = hostsOf(after);
  const hosts: HostDiff[] = [];
  const keys = [...new Set([...ha.keys(), ...hb.keys()])].sort(compareHostKeys);
  for (const key of keys) {
    const [table] = splitKey(key);
    const d = diffHost(table, ha.get(key), hb.get(key), renames);
    if (d) hosts.push(d);
  }
  pairRenamedHosts(hosts, ha, hb, renames);
  const change = !before ? 'added' : !after ? 'removed' : 'changed';
  const listenersTouched = listenersAdded.length + listenersRemoved.length + listenersChanged.length;
  const selector = before && after && selectorText(before) !== selectorText(after) ? { before: selectorText(before), after: selectorText(after) } : undefined;
  if (change === 'changed' && hosts.length === 0 && listenersTouched === 0 && previousName === undefined && !selector) return undefined;
  const kind = (after ?? before)?.kind ?? 'sidecar';
  return { change, name, ...(previousName ? { previousName } : {}), ...(selector ? { selector } : {}), kind, listenersAdded, listenersRemoved, listenersChanged, hosts };
}

/** `k=v,...` in key order; `(none)` for a view without selector. */
function selectorText(view: IrView): string {
  const entries = Object.entries(view.workloadSelector ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return entries.length > 0 ? entries.map(([k, v]) => `${k}=${v}`).join(',') : '(none)';
}

const SEP = '\u0000';

/**
 * A virtual host that went and one that came in the same route table with the very same
 * routes is a renamed host (a Gateway's `bookinfo.example.com` → `shop.example.com`): one
 * change naming both, its domains the only difference, instead of every route removed and
 * added again. In place, keeping the list's order.
 */
function pairRenamedHosts(hosts: HostDiff[], before: ReadonlyMap<string, IrVirtualHost>, after: ReadonlyMap<string, IrVirtualHost>, renames: ClusterRenames): void {
  const removed = hosts.filter((h) => h.change === 'removed');
  if (removed.length === 0) return;
  for (let i = 0; i < hosts.length; i++) {
    const added = hosts[i]!;
    if (added.change !== 'added') continue;
    const newHost = after.get(`${added.routeTable}${SEP}${added.name}`);
    if (!newHost) continue;
    let gone: HostDiff | undefined;
    let oldHost: IrVirtualHost | undefined;
    for (const r of removed) {
      const candidate = r.routeTable === added.routeTable ? before.get(`${r.routeTable}${SEP}${r.name}`) : undefined;
      if (candidate && sameRoutes(candidate.routes, newHost.routes, renames)) {
        gone = r;
        oldHost = candidate;
        break;
      }
    }
    if (!gone || !oldHost) continue;
    const oldDomains = new Set(oldHost.domains);
    const newDomains = new Set(newHost.domains);
    hosts[i] = {
      change: 'changed',
      name: added.name,
      previousName: gone.name,
      routeTable: added.routeTable,
      domainsAdded: [...newDomains].filter((d) => !oldDomains.has(d)).sort(),
      domainsRemoved: [...oldDomains].filter((d) => !newDomains.has(d)).sort(),
      routes: [],
    };
    removed.splice(removed.indexOf(gone), 1);
    const goneAt = hosts.indexOf(gone);
    hosts.splice(goneAt, 1);
    if (goneAt < i) i--; // the list moved down under the renamed host
  }
}

/** Virtual hosts by route table and name; `rename` maps a table name to the one to file it under. */
function hostsOf(view: IrView | undefined, rename: ReadonlyMap<string, string> = new Map()): Map<string, IrVirtualHost> {
  const m = new Map<string, IrVirtualHost>();
  for (const t of view?.routeTables ?? []) {
    const table = rename.get(t.name) ?? t.name;
    for (const vh of t.virtualHosts) m.set(`${table}${SEP}${vh.name}`, vh);
  }
  return m;
}

/**
 * A gateway port that starts or stops terminating TLS keeps its routing under a new table name
 * (`http.443` ↔ `https.443`): the before side's table is filed under the after side's name, so
 * its hosts compare with themselves and only real routing changes show (the listener change
 * says the rest), instead of every host removed from one table and added to the other.
 */
function schemeRenames(before: IrView | undefined, after: IrView | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!before || !after || after.kind !== 'gateway') return out;
  const afterTables = new Set(after.routeTables.map((t) => t.name));
  for (const t of before.routeTables) {
    const m = /^(https?)\.(\d+)$/.exec(t.name);
    if (!m || afterTables.has(t.name)) continue;
    const other = `${m[1] === 'http' ? 'https' : 'http'}.${m[2]}`;
    if (afterTables.has(other) && !before.routeTables.some((x) => x.name === other)) out.set(t.name, other);
  }
  return out;
}

/**
 * A gateway port whose listener moved (a gateway Service now sends port 80 to targetPort 8080,
 * or no longer does) keeps its routing under its new listener's table (`http.80` → `http.8080`):
 * as for schemeRenames, the before side's table is filed under the after side's, so only real
 * routing changes show (the listeners added and removed say the rest). Listeners are the same
 * when they bind one address and clients reach them on a common port: their Service ports, else
 * the port itself.
 */
function movedPortRenames(before: IrView | undefined, after: IrView | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!before || !after || after.kind !== 'gateway') return out;
  const beforeTables = new Set(before.routeTables.map((t) => t.name));
  const afterTables = new Set(after.routeTables.map((t) => t.name));
  const clientPorts = (l: IrListener) => l.servicePorts ?? [l.port];
  for (const was of before.listeners) {
    if (was.routeTableName === '' || afterTables.has(was.routeTableName) || after.listeners.some((l) => l.name === was.name)) continue;
    const now = after.listeners.find(
      (l) => l.address === was.address && l.routeTableName !== '' && !beforeTables.has(l.routeTableName) && !before.listeners.some((b) => b.name === l.name) && clientPorts(l).some((p) => clientPorts(was).includes(p)),
    );
    if (now) out.set(was.routeTableName, now.routeTableName);
  }
  return out;
}

/** The same routes, by name and in order, with nothing a diff would report between them. */
function sameRoutes(a: readonly IrRoute[], b: readonly IrRoute[], renames: ClusterRenames): boolean {
  return a.length === b.length && a.every((r, k) => r.name === b[k]!.name) && diffRoutes(a, b, renames).length === 0;
}

function splitKey(key: string): [string, string] {
  const i = key.indexOf(SEP);
  return [key.slice(0, i), key.slice(i + 1)];
}

/** Host name first (what a reader scans for), route table second. */
function compareHostKeys(x: string, y: string): number {
  const [tx, hx] = splitKey(x);
  const [ty, hy] = splitKey(y);
  return hx < hy ? -1 : hx > hy ? 1 : tx < ty ? -1 : tx > ty ? 1 : 0;
}

function countChanges(views: readonly ViewDiff[], clusters: IrDiff['clusters'], endpointSetsChanged: number): DiffCounts {
  // A host that changed identically in several views is one change to a reader: the default
  // sidecar view and a namespace's view, and a gRPC view, whose route table (`grpc.<port>`)
  // holds the very virtual hosts of the sidecar table (`<port>`). A gateway's table
  // (`http.<port>`) is another proxy's routing, so it stays a change of its own.
  const hosts = unique(views.flatMap((v) => v.hosts), (h) => canonicalJson({ ...h, routeTable: sidecarTableOf(h.routeTable) }));
  const routes = unique(
    hosts.flatMap((h) => h.routes.map((r) => ({ key: canonicalJson([sidecarTableOf(h.routeTable), h.name, r]), r }))),
    (x) => x.key,
  ).map((x) => x.r);
  const n = <T>(xs: readonly T[], f: (x: T) => boolean) => xs.filter(f).length;
  return {
    viewsAdded: n(views, (v) => v.change === 'added'),
    viewsRemoved: n(views, (v) => v.change === 'removed'),
    viewsRenamed: n(views, (v) => v.previousName !== undefined),
    selectorsChanged: n(views, (v) => v.selector !== undefined),
    listenersAdded: countListeners(views, (v) => v.listenersAdded),
    listenersRemoved: countListeners(views, (v) => v.listenersRemoved),
    listenersChanged: countListeners(views, (v) => v.listenersChanged),
    hostsAdded: n(hosts, (h) => h.change === 'added'),
    hostsRemoved: n(hosts, (h) => h.change === 'removed'),
    hostsChanged: n(hosts, (h) => h.change === 'changed'),
    hostsRenamed: n(hosts, (h) => h.previousName !== undefined),
    routesAdded: n(routes, (r) => r.change === 'added'),
    routesRemoved: n(routes, (r) => r.change === 'removed'),
    routesChanged: n(routes, (r) => r.change === 'changed' && r.summary.length > (r.reordered ? 1 : 0)),
    routesReordered: n(routes, (r) => r.reordered),
    clustersAdded: n(clusters, (c) => c.change === 'added'),
    clustersRemoved: n(clusters, (c) => c.change === 'removed'),
    clustersChanged: n(clusters, (c) => c.change === 'changed'),
    endpointSetsChanged,
  };
}

/**
 * Distinct listeners: every sidecar view hands its proxies the same `0.0.0.0_<port>` listener
 * (and every gRPC view the same API listeners), so a new port is one listener however many
 * namespaces have a view. A gateway is a proxy of its own: its listeners count per gateway.
 */
function countListeners(views: readonly ViewDiff[], listeners: (v: ViewDiff) => readonly { readonly name: string }[]): number {
  const proxyClass = (v: ViewDiff) => (v.kind === 'gateway' ? `gateway ${v.name}` : v.kind);
  return new Set(views.flatMap((v) => listeners(v).map((l) => `${proxyClass(v)}${SEP}${l.name}`))).size;
}

/** The sidecar table a gRPC view's table mirrors (`grpc.9080` → `9080`); other names as they are. */
function sidecarTableOf(routeTable: string): string {
  return routeTable.startsWith(GRPC_TABLE_PREFIX) ? routeTable.slice(GRPC_TABLE_PREFIX.length) : routeTable;
}

function unique<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
