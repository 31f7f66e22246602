// DestinationRule traffic policies (top level, per port, per subset): load balancing,
// connection pool, outlier detection, client TLS.
import type { ClientTls, ConnectionPool, LoadBalancer, OutlierDetection, TrafficPolicy } from '../schema/index.ts';
import { checkHeaderName, checkHeaderValue } from './checks-http.ts';
import { INT32_MAX, MAGLEV_MAX_TABLE, UINT32_MAX, checkDuration, checkPercent, checkPort, checkRange } from './checks-values.ts';
import { at, type Path, type RuleContext } from './context.ts';

/** Envoy's keepalive_time/keepalive_interval are uint32 seconds. */
const KEEPALIVE_MAX_MS = 0xffffffff * 1000;
const HTTP_LIMITS = ['http1MaxPendingRequests', 'http2MaxRequests', 'maxRequestsPerConnection', 'maxRetries', 'maxConcurrentStreams'] as const;
const ERROR_COUNTS = ['consecutiveLocalOriginFailures', 'consecutiveGatewayErrors', 'consecutive5xxErrors', 'consecutiveErrors'] as const;
const CLIENT_CERTIFICATE_FIELDS = ['clientCertificate', 'privateKey', 'credentialName'] as const;

/** What makes a policy do something, as Istio counts it ("must have at least one field"). */
const POLICY_PARTS = ['loadBalancer', 'connectionPool', 'outlierDetection', 'tls'] as const;

export function checkTrafficPolicy(ctx: RuleContext, tp: TrafficPolicy | undefined, path: Path): void {
  if (!tp) return;
  // An empty portLevelSettings list is none, as Istio reads it.
  if (!POLICY_PARTS.some((k) => tp[k] !== undefined) && !tp.portLevelSettings?.length && tp.retryBudget === undefined) {
    ctx.report('ML3056', 'a trafficPolicy needs at least one of loadBalancer, connectionPool, outlierDetection, tls, portLevelSettings or retryBudget; Istio refuses an empty one', path);
  }
  checkPolicyParts(ctx, tp, path);
  if (tp.retryBudget) {
    const p = at(path, 'retryBudget');
    if (tp.retryBudget.percent !== undefined) checkPercent(ctx, tp.retryBudget.percent, at(p, 'percent'));
    checkRange(ctx, tp.retryBudget.minRetryConcurrency, at(p, 'minRetryConcurrency'), 0, UINT32_MAX);
  }
  if (tp.portLevelSettings === undefined) return;
  const seen = new Set<number>();
  tp.portLevelSettings.forEach((pls, i) => {
    const p = at(path, 'portLevelSettings', i);
    const port = pls.port?.number;
    if (port === undefined) ctx.report('ML3017', 'a portLevelSettings entry needs port.number', p);
    if (port !== undefined) checkPort(ctx, port, at(p, 'port', 'number'));
    if (port !== undefined && seen.has(port)) ctx.report('ML3034', `port ${port} has more than one portLevelSettings entry`, at(p, 'port', 'number'));
    if (port !== undefined) seen.add(port);
    // Istio refuses it; compiled, it would reset every policy of the port to the defaults.
    if (!POLICY_PARTS.some((k) => pls[k] !== undefined)) {
      ctx.report('ML3056', `the portLevelSettings entry${port === undefined ? '' : ` for port ${port}`} sets none of loadBalancer, connectionPool, outlierDetection, tls; Istio refuses it`, p);
    }
    checkPolicyParts(ctx, pls, p);
  });
}

function checkPolicyParts(
  ctx: RuleContext,
  tp: { loadBalancer?: LoadBalancer; connectionPool?: ConnectionPool; outlierDetection?: OutlierDetection; tls?: ClientTls },
  path: Path,
): void {
  if (tp.loadBalancer) checkLoadBalancer(ctx, tp.loadBalancer, at(path, 'loadBalancer'));
  if (tp.connectionPool) checkConnectionPool(ctx, tp.connectionPool, at(path, 'connectionPool'));
  if (tp.outlierDetection) checkOutlierDetection(ctx, tp.outlierDetection, at(path, 'outlierDetection'));
  if (tp.tls) checkClientTls(ctx, tp.tls, at(path, 'tls'));
}

function checkLoadBalancer(ctx: RuleContext, lb: LoadBalancer, path: Path): void {
  if (lb.simple !== undefined && lb.consistentHash) ctx.report('ML3030', 'set simple or consistentHash, not both', at(path, 'consistentHash'));
  if (lb.simple === 'LEAST_CONN') ctx.report('ML3028', 'LEAST_CONN is deprecated; use LEAST_REQUEST', at(path, 'simple'));
  const ch = lb.consistentHash;
  if (!ch) return;
  const p = at(path, 'consistentHash');
  const keys = (['httpHeaderName', 'httpCookie', 'useSourceIp', 'httpQueryParameterName'] as const).filter((k) => ch[k] !== undefined && ch[k] !== false);
  // None is valid Istio (no hash policy: Envoy picks hosts at random); two are not.
  if (keys.length > 1) ctx.report('ML3030', `set one hash key of httpHeaderName, httpCookie, useSourceIp, httpQueryParameterName, not several (found ${keys.join(', ')})`, p);
  if (ch.httpHeaderName !== undefined) checkHeaderName(ctx, ch.httpHeaderName, at(p, 'httpHeaderName'), false);
  if (ch.httpCookie) {
    if (ch.httpCookie.name === '') ctx.report('ML3039', 'the cookie name is empty', at(p, 'httpCookie', 'name'));
    if (ch.httpCookie.ttl !== undefined) checkDuration(ctx, ch.httpCookie.ttl, at(p, 'httpCookie', 'ttl'), 0);
    checkCookieAttributes(ctx, ch.httpCookie.attributes, at(p, 'httpCookie', 'attributes'));
  }
  if (ch.ringHash && ch.maglev) ctx.report('ML3030', 'set ringHash or maglev, not both', at(p, 'maglev'));
  if (ch.minimumRingSize !== undefined) {
    if (ch.ringHash || ch.maglev) ctx.report('ML3030', 'minimumRingSize (deprecated) cannot be combined with ringHash or maglev', at(p, 'minimumRingSize'));
    else ctx.report('ML3028', 'minimumRingSize is deprecated; use ringHash.minimumRingSize', at(p, 'minimumRingSize'));
  }
  if (ch.minimumRingSize !== undefined) checkRange(ctx, ch.minimumRingSize, at(p, 'minimumRingSize'), 1, 8_388_608);
  if (ch.ringHash?.minimumRingSize !== undefined) checkRange(ctx, ch.ringHash?.minimumRingSize, at(p, 'ringHash', 'minimumRingSize'), 1, 8_388_608);
  // Maglev's table size is a prime number below 5,000,011 (Istio; Envoy takes 5,000,011 too).
  // The range first: it also bounds isPrime's work.
  const table = ch.maglev?.tableSize;
  if (ch.maglev && table === undefined) ctx.report('ML3039', 'maglev needs a tableSize (a prime number, e.g. 65537); Istio refuses maglev without one', at(p, 'maglev'));
  if (table === undefined) return;
  if (table < 1 || table > MAGLEV_MAX_TABLE) checkRange(ctx, table, at(p, 'maglev', 'tableSize'), 1, MAGLEV_MAX_TABLE);
  else if (!isPrime(table)) ctx.report('ML3031', `maglev tableSize ${table} must be a prime number (e.g. 65537)`, at(p, 'maglev', 'tableSize'));
}

function isPrime(n: number): boolean {
  if (!Number.isInteger(n) || n < 2 || n > 5_000_011) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

function checkConnectionPool(ctx: RuleContext, cp: ConnectionPool, path: Path): void {
  if (cp.tcp === undefined && cp.http === undefined) ctx.report('ML3056', 'a connectionPool needs tcp or http settings; Istio refuses an empty one', path);
  const tcp = cp.tcp;
  if (tcp) {
    const p = at(path, 'tcp');
    // Istio's int32 (Envoy's uint32 max_connections would wrap anything larger).
    if (tcp.maxConnections !== undefined) checkRange(ctx, tcp.maxConnections, at(p, 'maxConnections'), 0, INT32_MAX);
    if (tcp.connectTimeout !== undefined) checkDuration(ctx, tcp.connectTimeout, at(p, 'connectTimeout'));
    if (tcp.maxConnectionDuration !== undefined) checkDuration(ctx, tcp.maxConnectionDuration, at(p, 'maxConnectionDuration'));
    // 0s turns the idle timeout off (Istio accepts it since 1.26; Envoy reads 0s as no timeout).
    if (tcp.idleTimeout !== undefined) checkDuration(ctx, tcp.idleTimeout, at(p, 'idleTimeout'), 0);
    if (tcp.tcpKeepalive) {
      const k = at(p, 'tcpKeepalive');
      if (tcp.tcpKeepalive.probes !== undefined) checkRange(ctx, tcp.tcpKeepalive.probes, at(k, 'probes'), 0, UINT32_MAX);
      // Envoy counts keepalive time and interval in whole seconds, as a uint32.
      if (tcp.tcpKeepalive.time !== undefined) checkDuration(ctx, tcp.tcpKeepalive.time, at(k, 'time'), 1000, KEEPALIVE_MAX_MS);
      if (tcp.tcpKeepalive.interval !== undefined) checkDuration(ctx, tcp.tcpKeepalive.interval, at(k, 'interval'), 1000, KEEPALIVE_MAX_MS);
    }
  }
  const http = cp.http;
  if (http) {
    const p = at(path, 'http');
    for (const key of HTTP_LIMITS) {
      if (http[key] !== undefined) checkRange(ctx, http[key], at(p, key), 0, INT32_MAX);
    }
    if (http.idleTimeout !== undefined) checkDuration(ctx, http.idleTimeout, at(p, 'idleTimeout'));
    if (http.h2UpgradePolicy === 'UPGRADE' && http.useClientProtocol === true) {
      ctx.report('ML3030', 'useClientProtocol cannot be true with h2UpgradePolicy UPGRADE (one keeps the client\'s protocol, the other upgrades it); Istio refuses it', at(p, 'useClientProtocol'));
    }
  }
}

function checkOutlierDetection(ctx: RuleContext, od: OutlierDetection, path: Path): void {
  for (const key of ERROR_COUNTS) {
    if (od[key] !== undefined) checkRange(ctx, od[key], at(path, key), 0, INT32_MAX);
  }
  if (od.consecutiveErrors !== undefined) ctx.report('ML3050', ignoredConsecutiveErrors(od), at(path, 'consecutiveErrors'));
  // Envoy counts local-origin failures apart only when told to split them.
  if ((od.consecutiveLocalOriginFailures ?? 0) > 0 && od.splitExternalLocalOriginErrors !== true) {
    ctx.report('ML3030', 'consecutiveLocalOriginFailures counts only with splitExternalLocalOriginErrors: true; Istio refuses it without', at(path, 'consecutiveLocalOriginFailures'));
  }
  if (od.interval !== undefined) checkDuration(ctx, od.interval, at(path, 'interval'));
  if (od.baseEjectionTime !== undefined) checkDuration(ctx, od.baseEjectionTime, at(path, 'baseEjectionTime'));
  if (od.maxEjectionPercent !== undefined) checkPercent(ctx, od.maxEjectionPercent, at(path, 'maxEjectionPercent'));
  if (od.minHealthPercent !== undefined) checkPercent(ctx, od.minHealthPercent, at(path, 'minHealthPercent'));
}

/** ML3050's words for the deprecated consecutiveErrors: what counts in its place. */
function ignoredConsecutiveErrors(od: OutlierDetection): string {
  const instead =
    od.consecutive5xxErrors !== undefined
      ? 'consecutive5xxErrors applies'
      : "Envoy's default applies (a host is ejected after 5 consecutive 5xx responses); use consecutive5xxErrors or consecutiveGatewayErrors";
  return `consecutiveErrors is deprecated and ignored, as Istio ignores it: ${instead}`;
}

function checkClientTls(ctx: RuleContext, tls: ClientTls, path: Path): void {
  // As Istio: a certificate that is not checked needs no CAs or names to check it against.
  if (tls.mode === 'SIMPLE' && tls.insecureSkipVerify === true) {
    const checking = (['caCertificates', 'subjectAltNames'] as const).find((k) => tls[k] !== undefined && tls[k] !== '');
    if (checking) ctx.report('ML3030', `${checking} cannot be set with insecureSkipVerify: true (the upstream's certificate is not verified); Istio refuses it`, at(path, checking));
  }
  if (tls.mode === 'MUTUAL' || tls.mode === 'ISTIO_MUTUAL') {
    ctx.report('ML3024', `TLS mode ${tls.mode} is not supported by meshlog yet (DISABLE and SIMPLE are)`, at(path, 'mode'));
  }
  for (const key of CLIENT_CERTIFICATE_FIELDS) {
    if (tls[key] !== undefined) ctx.report('ML3024', `${key} (client certificates) is not supported by meshlog yet`, at(path, key));
  }
}

/** As Istio: names non-empty and unique; as Envoy: names and values without control characters. */
function checkCookieAttributes(ctx: RuleContext, attributes: readonly { name: string; value?: string | undefined }[] | undefined, path: Path): void {
  const seen = new Set<string>();
  attributes?.forEach((a, i) => {
    const p = at(path, i);
    if (a.name === '') ctx.report('ML3039', 'the cookie attribute name is empty', at(p, 'name'));
    else if (seen.has(a.name)) ctx.report('ML3039', `cookie attribute "${a.name}" is given twice`, at(p, 'name'));
    else if (COOKIE_CONTROL.test(a.name)) ctx.report('ML3039', 'the cookie attribute name contains a control character', at(p, 'name'));
    seen.add(a.name);
    if (a.value !== undefined) checkHeaderValue(ctx, a.value, at(p, 'value'));
  });
}

// eslint-disable-next-line no-control-regex
const COOKIE_CONTROL = /[\u0000-\u001f\u007f]/;
