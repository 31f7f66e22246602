import { describe, expect, it } from 'vitest';
import type { IrCluster, IrRoute } from '../../../src/compile/ir/types.ts';
import type { XdsReader } from '../../../src/compile/xds/reader.ts';
import { buildRouteConfiguration } from '../../../src/compile/xds/route.ts';
import { clusterName, edsCluster, forward, route } from './ir-fixtures.ts';
import { roundTrip, type JsonObject } from './round-trip.ts';

const HOST = 'reviews.default.svc.cluster.local';
const V1 = clusterName(HOST, 9080, 'v1');
const V2 = clusterName(HOST, 9080, 'v2');

function compiled(routes: IrRoute[], clusters: IrCluster[] = [], reader: XdsReader = 'envoy'): JsonObject[] {
  const table = { name: '9080', virtualHosts: [{ name: `${HOST}:9080`, domains: ['reviews', 'reviews:9080'], routes }] };
  const rc = roundTrip('rds', buildRouteConfiguration(table, new Map(clusters.map((c) => [c.name, c])), reader));
  const [vh] = rc.virtual_hosts as JsonObject[];
  return vh!.routes as JsonObject[];
}

function one(r: IrRoute, clusters: IrCluster[] = []): JsonObject {
  return compiled([r], clusters)[0]!;
}

describe('route translator', () => {
  it('keeps virtual host domains, rule order and route names; never validates clusters', () => {
    const table = {
      name: '9080',
      virtualHosts: [{ name: `${HOST}:9080`, domains: ['reviews', 'reviews:9080'], routes: [route('a', forward([[V1, 1]])), route('b', forward([[V2, 1]]))] }],
    };
    const rc = roundTrip('rds', buildRouteConfiguration(table, new Map()));
    expect(rc.name).toBe('9080');
    expect(rc.validate_clusters).toBe(false);
    const [vh] = rc.virtual_hosts as JsonObject[];
    expect(vh!.domains).toEqual(['reviews', 'reviews:9080']);
    expect((vh!.routes as JsonObject[]).map((r) => r.name)).toEqual(['a', 'b']);
  });

  it('matches paths (any/exact/prefix/RE2), case-insensitively when asked', () => {
    const m = (path: IrRoute['match']['path'], ignoreCase = false) =>
      one(route('r', forward([[V1, 1]]), { match: { path, ignoreCase, headers: [], queryParams: [] } })).match;
    expect(m(undefined)).toEqual({ prefix: '/' });
    expect(m({ kind: 'exact', value: '/a' })).toEqual({ path: '/a' });
    expect(m({ kind: 'prefix', value: '/api' }, true)).toEqual({ prefix: '/api', case_sensitive: false });
    expect(m({ kind: 'regex', value: '/v[0-9]+/.*' })).toEqual({ safe_regex: { regex: '/v[0-9]+/.*' } });
  });

  it('matches headers (exact/prefix/regex/present, inverted) and query parameters', () => {
    const r = one(
      route('r', forward([[V1, 1]]), {
        match: {
          ignoreCase: false,
          headers: [
            { name: 'end-user', value: { kind: 'exact', value: 'jason' }, invert: false },
            { name: ':method', value: { kind: 'prefix', value: 'G' }, invert: false },
            { name: 'x-v', value: { kind: 'regex', value: 'v[12]' }, invert: true },
            { name: 'x-debug', invert: false },
            { name: 'x-gone', invert: true },
          ],
          queryParams: [{ name: 'q', value: { kind: 'exact', value: '1' } }, { name: 'flag' }],
        },
      }),
    );
    expect(r.match).toEqual({
      prefix: '/',
      headers: [
        { name: 'end-user', string_match: { exact: 'jason' } },
        { name: ':method', string_match: { prefix: 'G' } },
        // As Istio: an inverted value match takes requests without the header (as "").
        { name: 'x-v', invert_match: true, string_match: { safe_regex: { regex: 'v[12]' } }, treat_missing_header_as_empty: true },
        { name: 'x-debug', present_match: true },
        { name: 'x-gone', present_match: true, invert_match: true },
      ],
      query_parameters: [{ name: 'q', string_match: { exact: '1' } }, { name: 'flag', present_match: true }],
    });
  });

  it('sends to one cluster or to relative weights; timeout 0 disables Envoy’s 15 s default', () => {
    // max_grpc_timeout as Istio: a gRPC client's grpc-timeout counts, uncapped (0s) or capped by the timeout.
    expect(one(route('r', forward([[V1, 100]]))).route).toEqual({ cluster: V1, timeout: '0s', max_grpc_timeout: '0s' });
    expect(one(route('r', forward([[V1, 80], [V2, 20]], { timeoutMs: 2500 }))).route).toEqual({
      weighted_clusters: { clusters: [{ name: V1, weight: 80 }, { name: V2, weight: 20 }] },
      timeout: '2.500s',
      max_grpc_timeout: '2.500s',
    });
  });

  it("gives gRPC's client the timeout in max_stream_duration, the field it reads (gRFC A31), as istiod does for proxyless gRPC", () => {
    const grpc = (r: IrRoute) => compiled([r], [], 'grpc')[0]!;
    // `timeout` kept as istiod keeps it (gRPC ignores it), max_grpc_timeout (Envoy's) left out; 0s: the call's own deadline.
    expect(grpc(route('r', forward([[V1, 100]]))).route).toEqual({ cluster: V1, timeout: '0s', max_stream_duration: { max_stream_duration: '0s' } });
    expect(grpc(route('r', forward([[V1, 80], [V2, 20]], { timeoutMs: 2500 }))).route).toEqual({
      weighted_clusters: { clusters: [{ name: V1, weight: 80 }, { name: V2, weight: 20 }] },
      timeout: '2.500s',
      max_stream_duration: { max_stream_duration: '2.500s' },
    });
    // An abort without percentage: Envoy reads none as 0 %; grpc-js rejects the whole table for it, so gRPC gets the 0 % written.
    const fault = { abort: { grpcStatus: 14 } };
    expect((grpc(route('r', forward([[V1, 1]]), { fault })).typed_per_filter_config as JsonObject)['envoy.filters.http.fault']).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { grpc_status: 14, percentage: { denominator: 'MILLION' } },
    });
    expect((one(route('r', forward([[V1, 1]]), { fault })).typed_per_filter_config as JsonObject)['envoy.filters.http.fault']).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { grpc_status: 14 },
    });
  });

  it('writes retries, rewrites and mirrors', () => {
    const r = one(
      route(
        'r',
        forward([[V1, 1]], {
          retry: { attempts: 3, perTryTimeoutMs: 2000, retryOn: ['5xx', 'reset'], retriableStatusCodes: [503], retryRemoteLocalities: true, backoffMs: 250 },
          rewrite: { uri: '/v2/', authority: 'ratings' },
          mirrors: [{ cluster: V2, percent: 12.5 }],
        }),
      ),
    ).route as JsonObject;
    expect(r.prefix_rewrite).toBe('/v2/');
    expect(r.host_rewrite_literal).toBe('ratings');
    expect(r.retry_policy).toMatchObject({
      retry_on: '5xx,reset,retriable-status-codes',
      num_retries: 3,
      per_try_timeout: '2s',
      retriable_status_codes: [503],
      retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
      retry_priority: { name: 'envoy.retry_priorities.previous_priorities' },
      retry_back_off: { base_interval: '0.250s' },
    });
    expect(r.request_mirror_policies).toEqual([
      // trace_sampled false, as Istio: mirrored copies are not traced as sampled (Envoy's default is true).
      { cluster: V2, runtime_fraction: { default_value: { numerator: 125000, denominator: 'MILLION' } }, trace_sampled: false, disable_shadow_host_suffix_append: true },
    ]);
    const regex = one(route('r', forward([[V1, 1]], { rewrite: { uriRegex: { pattern: '^/old/(.*)$', substitution: '/new/\\1' } } })));
    expect((regex.route as JsonObject).regex_rewrite).toEqual({ pattern: { regex: '^/old/(.*)$' }, substitution: '/new/\\1' });
    const noRetry = one(route('r', forward([[V1, 1]], { retry: { attempts: 0, retryOn: [], retriableStatusCodes: [] } })));
    expect((noRetry.route as JsonObject).retry_policy).toBeUndefined();
  });

  it('puts the consistent-hash clusters’ hash policies on the routes that target them, each distinct one once', () => {
    const hashed = edsCluster(HOST, 9080, 'v1', { loadBalancer: { kind: 'ring_hash', hashOn: { kind: 'cookie', name: 'user', path: '/', ttlMs: 60_000 } } });
    const r = one(route('r', forward([[V1, 1]])), [hashed]).route as JsonObject;
    expect(r.hash_policy).toEqual([{ cookie: { name: 'user', ttl: '60s', path: '/' } }]);
    const src = edsCluster(HOST, 9080, 'v2', { loadBalancer: { kind: 'maglev', hashOn: { kind: 'source_ip' } } });
    const split = one(route('r', forward([[V1, 50], [V2, 50]])), [hashed, src]).route as JsonObject;
    // Destinations that hash on different keys: each one's policy, in order, as Istio appends them.
    expect(split.hash_policy).toEqual([{ cookie: { name: 'user', ttl: '60s', path: '/' } }, { connection_properties: { source_ip: true } }]);
    const same = edsCluster(HOST, 9080, 'v2', { loadBalancer: { kind: 'ring_hash', hashOn: { kind: 'cookie', name: 'user', path: '/', ttlMs: 60_000 } } });
    const agreed = one(route('r', forward([[V1, 50], [V2, 50]])), [hashed, same]).route as JsonObject;
    expect(agreed.hash_policy).toEqual([{ cookie: { name: 'user', ttl: '60s', path: '/' } }]);
    // A ring hash without a key (valid Istio): no policy of its own.
    const keyless = edsCluster(HOST, 9080, 'v2', { loadBalancer: { kind: 'ring_hash' } });
    const withKeyless = one(route('r', forward([[V1, 50], [V2, 50]])), [hashed, keyless]).route as JsonObject;
    expect(withKeyless.hash_policy).toEqual([{ cookie: { name: 'user', ttl: '60s', path: '/' } }]);
    expect((one(route('r', forward([[V2, 1]])), [keyless]).route as JsonObject).hash_policy).toBeUndefined();
  });

  it('writes the previous_hosts predicate unless the route keeps retries on its host (previousHosts: false)', () => {
    const retry = { attempts: 2, retryOn: ['connect-failure'], retriableStatusCodes: [] };
    const policy = (r: IrRoute) => (one(r).route as JsonObject).retry_policy as JsonObject;
    const predicate = [{ name: 'envoy.retry_host_predicates.previous_hosts', typed_config: { '@type': 'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate' } }];
    expect(policy(route('r', forward([[V1, 1]], { retry: { ...retry, previousHosts: true } }))).retry_host_predicate).toEqual(predicate);
    // Istio keeps host_selection_retry_max_attempts either way (retry.go).
    expect(policy(route('r', forward([[V1, 1]], { retry: { ...retry, previousHosts: false } })))).toEqual({ retry_on: 'connect-failure', num_retries: 2, host_selection_retry_max_attempts: '5' });
  });

  it('redirects with path/host/scheme/port and the right response code', () => {
    const r = one(route('r', { kind: 'redirect', uri: '/new', authority: 'b.example', scheme: 'https', port: 8443, code: 307 }));
    expect(r.redirect).toEqual({
      host_redirect: 'b.example',
      path_redirect: '/new',
      response_code: 'TEMPORARY_REDIRECT',
      scheme_redirect: 'https',
      port_redirect: 8443,
    });
    expect(one(route('r', { kind: 'redirect', uri: '/x', code: 301 })).redirect).toEqual({ path_redirect: '/x' });
    expect((one(route('r', { kind: 'redirect', uri: '/x', code: 303 })).redirect as JsonObject).response_code).toBe('SEE_OTHER');
  });

  it('answers directly with status and inline body', () => {
    expect(one(route('r', { kind: 'direct_response', status: 418, body: 'teapot' })).direct_response).toEqual({
      status: 418,
      body: { inline_string: 'teapot' },
    });
  });

  it('carries per-route fault and CORS through typed_per_filter_config', () => {
    const r = one(
      route('r', forward([[V1, 1]]), {
        fault: { delay: { fixedDelayMs: 5000, percent: 0.1 }, abort: { httpStatus: 503, percent: 50 } },
        cors: {
          allowOrigins: [{ kind: 'exact', value: 'https://a.example' }, { kind: 'regex', value: 'https://.*\\.b\\.example' }],
          allowMethods: ['GET', 'POST'],
          allowHeaders: ['x-a', 'x-b'],
          exposeHeaders: ['x-c'],
          maxAgeSeconds: 600,
          allowCredentials: false,
        },
      }),
    );
    expect(r.typed_per_filter_config).toEqual({
      'envoy.filters.http.cors': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.cors.v3.CorsPolicy',
        allow_origin_string_match: [{ exact: 'https://a.example' }, { safe_regex: { regex: 'https://.*\\.b\\.example' } }],
        allow_methods: 'GET,POST',
        allow_headers: 'x-a,x-b',
        expose_headers: 'x-c',
        max_age: '600',
        allow_credentials: false,
      },
      'envoy.filters.http.fault': {
        '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
        delay: { fixed_delay: '5s', percentage: { numerator: 1000, denominator: 'MILLION' } },
        abort: { http_status: 503, percentage: { numerator: 500000, denominator: 'MILLION' } },
      },
    });
    // No percentage (as Istio writes an abort without one): Envoy aborts no request.
    const unset = one(route('r', forward([[V1, 1]]), { fault: { abort: { httpStatus: 500 } } }));
    expect((unset.typed_per_filter_config as JsonObject)['envoy.filters.http.fault']).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault',
      abort: { http_status: 500 },
    });
    const grpc = one(route('r', forward([[V1, 1]]), { fault: { abort: { grpcStatus: 14, percent: 100 } } }));
    expect((grpc.typed_per_filter_config as JsonObject)['envoy.filters.http.fault']).toMatchObject({
      abort: { grpc_status: 14, percentage: { numerator: 1000000, denominator: 'MILLION' } },
    });
  });

  it('sets (overwrite), adds (append) and removes request and response headers', () => {
    const r = one(
      route('r', forward([[V1, 1]]), {
        headers: {
          request: { set: [{ name: 'x-set', value: '1' }], add: [{ name: 'x-add', value: '2' }], remove: ['x-rm'] },
          response: { set: [], add: [{ name: 'x-resp', value: '3' }], remove: ['server'] },
        },
      }),
    );
    expect(r.request_headers_to_add).toEqual([
      { header: { key: 'x-set', value: '1' }, append_action: 'OVERWRITE_IF_EXISTS_OR_ADD' },
      { header: { key: 'x-add', value: '2' } }, // APPEND_IF_EXISTS_OR_ADD is the zero value
    ]);
    expect(r.request_headers_to_remove).toEqual(['x-rm']);
    expect(r.response_headers_to_add).toEqual([{ header: { key: 'x-resp', value: '3' } }]);
    expect(r.response_headers_to_remove).toEqual(['server']);
  });
});
