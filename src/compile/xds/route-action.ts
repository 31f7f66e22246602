// IrRouteAction → the action part of envoy.config.route.v3.Route: `route` (forward),
// `redirect` or `direct_response`.
import type { IrCluster, IrDirectResponse, IrForward, IrHashPolicy, IrHeaderOpSet, IrRedirect, IrRetry } from '../ir/types.ts';
import { isConsistentHash } from '../ir/load-balancer.ts';
import { anyOf, duration, fractionalPercent, wrap, type ProtoObject } from './proto-values.ts';
import type { XdsReader } from './reader.ts';
import { timeoutFields } from './route-timeout.ts';

const REDIRECT_CODES: Readonly<Record<number, string>> = {
  301: 'MOVED_PERMANENTLY',
  302: 'FOUND',
  303: 'SEE_OTHER',
  307: 'TEMPORARY_REDIRECT',
  308: 'PERMANENT_REDIRECT',
};

/** Envoy's retry host predicate that avoids retrying on a host that already failed. */
const PREVIOUS_HOSTS = 'envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate';
const PREVIOUS_PRIORITIES = 'envoy.extensions.retry.priority.previous_priorities.v3.PreviousPrioritiesConfig';

/**
 * The clusters route building may consult, by name. A Map satisfies it; assembly passes a
 * lookup over the IR's sorted cluster array instead of building a map of every name.
 */
export interface ClusterLookup {
  get(name: string): IrCluster | undefined;
  values(): Iterable<IrCluster>;
}

/** The RouteAction of a forward, as `reader` gets it: only the timeout's fields differ for gRPC (route-timeout.ts). */
export function buildForward(action: IrForward, clusters: ClusterLookup, reader: XdsReader = 'envoy'): ProtoObject {
  const out: ProtoObject = {};
  const [only] = action.destinations;
  // A lone destination with its own authority (what is left of a weighted split, as Istio
  // keeps it) stays a weighted cluster: `cluster` has nowhere to put it.
  if (action.destinations.length === 1 && only && only.authority === undefined) out.cluster = only.cluster;
  else {
    // Weights are relative: Envoy (since 1.22) sums them itself and needs no total_weight.
    out.weighted_clusters = {
      clusters: action.destinations.map((d) => ({
        name: d.cluster,
        weight: wrap(d.weight),
        // This destination's own header operations (ClusterWeight has the same four fields as Route).
        ...(d.headers ? { ...headerOps('request', d.headers.request), ...headerOps('response', d.headers.response) } : {}),
        // As Istio (route.go processWeightedDestination): this destination's Host.
        ...(d.authority !== undefined ? { host_rewrite_literal: d.authority } : {}),
      })),
    };
  }
  const rewrite = action.rewrite;
  if (rewrite?.uri !== undefined) out.prefix_rewrite = rewrite.uri;
  else if (rewrite?.uriRegex) {
    out.regex_rewrite = { pattern: { regex: rewrite.uriRegex.pattern }, substitution: rewrite.uriRegex.substitution };
  }
  if (rewrite?.authority !== undefined) out.host_rewrite_literal = rewrite.authority;
  // The timeout in the fields `reader` acts on (route-timeout.ts).
  Object.assign(out, timeoutFields(action.timeoutMs, reader));
  if (action.retry && action.retry.attempts > 0) out.retry_policy = retryPolicy(action.retry);
  if (action.mirrors.length > 0) {
    out.request_mirror_policies = action.mirrors.map((m) => ({
      cluster: m.cluster,
      runtime_fraction: { default_value: fractionalPercent(m.percent) },
      // As Istio (route.go TranslateRequestMirrorPolicy): the copy does not carry the trace
      // sampling decision, so mirrored requests are not traced as sampled (Envoy's default is true).
      trace_sampled: wrap(false),
      // As Istio 1.28+ (DISABLE_SHADOW_HOST_SUFFIX): the copy keeps the request's Host, no `-shadow`.
      disable_shadow_host_suffix_append: true,
    }));
  }
  const hash = hashPoliciesFor(action, clusters);
  if (hash.length > 0) out.hash_policy = hash;
  return out;
}

export function buildRedirect(action: IrRedirect): ProtoObject {
  const out: ProtoObject = {};
  if (action.uri !== undefined) out.path_redirect = action.uri;
  if (action.authority !== undefined) out.host_redirect = action.authority;
  if (action.scheme !== undefined) out.scheme_redirect = action.scheme;
  if (action.port !== undefined) out.port_redirect = action.port;
  const code = REDIRECT_CODES[action.code];
  // MOVED_PERMANENTLY is the enum's zero value: leave it implicit.
  if (code && code !== 'MOVED_PERMANENTLY') out.response_code = code;
  return out;
}

export function buildDirectResponse(action: IrDirectResponse): ProtoObject {
  const out: ProtoObject = { status: action.status };
  if (action.body !== undefined) out.body = { inline_string: action.body };
  return out;
}

/** `<side>_headers_to_add` / `_to_remove` of a Route or a weighted ClusterWeight. */
export function headerOps(side: 'request' | 'response', ops: IrHeaderOpSet): ProtoObject {
  const out: ProtoObject = {};
  const add = [
    ...ops.set.map((h) => ({ header: { key: h.name, value: h.value }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' })),
    // APPEND_IF_EXISTS_OR_ADD is the enum's zero value; it is written out for readability
    // of the decoded form only (proto3 JSON omits it again).
    ...ops.add.map((h) => ({ header: { key: h.name, value: h.value }, append_action: 'APPEND_IF_EXISTS_OR_ADD' })),
  ];
  if (add.length > 0) out[`${side}_headers_to_add`] = add;
  if (ops.remove.length > 0) out[`${side}_headers_to_remove`] = [...ops.remove];
  return out;
}

function retryPolicy(retry: IrRetry): ProtoObject {
  const retryOn = [...retry.retryOn];
  if (retry.retriableStatusCodes.length > 0 && !retryOn.includes('retriable-status-codes')) {
    retryOn.push('retriable-status-codes');
  }
  const out: ProtoObject = { retry_on: retryOn.join(','), num_retries: wrap(retry.attempts) };
  // Settled by the front end (istio/route-action.ts): false keeps retries on a hashed host.
  if (retry.previousHosts !== false) {
    out.retry_host_predicate = [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: anyOf(PREVIOUS_HOSTS, {}) }];
  }
  // Istio sets it with or without the predicate (retry.go newRetryPolicy).
  out.host_selection_retry_max_attempts = 5;
  if (retry.perTryTimeoutMs !== undefined && retry.perTryTimeoutMs > 0) out.per_try_timeout = duration(retry.perTryTimeoutMs);
  // As Istio: the base interval only; Envoy caps the back-off at 10 times it.
  if (retry.backoffMs !== undefined) out.retry_back_off = { base_interval: duration(retry.backoffMs) };
  if (retry.retriableStatusCodes.length > 0) out.retriable_status_codes = [...retry.retriableStatusCodes];
  if (retry.retryRemoteLocalities) {
    // Spread retries over priorities (localities) instead of hammering the local one.
    out.retry_priority = {
      name: 'envoy.retry_priorities.previous_priorities',
      typed_config: anyOf(PREVIOUS_PRIORITIES, { update_frequency: 2 }),
    };
  }
  return out;
}

/**
 * Consistent hashing is a cluster setting in the IR but a route setting in Envoy. A route
 * gets the hash policy of each of its destinations' ring-hash/Maglev clusters, in destination
 * order, as Istio appends each weighted destination's (route.go); each distinct one once
 * (Istio repeats a policy two destinations share, which hashes alike). Destinations that hash on different keys give several policies, which Envoy
 * combines into one hash: a request still sticks to a host while every key it has stays the
 * same.
 */
export function hashPoliciesFor(action: IrForward, clusters: ClusterLookup): ProtoObject[] {
  const out: ProtoObject[] = [];
  const seen = new Set<string>();
  for (const d of action.destinations) {
    const lb = clusters.get(d.cluster)?.loadBalancer;
    if (!isConsistentHash(lb) || !lb.hashOn) continue;
    const key = JSON.stringify(lb.hashOn);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(hashPolicy(lb.hashOn));
  }
  return out;
}

function hashPolicy(chosen: IrHashPolicy): ProtoObject {
  switch (chosen.kind) {
    case 'header':
      return { header: { header_name: chosen.name } };
    case 'cookie': {
      const cookie: ProtoObject = { name: chosen.name };
      if (chosen.path !== undefined) cookie.path = chosen.path;
      if (chosen.ttlMs !== undefined) cookie.ttl = duration(chosen.ttlMs);
      if (chosen.attributes) cookie.attributes = chosen.attributes.map((a) => (a.value !== undefined ? { name: a.name, value: a.value } : { name: a.name }));
      return { cookie };
    }
    case 'source_ip':
      return { connection_properties: { source_ip: true } };
    case 'query_parameter':
      return { query_parameter: { name: chosen.name } };
  }
}
