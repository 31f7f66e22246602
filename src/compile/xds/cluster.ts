// IrCluster → envoy.config.cluster.v3.Cluster (plain object for protobufjs).
// EDS clusters get their endpoints over ADS; DNS clusters carry an inline load assignment
// that Envoy resolves itself (dns-cluster.ts); PASSTHROUGH becomes an ORIGINAL_DST cluster.
import type { IrCluster, IrConnectionPool, IrOutlierDetection, IrUpstreamTls } from '../ir/types.ts';
import { dnsDiscovery, type ClusterReader } from './dns-cluster.ts';
import { adsConfigSource, anyOf, compact, duration, wrap, type ProtoObject } from './proto-values.ts';
import { subjectAltNameMatchers } from './subject-alt-names.ts';

const HTTP_OPTIONS_KEY = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';
const TLS_CONTEXT = 'envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext';

/** Whether Envoy needs a ClusterLoadAssignment over EDS for this cluster. */
export function usesEds(cluster: IrCluster): boolean {
  return cluster.discovery === 'eds' && cluster.loadBalancer.kind !== 'passthrough';
}

/** The cluster as `reader` gets it: only a DNS cluster is written differently for gRPC (dns-cluster.ts). */
export function buildCluster(cluster: IrCluster, reader: ClusterReader = 'envoy'): ProtoObject {
  const pool = cluster.connectionPool;
  const out: ProtoObject = {
    name: cluster.name,
    connect_timeout: duration(pool?.connectTimeoutMs ?? cluster.connectTimeoutMs),
    ...discovery(cluster, reader),
    ...loadBalancing(cluster),
  };
  out.circuit_breakers = { thresholds: [circuitBreaker(pool)] };
  const keepalive = pool?.tcpKeepalive;
  if (keepalive) {
    out.upstream_connection_options = {
      tcp_keepalive: compact({
        keepalive_probes: keepalive.probes === undefined ? undefined : wrap(keepalive.probes),
        // Envoy counts keepalive time and interval in whole seconds.
        keepalive_time: keepalive.timeMs === undefined ? undefined : wrap(Math.max(1, Math.round(keepalive.timeMs / 1000))),
        keepalive_interval:
          keepalive.intervalMs === undefined ? undefined : wrap(Math.max(1, Math.round(keepalive.intervalMs / 1000))),
      }),
    };
  }
  if (cluster.outlierDetection) {
    out.outlier_detection = outlierDetection(cluster.outlierDetection);
    // As Istio: with outlier detection, Envoy's panic mode (which sends to ejected hosts once
    // fewer than half are healthy) is off unless minHealthPercent asks for it: with few pods
    // per service it would undo the ejections. A Percent of 0 must be set to count.
    out.common_lb_config = { healthy_panic_threshold: { value: cluster.outlierDetection.minHealthPercent ?? 0 } };
  }
  if (cluster.tls) out.transport_socket = upstreamTls(cluster.tls);
  const protocol = protocolOptions(cluster.http2, pool, cluster.tls);
  if (protocol) out.typed_extension_protocol_options = { [HTTP_OPTIONS_KEY]: anyOf(HTTP_OPTIONS_KEY, protocol) };
  return out;
}

function discovery(cluster: IrCluster, reader: ClusterReader): ProtoObject {
  if (cluster.loadBalancer.kind === 'passthrough') return { type: 'ORIGINAL_DST' };
  if (cluster.discovery === 'eds') return { type: 'EDS', eds_cluster_config: { eds_config: adsConfigSource() } };
  return dnsDiscovery(cluster, reader);
}

function loadBalancing(cluster: IrCluster): ProtoObject {
  const lb = cluster.loadBalancer;
  switch (lb.kind) {
    case 'round_robin':
      return {}; // ROUND_ROBIN is Envoy's default (enum value 0): leave it implicit.
    case 'least_request':
      return { lb_policy: 'LEAST_REQUEST' };
    case 'random':
      return { lb_policy: 'RANDOM' };
    case 'passthrough':
      return { lb_policy: 'CLUSTER_PROVIDED' };
    case 'ring_hash':
      return lb.minimumRingSize === undefined
        ? { lb_policy: 'RING_HASH' }
        : { lb_policy: 'RING_HASH', ring_hash_lb_config: { minimum_ring_size: wrap(lb.minimumRingSize) } };
    case 'maglev':
      return lb.tableSize === undefined ? { lb_policy: 'MAGLEV' } : { lb_policy: 'MAGLEV', maglev_lb_config: { table_size: wrap(lb.tableSize) } };
  }
}

/**
 * Every cluster's limits, as Istio sets them: unlimited unless the DestinationRule sets a
 * limit above 0 (Istio reads 0 as unset). Envoy's own defaults (1,024 connections, pending
 * and active requests; 3 retries at once) would otherwise apply, and 3 concurrent retries
 * turns a rollout's brief errors into client-facing 503s.
 */
function circuitBreaker(pool: IrConnectionPool | undefined): ProtoObject {
  const limit = (n: number | undefined) => wrap(n !== undefined && n > 0 ? n : UNLIMITED);
  return {
    max_connections: limit(pool?.maxConnections),
    max_pending_requests: limit(pool?.http1MaxPendingRequests),
    max_requests: limit(pool?.http2MaxRequests),
    max_retries: limit(pool?.maxRetries),
    track_remaining: true,
    // A retry budget replaces max_retries as Envoy's limit on concurrent retries.
    ...(pool?.retryBudget ? { retry_budget: { budget_percent: { value: pool.retryBudget.percent }, min_retry_concurrency: wrap(pool.retryBudget.minRetryConcurrency) } } : {}),
  };
}

/** The largest uint32: Istio's "no limit". */
const UNLIMITED = 4_294_967_295;

function outlierDetection(od: IrOutlierDetection): ProtoObject {
  // Envoy enforces consecutive-5xx by default but not gateway failures; Istio's semantics
  // are "eject when the configured count is reached", so both are enforced when set (> 0).
  return compact({
    // Success-rate ejection is Envoy's, not Istio's: off, as Istio sets it.
    enforcing_success_rate: wrap(0),
    consecutive_5xx: od.consecutive5xxErrors === undefined ? undefined : wrap(od.consecutive5xxErrors),
    enforcing_consecutive_5xx:
      od.consecutive5xxErrors === undefined ? undefined : wrap(od.consecutive5xxErrors > 0 ? 100 : 0),
    consecutive_gateway_failure:
      od.consecutiveGatewayErrors === undefined ? undefined : wrap(od.consecutiveGatewayErrors),
    enforcing_consecutive_gateway_failure:
      od.consecutiveGatewayErrors === undefined ? undefined : wrap(od.consecutiveGatewayErrors > 0 ? 100 : 0),
    interval: od.intervalMs === undefined ? undefined : duration(od.intervalMs),
    base_ejection_time: od.baseEjectionTimeMs === undefined ? undefined : duration(od.baseEjectionTimeMs),
    // As Istio, 0 is unset: Envoy's 10 % then applies (a limit of 0 % would eject no host at all).
    max_ejection_percent: od.maxEjectionPercent !== undefined && od.maxEjectionPercent > 0 ? wrap(od.maxEjectionPercent) : undefined,
    ...localOriginErrors(od),
  });
}

/**
 * With local-origin errors (connect failures, resets, timeouts) counted apart from the
 * upstream's 5xx, as Istio (applyOutlierDetection): ejection by their success rate is off too
 * (Envoy's default enforces it), so hosts are ejected for consecutive errors only; after
 * consecutiveLocalOriginFailures of them, enforced, when that is above 0 (else Envoy's 5).
 * Without the split, Envoy counts local-origin errors as 5xx and ignores the count: Istio
 * leaves it out, and so does meshlog.
 */
function localOriginErrors(od: IrOutlierDetection): ProtoObject {
  if (!od.splitExternalLocalOriginErrors) return {};
  const failures = od.consecutiveLocalOriginFailures;
  return {
    split_external_local_origin_errors: true,
    ...(failures !== undefined && failures > 0 ? { consecutive_local_origin_failure: wrap(failures), enforcing_consecutive_local_origin_failure: wrap(100) } : {}),
    enforcing_local_origin_success_rate: wrap(0),
  };
}

/**
 * As Istio's upstream TLS: TLS 1.2 to 1.3. Envoy's own client default stops at 1.2, so a
 * server that speaks TLS 1.3 only could not be reached.
 */
const UPSTREAM_TLS_VERSIONS: ProtoObject = Object.freeze({ tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' });

function upstreamTls(tls: IrUpstreamTls): ProtoObject {
  const common: ProtoObject = { tls_params: UPSTREAM_TLS_VERSIONS };
  // caCertificatesFile is the DestinationRule's, else the proxy's system bundle (the IR
  // resolved it); without either, or with insecureSkipVerify, the server is not verified.
  if (!tls.insecureSkipVerify && (tls.caCertificatesFile || tls.subjectAltNames.length > 0)) {
    common.validation_context = compact({
      trusted_ca: tls.caCertificatesFile ? { filename: tls.caCertificatesFile } : undefined,
      match_typed_subject_alt_names: subjectAltNameMatchers(tls.subjectAltNames),
    });
  }
  const context = compact({ common_tls_context: common, sni: tls.sni });
  return { name: 'envoy.transport_sockets.tls', typed_config: anyOf(TLS_CONTEXT, context) };
}

/**
 * HttpProtocolOptions: HTTP/2 upstreams (or the client's protocol), idle timeout, connection lifetime and requests per
 * connection; and for TLS origination, as Istio: the request's host as SNI when the rule names
 * none (auto_sni), and the server's certificate checked against that host only when the SNI is
 * that host, the rule lists no subjectAltNames, and it verifies at all (auto_san_validation).
 */
function protocolOptions(http2: boolean, pool: IrConnectionPool | undefined, tls: IrUpstreamTls | undefined): ProtoObject | undefined {
  // As Istio: the TCP settings stand in for HTTP connections too (http.idleTimeout first).
  const idle = pool?.idleTimeoutMs ?? pool?.tcpIdleTimeoutMs;
  const common = compact({
    idle_timeout: idle === undefined ? undefined : duration(idle),
    max_connection_duration: pool?.maxConnectionDurationMs === undefined ? undefined : duration(pool.maxConnectionDurationMs),
    max_requests_per_connection:
      pool?.maxRequestsPerConnection === undefined ? undefined : wrap(pool.maxRequestsPerConnection),
  });
  const hasCommon = Object.keys(common).length > 0;
  const upstream = tls
    ? compact({
        auto_sni: tls.sni === undefined || undefined,
        auto_san_validation: checksRequestHost(tls) || undefined,
      })
    : {};
  const hasUpstream = Object.keys(upstream).length > 0;
  if (pool?.useClientProtocol) {
    // HTTP/1.1 upstream for HTTP/1.1 requests, HTTP/2 for HTTP/2 ones; Istio's HTTP/2 options
    // are fresh here, so maxConcurrentStreams does not apply (setUseDownstreamProtocol).
    return compact({
      common_http_protocol_options: hasCommon ? common : undefined,
      upstream_http_protocol_options: hasUpstream ? upstream : undefined,
      use_downstream_protocol_config: { http_protocol_options: {}, http2_protocol_options: {} },
    });
  }
  if (!http2 && !hasCommon && !hasUpstream) return undefined;
  const streams = pool?.maxConcurrentStreams;
  const explicit = http2
    ? {
        // As Istio, 0 is unset (Envoy's default, 2147483647): Envoy rejects a limit of 0.
        http2_protocol_options: compact({ max_concurrent_streams: streams !== undefined && streams > 0 ? wrap(streams) : undefined }),
      }
    : { http_protocol_options: {} };
  return compact({
    common_http_protocol_options: hasCommon ? common : undefined,
    upstream_http_protocol_options: hasUpstream ? upstream : undefined,
    explicit_http_config: explicit,
  });
}

/**
 * Whether the server's certificate must name the request's host (Istio's
 * setAutoSniAndAutoSanValidation): only when that host is also the SNI. A rule's own `sni`
 * names the server it reaches (an egress name, say) whatever host the request was for, so its
 * certificate is checked against the CAs and any subjectAltNames only.
 */
function checksRequestHost(tls: IrUpstreamTls): boolean {
  return tls.sni === undefined && tls.subjectAltNames.length === 0 && !tls.insecureSkipVerify && tls.caCertificatesFile !== undefined;
}
