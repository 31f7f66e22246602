import { describe, expect, it } from 'vitest';
import type { IrCluster } from '../../../src/compile/ir/types.ts';
import { buildCluster } from '../../../src/compile/xds/cluster.ts';
import { buildLoadAssignment } from '../../../src/compile/xds/endpoint.ts';
import { edsCluster } from './ir-fixtures.ts';
import { roundTrip } from './round-trip.ts';

const HOST = 'reviews.default.svc.cluster.local';

const MAX = 4_294_967_295;
const UNLIMITED = { max_connections: MAX, max_pending_requests: MAX, max_requests: MAX, max_retries: MAX, track_remaining: true };

describe('cluster translator', () => {
  it('makes an EDS cluster fed over ADS with v3 resources and the connect timeout', () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, 'v1', { connectTimeoutMs: 1500 })));
    expect(c).toEqual({
      name: 'outbound|9080|v1|reviews.default.svc.cluster.local',
      type: 'EDS',
      eds_cluster_config: { eds_config: { ads: {}, resource_api_version: 'V3' } },
      connect_timeout: '1.500s',
      // Without a DestinationRule limit, Istio's: none (Envoy's own would allow 3 retries at once).
      circuit_breakers: { thresholds: [UNLIMITED] },
    });
  });

  it('keeps limits a DestinationRule leaves at 0 unlimited, as Istio reads 0 as unset', () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { connectionPool: { maxRetries: 0, maxConnections: 7 } })));
    expect(c.circuit_breakers).toEqual({ thresholds: [{ ...UNLIMITED, max_connections: 7 }] });
  });

  const dnsCluster = (discovery: 'logical_dns' | 'strict_dns') =>
    edsCluster('api.example.com', 443, '', { discovery, dnsTargets: [{ address: 'api.example.com', port: 443 }] });

  it('makes DNS clusters with an inline load assignment Envoy resolves', () => {
    const c = roundTrip('cds', buildCluster(dnsCluster('logical_dns')));
    expect(c.eds_cluster_config).toBeUndefined();
    expect(c.load_assignment).toEqual({
      cluster_name: 'outbound|443||api.example.com',
      endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: 'api.example.com', port_value: 443 } } } }] }],
    });
  });

  it("resolves DNS clusters through Envoy's DNS cluster extension, with Istio's settings, not the deprecated Cluster fields", () => {
    const settings = { dns_refresh_rate: '60s', respect_dns_ttl: true, dns_lookup_family: 'V4_PREFERRED' };
    const extension = (config: Record<string, unknown>) => ({
      name: 'envoy.cluster.dns',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.clusters.dns.v3.DnsCluster', ...config },
    });
    const strict = roundTrip('cds', buildCluster(dnsCluster('strict_dns')));
    expect(strict.cluster_type).toEqual(extension(settings));
    // LOGICAL_DNS: the addresses of the one name are one host.
    const logical = roundTrip('cds', buildCluster(dnsCluster('logical_dns')));
    expect(logical.cluster_type).toEqual(extension({ ...settings, all_addresses_in_single_endpoint: true }));
    for (const c of [strict, logical]) {
      for (const deprecated of ['type', 'dns_refresh_rate', 'respect_dns_ttl', 'dns_lookup_family']) expect(c[deprecated], deprecated).toBeUndefined();
    }
  });

  it('writes DNS clusters for gRPC clients with the discovery type they read, without Envoy\'s resolver settings', () => {
    const logical = roundTrip('cds', buildCluster(dnsCluster('logical_dns'), 'grpc'));
    expect(logical.type).toBe('LOGICAL_DNS');
    expect(roundTrip('cds', buildCluster(dnsCluster('strict_dns'), 'grpc')).type).toBe('STRICT_DNS');
    for (const field of ['cluster_type', 'dns_refresh_rate', 'respect_dns_ttl', 'dns_lookup_family']) expect(logical[field], field).toBeUndefined();
    expect(logical.load_assignment).toEqual(roundTrip('cds', buildCluster(dnsCluster('logical_dns'))).load_assignment);
  });

  it('maps load balancers; consistent hashing gets a ring-hash policy with its ring size', () => {
    const lb = (loadBalancer: IrCluster['loadBalancer']) =>
      roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { loadBalancer })));
    expect(lb({ kind: 'round_robin' }).lb_policy).toBeUndefined(); // Envoy's default
    expect(lb({ kind: 'least_request' }).lb_policy).toBe('LEAST_REQUEST');
    expect(lb({ kind: 'random' }).lb_policy).toBe('RANDOM');
    expect(lb({ kind: 'maglev', hashOn: { kind: 'source_ip' } }).lb_policy).toBe('MAGLEV');
    const ring = lb({ kind: 'ring_hash', hashOn: { kind: 'header', name: 'x-user' }, minimumRingSize: 2048 });
    expect(ring.lb_policy).toBe('RING_HASH');
    expect(ring.ring_hash_lb_config).toEqual({ minimum_ring_size: '2048' });
    const passthrough = lb({ kind: 'passthrough' });
    expect(passthrough.type).toBe('ORIGINAL_DST');
    expect(passthrough.lb_policy).toBe('CLUSTER_PROVIDED');
  });

  it('turns the connection pool into circuit breakers, keepalive and HTTP protocol options', () => {
    const c = roundTrip(
      'cds',
      buildCluster(
        edsCluster(HOST, 9080, '', {
          http2: true,
          connectionPool: {
            maxConnections: 100,
            http1MaxPendingRequests: 10,
            http2MaxRequests: 1000,
            maxRetries: 3,
            connectTimeoutMs: 250,
            idleTimeoutMs: 60_000,
            maxRequestsPerConnection: 5,
            maxConcurrentStreams: 64,
            tcpKeepalive: { probes: 9, timeMs: 7_200_000, intervalMs: 75_000 },
          },
        }),
      ),
    );
    expect(c.connect_timeout).toBe('0.250s');
    expect(c.circuit_breakers).toEqual({
      thresholds: [{ max_connections: 100, max_pending_requests: 10, max_requests: 1000, max_retries: 3, track_remaining: true }],
    });
    expect(c.upstream_connection_options).toEqual({
      tcp_keepalive: { keepalive_probes: 9, keepalive_time: 7200, keepalive_interval: 75 },
    });
    expect(c.typed_extension_protocol_options).toEqual({
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        common_http_protocol_options: { idle_timeout: '60s', max_requests_per_connection: 5 },
        explicit_http_config: { http2_protocol_options: { max_concurrent_streams: 64 } },
      },
    });
  });

  it('leaves an HTTP/2 stream limit of 0 unset, as Istio (Envoy rejects a cluster with 0)', () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { http2: true, connectionPool: { maxConcurrentStreams: 0 } })));
    expect(c.typed_extension_protocol_options).toEqual({
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions': {
        '@type': 'type.googleapis.com/envoy.extensions.upstreams.http.v3.HttpProtocolOptions',
        explicit_http_config: { http2_protocol_options: {} },
      },
    });
  });

  it("lets the TCP idle timeout and connection lifetime stand for HTTP connections too, as Istio (http.idleTimeout first)", () => {
    const options = (connectionPool: Record<string, number>) =>
      (roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { connectionPool }))).typed_extension_protocol_options as Record<string, { common_http_protocol_options: unknown }>)[
        'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
      ]!.common_http_protocol_options;
    expect(options({ tcpIdleTimeoutMs: 90_000, maxConnectionDurationMs: 3_600_000 })).toEqual({ idle_timeout: '90s', max_connection_duration: '3600s' });
    expect(options({ tcpIdleTimeoutMs: 90_000, idleTimeoutMs: 30_000 })).toEqual({ idle_timeout: '30s' });
    // 0s, present: Envoy then never closes an idle connection (absent, it closes after an hour).
    expect(options({ tcpIdleTimeoutMs: 0 })).toEqual({ idle_timeout: '0s' });
  });

  it('enforces both 5xx and gateway-error ejection and sets the panic threshold', () => {
    const c = roundTrip(
      'cds',
      buildCluster(
        edsCluster(HOST, 9080, '', {
          outlierDetection: {
            consecutive5xxErrors: 5,
            consecutiveGatewayErrors: 3,
            intervalMs: 10_000,
            baseEjectionTimeMs: 30_000,
            maxEjectionPercent: 50,
            minHealthPercent: 25,
          },
        }),
      ),
    );
    expect(c.outlier_detection).toMatchObject({
      consecutive_5xx: 5,
      enforcing_consecutive_5xx: 100,
      consecutive_gateway_failure: 3,
      enforcing_consecutive_gateway_failure: 100,
      interval: '10s',
      base_ejection_time: '30s',
      max_ejection_percent: 50,
    });
    expect(c.common_lb_config).toEqual({ healthy_panic_threshold: { value: 25 } });
    expect(c.outlier_detection).toMatchObject({ enforcing_success_rate: 0 }); // Istio ejects on consecutive errors only
  });

  it("leaves Envoy's ejection limit (10 %) for a maxEjectionPercent of 0, as Istio (0 % would eject no host)", () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { outlierDetection: { consecutive5xxErrors: 1, maxEjectionPercent: 0 } })));
    expect(c.outlier_detection).toEqual({ enforcing_success_rate: 0, consecutive_5xx: 1, enforcing_consecutive_5xx: 100 });
  });

  it('counts local-origin errors apart without ejecting on their success rate, as Istio', () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { outlierDetection: { splitExternalLocalOriginErrors: true } })));
    // Envoy's default would enforce local-origin success-rate ejection (100 %).
    expect(c.outlier_detection).toEqual({ enforcing_success_rate: 0, split_external_local_origin_errors: true, enforcing_local_origin_success_rate: 0 });
  });

  it('ejects a host after consecutiveLocalOriginFailures local-origin errors, enforced, only when they are counted apart, as Istio', () => {
    const od = (o: object) => roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { outlierDetection: o }))).outlier_detection;
    expect(od({ splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 3 })).toEqual({
      enforcing_success_rate: 0,
      split_external_local_origin_errors: true,
      consecutive_local_origin_failure: 3,
      enforcing_consecutive_local_origin_failure: 100,
      enforcing_local_origin_success_rate: 0,
    });
    // 0 is unset (Envoy's 5 applies); without the split Envoy ignores the count, and Istio leaves it out.
    expect(od({ splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 0 })).toEqual({ enforcing_success_rate: 0, split_external_local_origin_errors: true, enforcing_local_origin_success_rate: 0 });
    expect(od({ consecutiveLocalOriginFailures: 3 })).toEqual({ enforcing_success_rate: 0 });
    expect(od({ splitExternalLocalOriginErrors: false, consecutiveLocalOriginFailures: 3 })).toEqual({ enforcing_success_rate: 0 });
  });

  it('turns panic mode off with outlier detection unless minHealthPercent asks for it, as Istio', () => {
    const c = roundTrip('cds', buildCluster(edsCluster(HOST, 9080, '', { outlierDetection: { consecutive5xxErrors: 1 } })));
    // A Percent of 0, present: Envoy then never sends to ejected hosts (its default is 50 %).
    expect(c.common_lb_config).toEqual({ healthy_panic_threshold: {} });
    expect(roundTrip('cds', buildCluster(edsCluster(HOST, 9080, ''))).common_lb_config).toBeUndefined();
  });

  it('originates TLS 1.2 or 1.3 with SNI, a CA file and SAN matchers; skips verification when told', () => {
    const tls = { mode: 'simple' as const, sni: 'reviews.example', caCertificatesFile: '/etc/ca.pem', subjectAltNames: ['spiffe-a', 'b'] };
    const verified = roundTrip('cds', buildCluster(edsCluster(HOST, 443, '', { tls: { ...tls, insecureSkipVerify: false } })));
    expect(verified.transport_socket).toEqual({
      name: 'envoy.transport_sockets.tls',
      typed_config: {
        '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
        common_tls_context: {
          tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' },
          validation_context: {
            trusted_ca: { filename: '/etc/ca.pem' },
            // As Istio's untyped names: each counts as any kind of name in the certificate.
            match_typed_subject_alt_names: ['spiffe-a', 'b'].flatMap((name) =>
              ['DNS', 'URI', 'EMAIL', 'IP_ADDRESS'].map((san_type) => ({ san_type, matcher: { exact: name } })),
            ),
          },
        },
        sni: 'reviews.example',
      },
    });
    const insecure = roundTrip('cds', buildCluster(edsCluster(HOST, 443, '', { tls: { ...tls, insecureSkipVerify: true } })));
    expect((insecure.transport_socket as Record<string, unknown>).typed_config).toEqual({
      '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext',
      common_tls_context: { tls_params: { tls_minimum_protocol_version: 'TLSv1_2', tls_maximum_protocol_version: 'TLSv1_3' } },
      sni: 'reviews.example',
    });
  });
});

describe('TLS origination protocol options', () => {
  const options = (tls: IrCluster['tls']) =>
    (roundTrip('cds', buildCluster(edsCluster(HOST, 443, '', { tls }))).typed_extension_protocol_options as Record<string, Record<string, unknown>> | undefined)?.[
      'envoy.extensions.upstreams.http.v3.HttpProtocolOptions'
    ]?.upstream_http_protocol_options;
  it('sends the request host as SNI when the rule names none, and checks the certificate names it, as Istio', () => {
    expect(options({ mode: 'simple', caCertificatesFile: '/etc/ssl/certs/ca-certificates.crt', subjectAltNames: [], insecureSkipVerify: false })).toEqual({
      auto_sni: true,
      auto_san_validation: true,
    });
    // The rule's own SNI and names win; nothing to check without CAs or with insecureSkipVerify.
    expect(options({ mode: 'simple', sni: 'api.example', caCertificatesFile: '/ca.pem', subjectAltNames: ['api.example'], insecureSkipVerify: false })).toBeUndefined();
    // A rule's SNI alone: the certificate is for that name, so the request's host is not checked.
    expect(options({ mode: 'simple', sni: 'api.example', caCertificatesFile: '/ca.pem', subjectAltNames: [], insecureSkipVerify: false })).toBeUndefined();
    expect(options({ mode: 'simple', subjectAltNames: [], insecureSkipVerify: true })).toEqual({ auto_sni: true });
    expect(options({ mode: 'simple', subjectAltNames: [], insecureSkipVerify: false })).toEqual({ auto_sni: true });
  });
});

describe('endpoint translator', () => {
  it('groups endpoints by locality (sorted) and keeps weights', () => {
    const cla = roundTrip(
      'eds',
      buildLoadAssignment({
        clusterName: 'c',
        endpoints: [
          { address: '10.0.0.1', port: 80, locality: 'us-east/zone-b' },
          { address: '10.0.0.2', port: 80, weight: 3 },
          { address: '10.0.0.3', port: 80, locality: 'us-east/zone-a/rack1' },
        ],
      }),
    );
    const addr = (a: string) => ({ address: { socket_address: { address: a, port_value: 80 } } });
    expect(cla).toEqual({
      cluster_name: 'c',
      endpoints: [
        { lb_endpoints: [{ endpoint: addr('10.0.0.2'), load_balancing_weight: 3 }] },
        { locality: { region: 'us-east', zone: 'zone-a', sub_zone: 'rack1' }, lb_endpoints: [{ endpoint: addr('10.0.0.3') }] },
        { locality: { region: 'us-east', zone: 'zone-b' }, lb_endpoints: [{ endpoint: addr('10.0.0.1') }] },
      ],
    });
  });
});
