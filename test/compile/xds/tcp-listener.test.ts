// Sidecar TCP listeners as Envoy receives them: the TCP proxy's cluster (or weighted
// clusters), a source-IP hash for clusters that hash on it, the DestinationRule's TCP idle
// timeout and connection lifetime, and the consistency check that
// catches a TCP proxy pointing at a cluster the view lacks.
import { describe, expect, it } from 'vitest';
import { checkConsistency } from '../../../src/compile/xds/index.ts';
import { messageType } from '../../../src/envoy/proto-root.ts';
import { decodeResource, encodeResource } from '../../../src/snapshot/encode.ts';
import type { Snapshot } from '../../../src/snapshot/types.ts';
import { compileYaml } from '../../support/compile-yaml.ts';

const MESH = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cache, namespace: shop}
spec:
  hosts: [cache.shop.svc.cluster.local]
  ports: [{number: 6379, name: redis, protocol: REDIS}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1}, {address: 10.0.0.2}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cache, namespace: shop}
spec:
  host: cache.shop.svc.cluster.local
  trafficPolicy:
    loadBalancer: {consistentHash: {useSourceIp: true}}
`;

function compiledSnapshot(yaml: string): Snapshot {
  const result = compileYaml(yaml, '/mesh');
  expect(result.diagnostics).toEqual([]);
  return result.snapshot!;
}

/** The TCP proxy config of a view's listener, as JSON. */
function tcpProxyOf(s: Snapshot, listener: string): Record<string, unknown> {
  const entry = s.views.find((v) => v.name === 'sidecar')!.resources.lds.find((e) => e.name === listener)!;
  const l = decodeResource(s.resources.get(entry.hash)!) as unknown as { filter_chains: { filters: { typed_config: { value: Uint8Array } }[] }[] };
  const type = messageType('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy');
  return (type.decode(l.filter_chains[0]!.filters[0]!.typed_config.value) as unknown as { toJSON(): Record<string, unknown> }).toJSON();
}

describe('sidecar TCP listeners', () => {
  it('hash the client address when the cluster is a source-IP ring hash, so a client keeps its endpoint', () => {
    const proxy = tcpProxyOf(compiledSnapshot(MESH), '0.0.0.0_6379');
    expect(proxy.cluster).toBe('outbound|6379||cache.shop.svc.cluster.local');
    expect(proxy.hash_policy).toEqual([{ source_ip: {} }]);
    const plain = tcpProxyOf(compiledSnapshot(MESH.replace('{consistentHash: {useSourceIp: true}}', '{simple: LEAST_REQUEST}')), '0.0.0.0_6379');
    expect(plain.hash_policy).toBeUndefined();
  });

  it("close connections idle for the DestinationRule's tcp.idleTimeout, or older than its maxConnectionDuration", () => {
    const timed = MESH.replace('loadBalancer: {consistentHash: {useSourceIp: true}}', 'connectionPool: {tcp: {idleTimeout: 90s, maxConnectionDuration: 2h}}');
    const proxy = tcpProxyOf(compiledSnapshot(timed), '0.0.0.0_6379');
    expect(proxy).toMatchObject({ cluster: 'outbound|6379||cache.shop.svc.cluster.local', idle_timeout: { seconds: '90' }, max_downstream_connection_duration: { seconds: '7200' } });
    // Unset: Envoy's own default (an hour idle), no lifetime limit.
    const plain = tcpProxyOf(compiledSnapshot(MESH), '0.0.0.0_6379');
    expect(plain.idle_timeout).toBeUndefined();
    expect(plain.max_downstream_connection_duration).toBeUndefined();
  });

  it('keep idle connections open with tcp.idleTimeout: 0s, as Istio (since 1.26) and Envoy read it', () => {
    const never = MESH.replace('loadBalancer: {consistentHash: {useSourceIp: true}}', 'connectionPool: {tcp: {idleTimeout: 0s}}');
    // A Duration of 0, present: Envoy's "no idle timeout" (absent, it would close after an hour).
    expect(tcpProxyOf(compiledSnapshot(never), '0.0.0.0_6379').idle_timeout).toEqual({ seconds: '0' });
  });

  it("take the timeouts of the first destination's DestinationRule, from its top-level policy only, as Istio", () => {
    const endpoints = 'endpoints: [{address: 10.0.0.1, labels: {v: a}}, {address: 10.0.0.2, labels: {v: b}}]';
    const mesh = (first: string, second: string) => `${MESH.replace('loadBalancer: {consistentHash: {useSourceIp: true}}', 'connectionPool: {tcp: {idleTimeout: 30s}}\n    portLevelSettings: [{port: {number: 6379}, connectionPool: {tcp: {maxConnections: 10}}}]').replace(/endpoints: \[\{address: 10.0.0.1\}, \{address: 10.0.0.2\}\]/, endpoints)}  subsets:
  - {name: a, labels: {v: a}, trafficPolicy: {connectionPool: {tcp: {idleTimeout: 5s, maxConnectionDuration: 1m}}}}
  - {name: b, labels: {v: b}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: cache, namespace: shop}
spec:
  hosts: [cache.shop.svc.cluster.local]
  tcp:
  - route:
    - {destination: {host: cache.shop.svc.cluster.local, subset: ${first}}, weight: 50}
    - {destination: {host: cache.shop.svc.cluster.local, subset: ${second}}, weight: 50}
`;
    for (const [first, second] of [['a', 'b'], ['b', 'a']]) {
      const proxy = tcpProxyOf(compiledSnapshot(mesh(first!, second!)), '0.0.0.0_6379');
      expect(proxy.weighted_clusters).toBeDefined();
      // The subset's 5s and the port-level settings (which replace the whole policy on the cluster) do not count.
      expect(proxy.idle_timeout).toEqual({ seconds: '30' });
      expect(proxy.max_downstream_connection_duration).toBeUndefined();
    }
  });

  it('are checked: a TCP proxy to a cluster the view lacks is reported', () => {
    const s = compiledSnapshot(MESH);
    expect(checkConsistency(s)).toEqual([]);
    // The listener swapped for one whose proxy names a cluster no view has.
    const view = s.views.find((v) => v.name === 'sidecar')!;
    const entry = view.resources.lds[0]!;
    const json = JSON.parse(JSON.stringify((decodeResource(s.resources.get(entry.hash)!) as unknown as { toJSON(): unknown }).toJSON()));
    const type = messageType('envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy');
    const proxy = type.encode(type.fromObject({ stat_prefix: 'x', cluster: 'outbound|1||gone.example.com' })).finish();
    json.filter_chains[0].filters[0].typed_config = { type_url: 'type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy', value: Buffer.from(proxy).toString('base64') };
    const broken = encodeResource('lds', entry.name, messageType('envoy.config.listener.v3.Listener').fromObject(json) as never);
    (s.resources as Map<string, typeof broken>).set(entry.hash, { ...broken, hash: entry.hash });
    // Both sidecar views hold that listener resource.
    expect(checkConsistency(s)).toEqual(
      ['sidecar', 'sidecar~shop'].map((v) => `view ${v}: listener ${entry.name} proxies to cluster outbound|1||gone.example.com, which the view lacks`),
    );
  });
});
