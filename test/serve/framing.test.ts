import { describe, expect, it } from 'vitest';
import { frameMessage, installFramedPassThrough, serializeResponse } from '../../src/serve/framed-messages.ts';
import { nameSet } from '../../src/serve/name-sets.ts';
import { anyMessage, lenField, stringField } from '../../src/serve/wire.ts';
import { messageType } from '../../src/envoy/proto-root.ts';

describe('response framing', () => {
  it('stitched fields decode as the DiscoveryResponse protobufjs knows', () => {
    const cluster = messageType('envoy.config.cluster.v3.Cluster');
    const bytes = cluster.encode(cluster.fromObject({ name: 'c1' })).finish();
    const url = 'type.googleapis.com/envoy.config.cluster.v3.Cluster';
    const msg = Buffer.concat([stringField(1, '3-abcdef01'), lenField(2, anyMessage(url, bytes)), lenField(2, anyMessage(url, bytes)), stringField(4, url), stringField(5, 'n1')]);
    const decoded = messageType('envoy.service.discovery.v3.DiscoveryResponse').decode(msg) as unknown as {
      version_info: string; nonce: string; type_url: string; resources: { type_url: string }[];
    };
    expect([decoded.version_info, decoded.nonce, decoded.type_url, decoded.resources.length]).toEqual(['3-abcdef01', 'n1', url, 2]);
  });

  it('pre-framed buffers carry the gRPC length prefix; the fallback serializer strips it', () => {
    expect(installFramedPassThrough()).toBe(true);
    const framed = frameMessage(Buffer.from('hello'));
    expect([...framed.subarray(0, 5)]).toEqual([0, 0, 0, 0, 5]);
    expect(serializeResponse(framed).toString()).toBe('hello');
    expect(serializeResponse(Buffer.from('plain')).toString()).toBe('plain');
  });

  it('interns name sets regardless of order, so equal requests share one set', () => {
    const a = nameSet(['b', 'a', 'c']);
    const b = nameSet(['c', 'b', 'a']);
    expect(a).toBe(b);
    expect(a.names).toEqual(['a', 'b', 'c']);
    expect(nameSet(['a', 'b'])).not.toBe(a);
    expect(nameSet(['a', 'a', 'b', 'c']).names).toEqual(['a', 'b', 'c']);
  });
});

describe('SotW request reader', () => {
  const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
  const encode = (o: Record<string, unknown>) => Buffer.from(t.encode(t.fromObject(o)).finish());

  it('reads what protobufjs reads, names decoded lazily', async () => {
    const { readSotwRequest } = await import('../../src/serve/sotw-request.ts');
    const bytes = encode({
      version_info: '7-abcdef01',
      node: { id: 'n1', cluster: 'c1', metadata: { fields: { NAMESPACE: { stringValue: 'shop' } } } },
      resource_names: ['b', 'ä-ü', 'a'],
      type_url: 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment',
      response_nonce: 'xyz',
      error_detail: { code: 3, message: 'bad thing' },
    });
    const r = readSotwRequest(bytes);
    expect([r.version_info, r.type_url, r.response_nonce]).toEqual(['7-abcdef01', 'type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment', 'xyz']);
    expect(r.node?.id).toBe('n1');
    expect(r.error_detail).toMatchObject({ code: 3, message: 'bad thing' });
    expect(r.resource_names).toEqual(['b', 'ä-ü', 'a']);
  });

  it('gives equal name lists equal digests and different ones different digests', async () => {
    const { readSotwRequest } = await import('../../src/serve/sotw-request.ts');
    const d = (names: string[], nonce = '') => readSotwRequest(encode({ resource_names: names, response_nonce: nonce })).namesDigest;
    expect(d(['a', 'b'])).toBe(d(['a', 'b'], 'other-nonce'));
    expect(d(['a', 'b'])).not.toBe(d(['ab']));
    expect(d(['a', 'b'])).not.toBe(d(['b', 'a']));
    expect(d([])).not.toBe(d(['']));
  });
});
