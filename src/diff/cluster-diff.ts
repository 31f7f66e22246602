// Cluster and endpoint changes. Clusters are keyed by name (`outbound|port|subset|fqdn`),
// so a renamed subset shows as one cluster removed and one added, which is what Envoy sees.
import type { IrCluster, IrEndpoint, IrEndpointSet, IrHashPolicy, IrLoadBalancer } from '../compile/ir/types.ts';
import { isConsistentHash } from '../compile/ir/load-balancer.ts';
import { isUnixAddress } from '../compile/ir/endpoint-address.ts';
import { formatMs } from './describe.ts';
import { fieldLine, partLines, uncoveredLines } from './change-lines.ts';
import type { ClusterChange, EndpointChange, FieldChange } from './types.ts';
import { diffValues, formatValue, sameValue } from './value-diff.ts';

const IGNORED = new Set(['source']);

/**
 * Clusters added, removed and changed. `endpoints` (both sides' endpoint sets) lets a renamed
 * subset read as a rename: a subset cluster that went and one that came for the same host and
 * port, with the same settings and endpoints, is one change (`previousName`), not a removal
 * and an unrelated addition.
 */
export function diffClusters(
  before: readonly IrCluster[],
  after: readonly IrCluster[],
  endpoints?: { readonly before: readonly IrEndpointSet[]; readonly after: readonly IrEndpointSet[] },
): ClusterChange[] {
  const a = new Map(before.map((c) => [c.name, c]));
  const b = new Map(after.map((c) => [c.name, c]));
  const names = [...new Set([...a.keys(), ...b.keys()])].sort();
  const renamedFrom = endpoints ? subsetRenames(a, b, endpoints) : new Map<string, IrCluster>();
  const renamedAway = new Set([...renamedFrom.values()].map((c) => c.name));
  const out: ClusterChange[] = [];
  for (const name of names) {
    const x = a.get(name);
    const y = b.get(name);
    const previous = renamedFrom.get(name);
    if (previous && y) {
      out.push({ change: 'changed', name, previousName: previous.name, summary: [`subset renamed ${previous.subset} → ${y.subset}: same endpoints and settings`], fields: [] });
    } else if (!x && y) out.push({ change: 'added', name, summary: [describeCluster(y)], fields: [] });
    else if (x && !y) {
      if (!renamedAway.has(name)) out.push({ change: 'removed', name, summary: [describeCluster(x)], fields: [] });
    } else if (x && y) {
      const fields = diffValues(x, y, '', IGNORED);
      if (fields.length > 0) out.push({ change: 'changed', name, summary: clusterSummary(x, y, fields), fields });
    }
  }
  return out;
}

/** New cluster name → the removed cluster it renames (same host, port, settings, endpoints; another subset). */
function subsetRenames(
  a: ReadonlyMap<string, IrCluster>,
  b: ReadonlyMap<string, IrCluster>,
  endpoints: { readonly before: readonly IrEndpointSet[]; readonly after: readonly IrEndpointSet[] },
): Map<string, IrCluster> {
  const out = new Map<string, IrCluster>();
  const removed = [...a.values()].filter((c) => c.subset !== '' && !b.has(c.name));
  if (removed.length === 0) return out;
  const epBefore = new Map(endpoints.before.map((s) => [s.clusterName, s.endpoints]));
  const epAfter = new Map(endpoints.after.map((s) => [s.clusterName, s.endpoints]));
  const taken = new Set<string>();
  for (const y of b.values()) {
    if (y.subset === '' || a.has(y.name)) continue;
    const x = removed.find(
      (r) =>
        !taken.has(r.name) &&
        r.host === y.host &&
        r.port === y.port &&
        diffValues(r, y, '', RENAME_IGNORED).length === 0 &&
        // The endpoints are what show it is the same set of pods (clusters carry no labels),
        // so a host whose endpoints the repository does not list is never called a rename.
        (epBefore.get(r.name)?.length ?? 0) > 0 &&
        sameValue(epBefore.get(r.name), epAfter.get(y.name)),
    );
    if (x) {
      taken.add(x.name);
      out.set(y.name, x);
    }
  }
  return out;
}

/** What differs between a cluster and the same cluster under another subset name. */
const RENAME_IGNORED = new Set(['source', 'name', 'subset']);

/** `maglev on header x-user, table 251`: the hash key and the table or ring size, which decide where each key lands. */
function describeLb(lb: IrLoadBalancer): string {
  if (!isConsistentHash(lb)) return lb.kind;
  const sizes = [lb.minimumRingSize ? `ring ${lb.minimumRingSize}` : '', lb.tableSize ? `table ${lb.tableSize}` : ''].filter(Boolean);
  return [lb.hashOn ? `${lb.kind} on ${describeHashOn(lb.hashOn)}` : `${lb.kind} on no key (a random host per request)`, ...sizes].join(', ');
}

/** A cookie Envoy sets itself (ttl) with its path and attributes: `cookie session (path /a, ttl 60s, attributes SameSite=Strict, Secure)`. */
function describeHashOn(h: IrHashPolicy): string {
  if (h.kind === 'source_ip') return 'source IP';
  const on = `${h.kind.replace('_', ' ')} ${h.name}`;
  if (h.kind !== 'cookie') return on;
  const details: string[] = [];
  if (h.path !== undefined) details.push(`path ${h.path}`);
  if (h.ttlMs !== undefined) details.push(`ttl ${formatMs(h.ttlMs)}`);
  if (h.attributes?.length) details.push(`attributes ${h.attributes.map((a) => (a.value === undefined ? a.name : `${a.name}=${a.value}`)).join(', ')}`);
  return details.length > 0 ? `${on} (${details.join(', ')})` : on;
}

function describeCluster(c: IrCluster): string {
  const parts = [`${c.discovery}`, `lb ${describeLb(c.loadBalancer)}`];
  if (c.tls) parts.push('tls');
  if (c.http2) parts.push('http2');
  return parts.join(', ');
}

/** A cluster's parts with a line in clusterSummary; a changed field elsewhere gets a line of its own. */
const CLUSTER_PARTS = ['loadBalancer', 'connectionPool', 'tcpProxy', 'outlierDetection', 'tls', 'connectTimeoutMs', 'discovery', 'dnsTargets', 'http2'];

/** One line per setting group a reader thinks in (load balancing, connection pool, ...), named as in the DestinationRule. */
function clusterSummary(x: IrCluster, y: IrCluster, fields: readonly FieldChange[]): string[] {
  const lines: string[] = [];
  const settings = (label: string, a: object | undefined, b: object | undefined, skip: ReadonlySet<string> = new Set(), name?: (field: string) => string) => {
    const line = settingsLine(label, a, b, skip, name);
    if (line) lines.push(line);
  };
  lines.push(...partLines('load balancer', 'loadBalancer', x.loadBalancer, y.loadBalancer, describeLb));
  // The pool's connect timeout is the cluster's, which has its own line below (when it moved).
  settings('connection pool', x.connectionPool, y.connectionPool, x.connectTimeoutMs !== y.connectTimeoutMs ? new Set(['connectTimeoutMs']) : new Set(), poolSettingName);
  // A TCP proxy's own timeouts (the DestinationRule's top-level connectionPool.tcp): absent is all unset.
  settings('tcp proxy', x.tcpProxy ?? {}, y.tcpProxy ?? {}, new Set(), tcpProxySettingName);
  settings('outlier detection', x.outlierDetection, y.outlierDetection);
  lines.push(
    ...partLines('tls', 'tls', x.tls, y.tls, formatValue),
    ...partLines('connect timeout', 'connectTimeoutMs', x.connectTimeoutMs, y.connectTimeoutMs, formatMs),
    ...partLines('discovery', 'discovery', x.discovery, y.discovery, formatValue),
    ...partLines('dns targets', 'dnsTargets', x.dnsTargets, y.dnsTargets, describeTargets),
    ...partLines('http2', 'http2', x.http2, y.http2, formatValue),
    // A field none of the lines above is about (one newer than them): never an empty row.
    ...uncoveredLines(fields, CLUSTER_PARTS),
  );
  return lines.length > 0 ? lines : fields.map(fieldLine);
}

/** `[db-1.example.com:5432, db-2.example.com:5432 weight 2]`: a target's weight and locality when set. */
function describeTargets(targets: readonly IrEndpoint[]): string {
  return formatValue(targets.map((t) => `${addr(t)}${t.weight !== undefined ? ` weight ${t.weight}` : ''}${t.locality !== undefined ? ` locality ${t.locality}` : ''}`));
}

/** `idleTimeout` → `idle timeout`: the TCP proxy's timeouts, not the connection pool's settings of the same names. */
function tcpProxySettingName(field: string): string {
  return field === 'idleTimeout' ? 'idle timeout' : field === 'maxConnectionDuration' ? 'max connection duration' : field;
}

/**
 * A settings group (connection pool, outlier detection) as the settings that changed, in
 * Istio's terms: `outlier detection: maxEjectionPercent 50 → 100, baseEjectionTime 30s → 1m`.
 * A setting no longer given is "unset": Envoy then applies its own default (which may well be
 * the old value). A whole group appearing or going is shown whole.
 */
function settingsLine(label: string, a: object | undefined, b: object | undefined, skip: ReadonlySet<string>, name = (field: string) => field): string | undefined {
  if (sameValue(a, b)) return undefined;
  if (a === undefined || b === undefined) return `${label}: ${formatValue(a)} → ${formatValue(b)}`;
  const parts = diffValues(a, b, '')
    .filter((c) => !skip.has(c.field))
    .map((c) => {
      const ms = c.field.endsWith('Ms');
      const show = (v: unknown) => (v === undefined ? 'unset' : ms && typeof v === 'number' ? formatMs(v) : formatValue(v));
      return `${name(ms ? c.field.slice(0, -2) : c.field)} ${show(c.before)} → ${show(c.after)}`;
    });
  return parts.length === 0 ? undefined : `${label}: ${parts.join(', ')}`;
}

export function diffEndpoints(
  before: readonly IrEndpointSet[],
  after: readonly IrEndpointSet[],
): EndpointChange[] {
  const a = new Map(before.map((s) => [s.clusterName, s.endpoints]));
  const out: EndpointChange[] = [];
  for (const set of [...after].sort((p, q) => p.clusterName.localeCompare(q.clusterName))) {
    const old = a.get(set.clusterName);
    if (!old) continue; // a new cluster: its endpoints are part of "cluster added"
    if (sameValue(old, set.endpoints)) continue;
    const oldByAddr = new Map(old.map((e) => [addr(e), e]));
    const newByAddr = new Map(set.endpoints.map((e) => [addr(e), e]));
    const added = [...newByAddr.keys()].filter((k) => !oldByAddr.has(k)).sort();
    const removed = [...oldByAddr.keys()].filter((k) => !newByAddr.has(k)).sort();
    const changed = [...newByAddr].filter(([k, e]) => oldByAddr.has(k) && !sameValue(oldByAddr.get(k), e)).map(([k]) => k).sort();
    if (added.length + removed.length + changed.length > 0) {
      out.push({ cluster: set.clusterName, before: old.length, after: set.endpoints.length, added, removed, changed });
    }
  }
  return out;
}

function addr(e: IrEndpoint): string {
  return isUnixAddress(e.address) ? e.address : `${e.address}:${e.port}`; // a socket has no port
}

export function describeEndpointChange(e: EndpointChange): string {
  const parts = [`${e.before} → ${e.after} endpoints`];
  if (e.added.length) parts.push(`+${e.added.join(' +')}`);
  if (e.removed.length) parts.push(`-${e.removed.join(' -')}`);
  if (e.changed.length) parts.push(`~${e.changed.join(' ~')}`);
  return parts.join(' ');
}

/** A connection pool setting (the IR's name, `Ms` dropped) as the DestinationRule spells it: `tcp.idleTimeout`, `http.maxRetries`. */
function poolSettingName(field: string): string {
  if (field === 'tcpIdleTimeout') return 'tcp.idleTimeout';
  // The trafficPolicy's retryBudget, carried with the pool (it is a circuit-breaker setting).
  if (field.startsWith('retryBudget')) return field;
  if (field === 'idleTimeout') return 'http.idleTimeout';
  const keepalive = /^tcpKeepalive\.(\w+)$/.exec(field);
  if (keepalive) return `tcp.tcpKeepalive.${keepalive[1]!.replace(/Ms$/, '')}`;
  return `${TCP_POOL_SETTINGS.has(field) ? 'tcp' : 'http'}.${field}`;
}

const TCP_POOL_SETTINGS: ReadonlySet<string> = new Set(['maxConnections', 'connectTimeout', 'maxConnectionDuration', 'tcpKeepalive']);
