import { describe, expect, it } from 'vitest';
import { assembleSnapshot } from '../../src/compile/xds/index.ts';
import { configDump } from '../../src/envoy/config-dump.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { clusterName, edsCluster, endpoints, forward, listener, mesh, route, sidecarView } from '../compile/xds/ir-fixtures.ts';

const HOST = 'ratings.default.svc.cluster.local';
const V1 = clusterName(HOST, 9080, 'v1');
const DNS = clusterName('api.example.com', 443);

function snapshot() {
  const table = { name: '9080', virtualHosts: [{ name: `${HOST}:9080`, domains: ['ratings'], routes: [route('r0', forward([[V1, 1]]))] }] };
  return assembleSnapshot(
    mesh(
      [edsCluster(HOST, 9080, 'v1'), edsCluster('api.example.com', 443, '', { discovery: 'strict_dns', dnsTargets: [{ address: 'api.example.com', port: 443 }] })],
      [endpoints(V1, ['10.0.0.7', 9080])],
      [sidecarView([listener(9080)], [table], [V1, DNS])],
    ),
    'abc123',
  );
}

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

describe('staticBootstrap', () => {
  it('inlines route tables into listeners and endpoints into EDS clusters (made STATIC)', () => {
    const b = staticBootstrap(snapshot(), 'sidecar', { adminPort: 0, nodeId: 'n1' }) as Obj;
    expect(b.node).toEqual({ id: 'n1', cluster: 'sidecar' });
    expect(b.admin).toEqual({ address: { socket_address: { address: '127.0.0.1', port_value: 0 } } });
    const [l] = b.static_resources.listeners as Obj[];
    const hcm = l!.filter_chains[0].filters[0].typed_config as Obj;
    expect(hcm.rds).toBeUndefined();
    expect(hcm.route_config.name).toBe('9080');
    expect(hcm.route_config.virtual_hosts[0].routes[0].route.cluster).toBe(V1);
    const clusters = b.static_resources.clusters as Obj[];
    const eds = clusters.find((c) => c.name === V1)!;
    expect(eds.type).toBe('STATIC');
    expect(eds.eds_cluster_config).toBeUndefined();
    expect(eds.load_assignment.endpoints[0].lb_endpoints[0].endpoint.address.socket_address).toEqual({ address: '10.0.0.7', port_value: 9080 });
    // A DNS cluster is Envoy's to resolve: kept as compiled (the DNS cluster extension).
    expect(clusters.find((c) => c.name === DNS)!.cluster_type.name).toBe('envoy.cluster.dns');
  });

  it('rebinds listeners when asked (tests bind loopback on OS-chosen ports)', () => {
    const b = staticBootstrap(snapshot(), 'sidecar', { listenerAddress: '127.0.0.1', listenerPorts: { '0.0.0.0_9080': 0 } }) as Obj;
    expect(b.static_resources.listeners[0].address).toEqual({ socket_address: { address: '127.0.0.1', port_value: 0 } });
    expect(b.admin.address.socket_address.port_value).toBe(15000);
  });

  it('refuses a view the snapshot does not have', () => {
    expect(() => staticBootstrap(snapshot(), 'gateway~x~y')).toThrow(/no view named gateway~x~y/);
  });
});

describe('configDump', () => {
  it('prints each view as Envoy config-dump sections, decoded from the stored bytes', () => {
    const s = snapshot();
    const d = configDump(s) as Obj;
    expect(d.commit).toBe('abc123');
    expect(d.contentHash).toBe(s.contentHash);
    const [view] = d.views as Obj[];
    expect(view!.name).toBe('sidecar');
    expect((view!.configs as Obj[]).map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
    ]);
    const clusters = view!.configs[0].dynamic_active_clusters as Obj[];
    expect(clusters.map((c) => c.cluster.name)).toEqual([DNS, V1]);
    expect(clusters[1]!.cluster['@type']).toBe('type.googleapis.com/envoy.config.cluster.v3.Cluster');
    expect(view!.configs[2].dynamic_listeners[0].name).toBe('0.0.0.0_9080');
    expect(view!.configs[3].dynamic_route_configs[0].route_config.name).toBe('9080');
  });
});
