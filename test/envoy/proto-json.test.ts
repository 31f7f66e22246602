import { describe, expect, it } from 'vitest';
import { decodeToJson } from '../../src/envoy/proto-json.ts';
import { messageType } from '../../src/envoy/proto-root.ts';

function roundTrip(typeName: string, object: Record<string, unknown>) {
  const type = messageType(typeName);
  return decodeToJson(typeName, type.encode(type.fromObject(object)).finish());
}

describe('proto3 JSON printing (Envoy config-dump style)', () => {
  it('prints durations with 0, 3, 6 or 9 fractional digits', () => {
    const d = (seconds: number, nanos: number) =>
      roundTrip('envoy.config.cluster.v3.Cluster', { name: 'c', connect_timeout: { seconds, nanos } }).connect_timeout;
    expect(d(5, 0)).toBe('5s');
    expect(d(1, 500_000_000)).toBe('1.500s');
    expect(d(0, 1_000)).toBe('0.000001s');
    expect(d(0, 1)).toBe('0.000000001s');
    expect(d(0, 0)).toBe('0s'); // present: a set-but-zero duration is not omitted
  });

  it('unwraps wrappers, prints enums by name, 64-bit integers as strings, omits defaults', () => {
    // A oneof member has explicit presence: set to its zero value, it is still printed.
    expect(roundTrip('envoy.config.cluster.v3.Cluster', { name: 'c', type: 'STATIC' }).type).toBe('STATIC');
    const c = roundTrip('envoy.config.cluster.v3.Cluster', {
      name: 'c',
      dns_lookup_family: 'AUTO', // the enum's zero value, no explicit presence: omitted
      lb_policy: 'MAGLEV',
      per_connection_buffer_limit_bytes: { value: 1024 },
      ring_hash_lb_config: { minimum_ring_size: { value: 4096 } },
      respect_dns_ttl: false,
    });
    expect(c).toEqual({
      name: 'c',
      lb_policy: 'MAGLEV',
      per_connection_buffer_limit_bytes: 1024,
      ring_hash_lb_config: { minimum_ring_size: '4096' },
    });
  });

  it('expands Any recursively with its @type, and prints maps with sorted keys', () => {
    const tls = messageType('envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext');
    const inner = tls.encode(tls.fromObject({ sni: 'a.example' })).finish();
    const c = roundTrip('envoy.config.cluster.v3.Cluster', {
      name: 'c',
      transport_socket: {
        name: 'tls',
        typed_config: { type_url: 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', value: inner },
      },
      // protobufjs bundles google.protobuf.Value with camelCase field names.
      metadata: { filter_metadata: { zeta: { fields: { b: { numberValue: 2 } } }, alpha: { fields: { a: { stringValue: 'x' } } } } },
    });
    expect(c.transport_socket).toEqual({
      name: 'tls',
      typed_config: { '@type': 'type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext', sni: 'a.example' },
    });
    expect(Object.keys(c.metadata as object)).toEqual(['filter_metadata']);
    const fm = (c.metadata as { filter_metadata: Record<string, unknown> }).filter_metadata;
    expect(Object.keys(fm)).toEqual(['alpha', 'zeta']);
    expect(fm).toEqual({ alpha: { a: 'x' }, zeta: { b: 2 } });
  });

  it('prints bytes as base64 and an Any of an unknown type as its raw value', () => {
    const any = roundTrip('google.protobuf.Any', { type_url: 'type.googleapis.com/not.a.Type', value: new Uint8Array([1, 2, 3]) });
    expect(any).toEqual({ '@type': 'type.googleapis.com/not.a.Type', value: 'AQID' });
  });
});
