// DestinationRule traffic policy → the IR's cluster settings, with Istio's merge order:
//   1. the rule's top-level policy, replaced WHOLE by its portLevelSettings entry for the
//      port when there is one (Istio: port-level settings do not inherit);
//   2. each group (loadBalancer, connectionPool, outlierDetection, tls) the subset's policy
//      sets replaces that group;
//   3. the subset's own portLevelSettings entry for the port, when present, replaces all.
import type { IrConnectionPool, IrLoadBalancer, IrOutlierDetection, IrUpstreamTls } from '../ir/types.ts';
import type { ClientTls, ConnectionPool, LoadBalancer, OutlierDetection, TrafficPolicy } from '../schema/index.ts';
import { durationToWholeMs } from '../schema/index.ts';

export interface PolicyGroups {
  readonly loadBalancer?: LoadBalancer;
  readonly connectionPool?: ConnectionPool;
  readonly outlierDetection?: OutlierDetection;
  readonly tls?: ClientTls;
}

export function mergePolicy(top: TrafficPolicy | undefined, subset: TrafficPolicy | undefined, port: number): PolicyGroups {
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
  return {
    ...(p.loadBalancer ? { loadBalancer: p.loadBalancer } : {}),
    ...(p.connectionPool ? { connectionPool: p.connectionPool } : {}),
    ...(p.outlierDetection ? { outlierDetection: p.outlierDetection } : {}),
    ...(p.tls ? { tls: p.tls } : {}),
  };
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
          } as const)
        : ch.httpQueryParameterName
          ? ({ kind: 'query_parameter', name: ch.httpQueryParameterName } as const)
          : ({ kind: 'source_ip' } as const);
    const ring = ch.ringHash?.minimumRingSize ?? ch.minimumRingSize;
    return ch.maglev
      ? { kind: 'maglev', hashOn }
      : { kind: 'ring_hash', hashOn, ...(ring !== undefined ? { minimumRingSize: ring } : {}) };
  }
  return { kind: SIMPLE[lb?.simple ?? 'UNSPECIFIED'] };
}

export function toConnectionPool(cp: ConnectionPool | undefined): IrConnectionPool | undefined {
  if (!cp) return undefined;
  const { tcp, http } = cp;
  const keep = tcp?.tcpKeepalive;
  const out: IrConnectionPool = {
    ...num('maxConnections', tcp?.maxConnections),
    ...ms('connectTimeoutMs', tcp?.connectTimeout),
    ...(keep
      ? { tcpKeepalive: { ...num('probes', keep.probes), ...ms('timeMs', keep.time), ...ms('intervalMs', keep.interval) } }
      : {}),
    ...num('http1MaxPendingRequests', http?.http1MaxPendingRequests),
    ...num('http2MaxRequests', http?.http2MaxRequests),
    ...num('maxRequestsPerConnection', http?.maxRequestsPerConnection),
    ...num('maxRetries', http?.maxRetries),
    ...ms('idleTimeoutMs', http?.idleTimeout),
    ...num('maxConcurrentStreams', http?.maxConcurrentStreams),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}

export function toOutlierDetection(od: OutlierDetection | undefined): IrOutlierDetection | undefined {
  if (!od) return undefined;
  return {
    ...num('consecutive5xxErrors', od.consecutive5xxErrors ?? od.consecutiveErrors),
    ...num('consecutiveGatewayErrors', od.consecutiveGatewayErrors),
    ...ms('intervalMs', od.interval),
    ...ms('baseEjectionTimeMs', od.baseEjectionTime),
    ...num('maxEjectionPercent', od.maxEjectionPercent),
    ...num('minHealthPercent', od.minHealthPercent),
    ...(od.splitExternalLocalOriginErrors !== undefined
      ? { splitExternalLocalOriginErrors: od.splitExternalLocalOriginErrors }
      : {}),
  };
}

/** Only SIMPLE originates TLS; DISABLE (and absent) means plain text. MUTUAL modes are rejected by validate. */
export function toUpstreamTls(tls: ClientTls | undefined): IrUpstreamTls | undefined {
  if (tls?.mode !== 'SIMPLE') return undefined;
  return {
    mode: 'simple',
    ...(tls.sni !== undefined ? { sni: tls.sni } : {}),
    ...(tls.caCertificates !== undefined ? { caCertificatesFile: tls.caCertificates } : {}),
    subjectAltNames: [...(tls.subjectAltNames ?? [])],
    insecureSkipVerify: tls.insecureSkipVerify ?? false,
  };
}

function num<K extends string>(key: K, v: number | undefined): Partial<Record<K, number>> {
  return v === undefined ? {} : ({ [key]: v } as Record<K, number>);
}

function ms<K extends string>(key: K, d: string | undefined): Partial<Record<K, number>> {
  const v = d === undefined ? undefined : durationToWholeMs(d);
  return v === undefined ? {} : ({ [key]: v } as Record<K, number>);
}
