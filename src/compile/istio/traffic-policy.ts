// DestinationRule traffic policy → the IR's cluster settings, with Istio's merge order:
//   1. the rule's top-level policy, replaced WHOLE by its portLevelSettings entry for the
//      port when there is one (Istio: port-level settings do not inherit);
//   2. each group (loadBalancer, connectionPool, outlierDetection, tls) the subset's policy
//      sets replaces that group;
//   3. the subset's own portLevelSettings entry for the port, when present, replaces all
//      four groups.
// The retryBudget, which port-level settings cannot hold, follows Istio's copies of the policy:
// a port-level entry of a policy stands for that policy without its budget (step 1 drops the
// rule's, step 3 the subset's); the subset's budget, where it counts, replaces the rule's.
import type { IrConnectionPool, IrLoadBalancer, IrOutlierDetection, IrUpstreamTls } from '../ir/types.ts';
import type { ClientTls, ConnectionPool, LoadBalancer, OutlierDetection, RetryBudget, TrafficPolicy } from '../schema/index.ts';
import { durationToWholeMs } from '../schema/index.ts';

export interface PolicyGroups {
  readonly loadBalancer?: LoadBalancer;
  readonly connectionPool?: ConnectionPool;
  readonly outlierDetection?: OutlierDetection;
  readonly tls?: ClientTls;
  /** The subset's, else the rule's, each only where no port-level entry of its policy applies (see the top). */
  readonly retryBudget?: RetryBudget;
}

export function mergePolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): PolicyGroups {
  const groups = mergeGroups(top, subset, port);
  const retryBudget = budgetAtPort(subset, port) ?? budgetAtPort(top, port);
  return retryBudget ? { ...groups, retryBudget } : groups;
}

/**
 * A policy's retry budget for clusters of `port`: none where the policy has a portLevelSettings
 * entry for the port, as Istio's port-level copy of a policy (shadowCopyPortTrafficPolicy)
 * carries no budget.
 */
function budgetAtPort(p: TrafficPolicy | undefined, port: number): RetryBudget | undefined {
  if (!p?.retryBudget) return undefined;
  return p.portLevelSettings?.some((s) => s.port?.number === port) ? undefined : p.retryBudget;
}

function mergeGroups(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): PolicyGroups {
  const base = atPort(top, port);
  if (!subset) return base;
  const portLevel = subset.portLevelSettings?.find((p) => p.port?.number === port);
  if (portLevel) return groupsOf(portLevel);
  return {
    ...base,
    ...(subset.loadBalancer ? { loadBalancer: subset.loadBalancer } : {}),
    ...(subset.connectionPool ? { connectionPool: subset.connectionPool } : {}),
    ...(subset.outlierDetection ? { outlierDetection: subset.outlierDetection } : {}),
    ...(subset.tls ? { tls: subset.tls } : {}),
  };
}

function atPort(p: TrafficPolicy | undefined, port: number): PolicyGroups {
  if (!p) return {};
  const portLevel = p.portLevelSettings?.find((s) => s.port?.number === port);
  return groupsOf(portLevel ?? p);
}

function groupsOf(p: PolicyGroups): PolicyGroups {
  const out: Mutable<PolicyGroups> = {}; // field by field: no throw-away object per group
  if (p.loadBalancer) out.loadBalancer = p.loadBalancer;
  if (p.connectionPool) out.connectionPool = p.connectionPool;
  if (p.outlierDetection) out.outlierDetection = p.outlierDetection;
  if (p.tls) out.tls = p.tls;
  return out;
}

const SIMPLE = {
  UNSPECIFIED: 'least_request',
  ROUND_ROBIN: 'round_robin',
  LEAST_REQUEST: 'least_request',
  LEAST_CONN: 'least_request',
  RANDOM: 'random',
  PASSTHROUGH: 'passthrough',
} as const;

/** Istio's default when nothing is set is LEAST_REQUEST (since Istio 1.14). */
export function toLoadBalancer(lb: LoadBalancer | undefined): IrLoadBalancer {
  const ch = lb?.consistentHash;
  if (ch) {
    const hashOn = ch.httpHeaderName
      ? ({ kind: 'header', name: ch.httpHeaderName.toLowerCase() } as const)
      : ch.httpCookie
        ? ({
            kind: 'cookie',
            name: ch.httpCookie.name,
            ...(ch.httpCookie.path !== undefined ? { path: ch.httpCookie.path } : {}),
            ...ms('ttlMs', ch.httpCookie.ttl),
            ...(ch.httpCookie.attributes?.length
              ? { attributes: ch.httpCookie.attributes.map((a) => ({ name: a.name, ...(a.value !== undefined ? { value: a.value } : {}) })) }
              : {}),
          } as const)
        : ch.httpQueryParameterName
          ? ({ kind: 'query_parameter', name: ch.httpQueryParameterName } as const)
          : ch.useSourceIp
            ? ({ kind: 'source_ip' } as const)
            : undefined; // no key (or `useSourceIp: false`): Istio compiles no hash policy
    const ring = ch.ringHash?.minimumRingSize ?? ch.minimumRingSize;
    const table = ch.maglev?.tableSize;
    const key = hashOn ? { hashOn } : {};
    return ch.maglev
      ? { kind: 'maglev', ...key, ...(table ? { tableSize: table } : {}) } // 0 is unset, as in Istio
      : { kind: 'ring_hash', ...key, ...(ring !== undefined ? { minimumRingSize: ring } : {}) };
  }
  return { kind: SIMPLE[lb?.simple ?? 'UNSPECIFIED'] };
}

export function toConnectionPool(cp: ConnectionPool | undefined): IrConnectionPool | undefined {
  if (!cp) return undefined;
  const { tcp, http } = cp;
  const keep = tcp?.tcpKeepalive;
  // Set field by field in the IR's order (no throw-away object per field, as spreads would make).
  const out: Mutable<IrConnectionPool> = {};
  if (tcp?.maxConnections !== undefined) out.maxConnections = tcp.maxConnections;
  const connectTimeout = msOf(tcp?.connectTimeout);
  if (connectTimeout !== undefined) out.connectTimeoutMs = connectTimeout;
  if (keep) {
    const k: Mutable<NonNullable<IrConnectionPool['tcpKeepalive']>> = {};
    if (keep.probes !== undefined) k.probes = keep.probes;
    const time = msOf(keep.time);
    if (time !== undefined) k.timeMs = time;
    const interval = msOf(keep.interval);
    if (interval !== undefined) k.intervalMs = interval;
    out.tcpKeepalive = k;
  }
  if (http?.http1MaxPendingRequests !== undefined) out.http1MaxPendingRequests = http.http1MaxPendingRequests;
  if (http?.http2MaxRequests !== undefined) out.http2MaxRequests = http.http2MaxRequests;
  if (http?.maxRequestsPerConnection !== undefined) out.maxRequestsPerConnection = http.maxRequestsPerConnection;
  if (http?.maxRetries !== undefined) out.maxRetries = http.maxRetries;
  const idleTimeout = msOf(http?.idleTimeout);
  if (idleTimeout !== undefined) out.idleTimeoutMs = idleTimeout;
  if (http?.maxConcurrentStreams !== undefined) out.maxConcurrentStreams = http.maxConcurrentStreams;
  if (http?.useClientProtocol === true) out.useClientProtocol = true;
  const tcpIdle = msOf(tcp?.idleTimeout);
  if (tcpIdle !== undefined) out.tcpIdleTimeoutMs = tcpIdle;
  const maxDuration = msOf(tcp?.maxConnectionDuration);
  if (maxDuration !== undefined) out.maxConnectionDurationMs = maxDuration;
  return Object.keys(out).length > 0 ? out : undefined;
}

export function toOutlierDetection(od: OutlierDetection | undefined): IrOutlierDetection | undefined {
  if (!od) return undefined;
  const out: Mutable<IrOutlierDetection> = {};
  // Not the deprecated consecutiveErrors: Istio ignores it (validate warns, ML3050).
  if (od.consecutive5xxErrors !== undefined) out.consecutive5xxErrors = od.consecutive5xxErrors;
  if (od.consecutiveGatewayErrors !== undefined) out.consecutiveGatewayErrors = od.consecutiveGatewayErrors;
  const interval = msOf(od.interval);
  if (interval !== undefined) out.intervalMs = interval;
  const baseEjection = msOf(od.baseEjectionTime);
  if (baseEjection !== undefined) out.baseEjectionTimeMs = baseEjection;
  if (od.maxEjectionPercent !== undefined) out.maxEjectionPercent = od.maxEjectionPercent;
  if (od.minHealthPercent !== undefined) out.minHealthPercent = od.minHealthPercent;
  if (od.splitExternalLocalOriginErrors !== undefined) out.splitExternalLocalOriginErrors = od.splitExternalLocalOriginErrors;
  if (od.consecutiveLocalOriginFailures !== undefined) out.consecutiveLocalOriginFailures = od.consecutiveLocalOriginFailures;
  return out;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function msOf(d: string | undefined): number | undefined {
  return d === undefined ? undefined : durationToWholeMs(d);
}

/**
 * Only SIMPLE originates TLS; DISABLE (and absent) means plain text. MUTUAL modes are rejected
 * by validate. Without caCertificates the server is verified against `defaultCaFile` (the
 * proxy's system bundle, MeshConfig `defaults.caCertificates`), as Istio verifies against the
 * OS's CAs; `insecureSkipVerify` or an empty default turns that off.
 */
export function toUpstreamTls(tls: ClientTls | undefined, defaultCaFile: string): IrUpstreamTls | undefined {
  if (tls?.mode !== 'SIMPLE') return undefined;
  const caFile = tls.caCertificates ?? (tls.insecureSkipVerify || defaultCaFile === '' ? undefined : defaultCaFile);
  return {
    mode: 'simple',
    ...(tls.sni !== undefined ? { sni: tls.sni } : {}),
    ...(caFile !== undefined ? { caCertificatesFile: caFile } : {}),
    subjectAltNames: [...(tls.subjectAltNames ?? [])],
    insecureSkipVerify: tls.insecureSkipVerify ?? false,
  };
}

function ms<K extends string>(key: K, d: string | undefined): Partial<Record<K, number>> {
  const v = d === undefined ? undefined : durationToWholeMs(d);
  return v === undefined ? {} : ({ [key]: v } as Record<K, number>);
}

/**
 * A retry budget as Istio applies it (cluster_traffic_policy.go applyRetryBudget), on the
 * circuit-breaker thresholds, with or without other connection pool settings: `percent` as
 * given (0 is 0 %), else 20; a minimum of 3 retries unless `minRetryConcurrency` is above 0.
 */
export function withRetryBudget(pool: IrConnectionPool, budget: RetryBudget): IrConnectionPool {
  return {
    ...pool,
    retryBudget: {
      percent: budget.percent ?? 20,
      minRetryConcurrency: budget.minRetryConcurrency !== undefined && budget.minRetryConcurrency > 0 ? budget.minRetryConcurrency : 3,
    },
  };
}
