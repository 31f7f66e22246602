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

  const tableRenames = new Map([...movedPortRenames(before, after), ...schemeRenames(before, after)]);
  const hosts: HostDiff[] = [];
  for (const p of hostPairs(before, after, tableRenames)) {
    const d = diffHostOnce(p.table, p.before, p.after, renames);
    if (d) hosts.push(d);
  }
  if (hosts.some((h) => h.change === 'removed')) pairRenamedHosts(hosts, hostsOf(before, tableRenames), hostsOf(after), renames);
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

/** A virtual host on either side, under its route table (the before side's as filed: tableRenames). */
interface HostPair {
  readonly table: string;
  readonly name: string;
  readonly before?: IrVirtualHost;
  readonly after?: IrVirtualHost;
}

/**
 * Both views' virtual hosts paired by route table and name, sorted by host name, then table.
 * A mesh of many namespaces has a view per namespace, each listing every service: a table whose
 * hosts have the same names in the same order on both sides (nearly always) pairs them by
 * position, without a map of composite keys per view.
 */
function hostPairs(before: IrView | undefined, after: IrView | undefined, rename: ReadonlyMap<string, string>): HostPair[] {
  const tablesOf = (view: IrView | undefined, renamed: ReadonlyMap<string, string>) => {
    const m = new Map<string, (readonly IrVirtualHost[])[]>();
    for (const t of view?.routeTables ?? []) {
      const name = renamed.get(t.name) ?? t.name;
      const lists = m.get(name);
      if (lists) lists.push(t.virtualHosts);
      else m.set(name, [t.virtualHosts]);
    }
    return m;
  };
  const a = tablesOf(before, rename);
  const b = tablesOf(after, NO_TABLE_RENAMES);
  const pairs: HostPair[] = [];
  for (const table of new Set([...a.keys(), ...b.keys()])) {
    const xs = a.get(table) ?? [];
    const ys = b.get(table) ?? [];
    if (xs.length === 1 && ys.length === 1 && sameNames(xs[0]!, ys[0]!)) {
      const x = xs[0]!;
      const y = ys[0]!;
      for (let i = 0; i < x.length; i++) pairs.push({ table, name: x[i]!.name, before: x[i], after: y[i] });
      continue;
    }
    // Hosts added, removed or reordered (or two tables filed under one name): by name, the last one of a name kept.
    const byName = new Map<string, { before?: IrVirtualHost; after?: IrVirtualHost }>();
    for (const list of xs) for (const vh of list) byName.set(vh.name, { ...byName.get(vh.name), before: vh });
    for (const list of ys) for (const vh of list) byName.set(vh.name, { ...byName.get(vh.name), after: vh });
    for (const [name, p] of byName) pairs.push({ table, name, ...p });
  }
  return pairs.sort((p, q) => (p.name < q.name ? -1 : p.name > q.name ? 1 : p.table < q.table ? -1 : p.table > q.table ? 1 : 0));
}

const NO_TABLE_RENAMES: ReadonlyMap<string, string> = new Map();

function sameNames(x: readonly IrVirtualHost[], y: readonly IrVirtualHost[]): boolean {
  if (x.length !== y.length) return false;
  for (let i = 0; i < x.length; i++) if (x[i]!.name !== y[i]!.name) return false;
  return true;
}

type HostMemo = Map<string, WeakMap<IrVirtualHost, WeakMap<IrVirtualHost, HostDiff | null>>>;
/** Per set of renames (one per diff), as host-diff.ts memoises route lists. */
const hostMemos = new WeakMap<ClusterRenames, HostMemo>();

/**
 * diffHost, once per (table, before host, after host): views share virtual host objects (every
 * namespace's view lists the same object for another namespace's service), so a mesh of many
 * namespaces repeats each pair once per view.
 */
function diffHostOnce(table: string, before: IrVirtualHost | undefined, after: IrVirtualHost | undefined, renames: ClusterRenames): HostDiff | undefined {
  if (!before || !after) return diffHost(table, before, after, renames);
  let byTable = hostMemos.get(renames);
  if (!byTable) hostMemos.set(renames, (byTable = new Map()));
  let byBefore = byTable.get(table);
  if (!byBefore) byTable.set(table, (byBefore = new WeakMap()));
  let byAfter = byBefore.get(before);
  if (!byAfter) byBefore.set(before, (byAfter = new WeakMap()));
  let d = byAfter.get(after);
  if (d === undefined) byAfter.set(after, (d = diffHost(table, before, after, renames) ?? null));
  return d ?? undefined;
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
