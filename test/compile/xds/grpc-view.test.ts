// gRPC views of a compiled snapshot: what a proxyless gRPC client is served, and that the
// sidecars' resources are untouched by it.
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compile/index.ts';
import { decodeResource } from '../../../src/snapshot/encode.ts';
import type { Snapshot, SnapshotView, XdsType } from '../../../src/snapshot/types.ts';
import { GRPC_POLICY_MESH as MESH } from './grpc-mesh-fixture.ts';
import { messageType } from '../../../src/envoy/proto-root.ts';
import { buildApiListener, encodeApiListener } from '../../../src/compile/xds/api-listener.ts';
import { assembleSnapshot, checkConsistency } from '../../../src/compile/xds/index.ts';
import { decodeToJson } from '../../../src/envoy/proto-json.ts';
import { MESSAGE_NAMES } from '../../../src/snapshot/types.ts';
import type { IrCluster, IrEndpointSet } from '../../../src/compile/ir/types.ts';
import { buildGrpcCluster, buildGrpcLoadAssignment, encodeGrpcLoadAssignment, grpcResourceEncoder } from '../../../src/compile/xds/grpc-resources.ts';


function compileYaml(yaml: string): Snapshot {
  const result = compile({
    origin: { kind: 'folder', path: '/mesh' },
    commit: null,
    files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(yaml) }],
    diagnostics: [],
  });
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.snapshot!;
}

function viewNamed(s: Snapshot, name: string): SnapshotView {
  const v = s.views.find((x) => x.name === name);
  if (!v) throw new Error(`no view ${name} in ${s.views.map((x) => x.name).join(', ')}`);
  return v;
}

/** Decoded resources of one type of a view, by name (protobufjs objects as plain JSON). */
function decoded(s: Snapshot, view: SnapshotView, type: XdsType): Map<string, any> {
  const out = new Map<string, any>();
  for (const e of view.resources[type]) {
    const message = decodeResource(s.resources.get(e.hash)!) as unknown as { toJSON(): unknown };
    out.set(e.name, message.toJSON());
  }
  return out;
}

let compiled: Snapshot | undefined;
const snap0 = (): Snapshot => (compiled ??= compileYaml(MESH));

describe('gRPC views', () => {
  const snap = snap0();

  it('exist beside each sidecar view, named after it, with kind grpc', () => {
    expect(snap.views.map((v) => `${v.name}:${v.kind}`)).toEqual(['grpc:grpc', 'grpc~shop:grpc', 'sidecar:sidecar', 'sidecar~shop:sidecar']);
  });

  it('hold one API listener per target authority of each gRPC port, routed to a gRPC-only table', () => {
    const lds = decoded(snap, viewNamed(snap, 'grpc~shop'), 'lds');
    expect([...lds.keys()]).toEqual([
      'billing.internal:9090',
      'echo.shop.svc.cluster.local:7070',
      'echo.shop.svc:7070',
      'echo.shop:7070',
      'echo:7070',
    ]);
    // The default view answers to names as written from another namespace: no bare `echo`.
    expect([...decoded(snap, viewNamed(snap, 'grpc'), 'lds').keys()]).not.toContain('echo:7070');
    const hcm = lds.get('echo:7070').api_listener.api_listener;
    expect(lds.get('echo:7070').address).toBeUndefined();
    expect(hcm.rds.route_config_name).toBe('grpc.7070');
    expect(hcm.http_filters.map((f: { name: string }) => f.name)).toEqual(['envoy.filters.http.fault', 'envoy.filters.http.router']);
  });

  it("route tables keep only gRPC services, the sidecar's virtual hosts with the port forms gRPC matches", () => {
    const grpcRds = decoded(snap, viewNamed(snap, 'grpc~shop'), 'rds');
    const sidecarRds = decoded(snap, viewNamed(snap, 'sidecar~shop'), 'rds');
    expect([...grpcRds.keys()]).toEqual(['grpc.7070', 'grpc.9090']);
    const grpcHosts = grpcRds.get('grpc.7070').virtual_hosts;
    expect(grpcHosts.map((h: { name: string }) => h.name)).toEqual(['echo.shop.svc.cluster.local:7070']);
    const sidecarHost = sidecarRds.get('7070').virtual_hosts.find((h: { name: string }) => h.name === 'echo.shop.svc.cluster.local:7070');
    // Sidecars ignore the Host's port (ignore_port_in_host_matching); gRPC matches the authority
    // with it. The sidecars' absolute FQDN is left out: gRPC Java rejects a domain ending in '.'.
    expect(sidecarHost.domains).toEqual(['echo', 'echo.shop', 'echo.shop.svc', 'echo.shop.svc.cluster.local', 'echo.shop.svc.cluster.local.']);
    // The same routes, but for their timeout's fields (gRPC's form, tested below).
    const { max_grpc_timeout: _dropped, ...sidecarRoute } = sidecarHost.routes[0].route;
    expect(grpcHosts[0]).toEqual({
      ...sidecarHost,
      domains: [
        'echo', 'echo.shop', 'echo.shop.svc', 'echo.shop.svc.cluster.local', 'echo.shop.svc.cluster.local:7070',
        'echo.shop.svc:7070', 'echo.shop:7070', 'echo:7070',
      ],
      routes: [{ ...sidecarHost.routes[0], route: { ...sidecarRoute, max_stream_duration: { max_stream_duration: sidecarRoute.timeout } } }],
    });
    for (const view of snap.views.filter((v) => v.kind === 'grpc')) {
      for (const table of decoded(snap, view, 'rds').values()) {
        for (const vh of table.virtual_hosts) expect(vh.domains.filter((d: string) => d.endsWith('.') || d.includes('.:'))).toEqual([]);
      }
    }
    // The web service's redirect (which gRPC rejects a whole table for) stays on the sidecars.
    expect(sidecarRds.get('7070').virtual_hosts.map((h: { name: string }) => h.name)).toContain('web.shop.svc.cluster.local:7070');
  });

  it('serve clusters gRPC accepts, while sidecars keep Istio’s load balancing', () => {
    const grpcCds = decoded(snap, viewNamed(snap, 'grpc~shop'), 'cds');
    const sidecarCds = decoded(snap, viewNamed(snap, 'sidecar~shop'), 'cds');
    expect([...grpcCds.keys()]).toEqual([
      'outbound|7070|v1|echo.shop.svc.cluster.local',
      'outbound|7070|v2|echo.shop.svc.cluster.local',
      'outbound|9090||billing.internal',
    ]);
    const v1 = 'outbound|7070|v1|echo.shop.svc.cluster.local';
    const v2 = 'outbound|7070|v2|echo.shop.svc.cluster.local';
    expect(sidecarCds.get(v1).lb_policy).toBe('LEAST_REQUEST');
    expect(grpcCds.get(v1).lb_policy).toBeUndefined(); // ROUND_ROBIN
    expect(sidecarCds.get(v2).lb_policy).toBe('MAGLEV');
    expect(grpcCds.get(v2).lb_policy).toBe('RING_HASH');
    expect({ ...grpcCds.get(v1), lb_policy: 'LEAST_REQUEST' }).toEqual(sidecarCds.get(v1));
  });

  it('give every locality a locality and a weight (the sum of its endpoint weights)', () => {
    const eds = decoded(snap, viewNamed(snap, 'grpc~shop'), 'eds');
    const billing = eds.get('outbound|9090||billing.internal');
    expect(billing.endpoints.map((g: any) => [g.locality, g.load_balancing_weight.value, g.lb_endpoints.length])).toEqual([
      [{ region: 'us-east', zone: 'a' }, 4, 2],
      [{ region: 'us-west', zone: 'b' }, 1, 1],
    ]);
    const echo = eds.get('outbound|7070|v1|echo.shop.svc.cluster.local');
    expect(echo.endpoints).toEqual([{ locality: {}, load_balancing_weight: { value: 1 }, lb_endpoints: [expect.anything()] }]);
    const sidecarEcho = decoded(snap, viewNamed(snap, 'sidecar~shop'), 'eds').get('outbound|7070|v1|echo.shop.svc.cluster.local');
    expect(sidecarEcho.endpoints[0].locality).toBeUndefined();
  });

  it('report (ML4023) a gRPC service route that gRPC clients reject its table for', () => {
    const result = compile({
      origin: { kind: 'folder', path: '/mesh' },
      commit: null,
      // `web` on a gRPC port: its redirect now lands in grpc.7070.
      files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(MESH.replace('- { name: http, port: 7070 }', '- { name: grpc-site, port: 7070 }')) }],
      diagnostics: [],
    });
    expect(result.valid).toBe(true);
    const found = result.diagnostics.filter((d) => d.code === 'ML4023');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({
      severity: 'warning',
      file: 'mesh.yaml',
      field: 'spec.http[0]',
      resource: { kind: 'VirtualService', namespace: 'shop', name: 'web' },
    });
    expect(found[0]!.message).toContain('is a redirect');
    expect(found[0]!.message).toContain('grpc.7070');
    // The unchanged mesh (web is plain HTTP) has nothing to report.
    expect(compile({ origin: { kind: 'folder', path: '/m' }, commit: null, files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(MESH) }], diagnostics: [] }).diagnostics.filter((d) => d.code === 'ML4023')).toEqual([]);
  });

  it('are not built for a mesh without gRPC ports', () => {
    const plain = compileYaml(MESH.replace('name: grpc, port', 'name: http, port').replace('protocol: GRPC', 'protocol: HTTP'));
    expect(plain.views.map((v) => v.kind)).not.toContain('grpc');
  });
});

describe("gRPC views' route tables: the route action as gRPC's client reads it", () => {
  // The echo rule with a timeout and a fault abort without percentage (ML3049: aborts nothing);
  // billing.internal keeps its default route (no VirtualService).
  const mesh = MESH.replace(
    '  http:\n  - route:\n    - { destination: { host: echo, subset: v1 }, weight: 80 }',
    '  http:\n  - timeout: 1.5s\n    fault: { abort: { grpcStatus: UNAVAILABLE } }\n    route:\n    - { destination: { host: echo, subset: v1 }, weight: 80 }',
  );
  const result = compile({ origin: { kind: 'folder', path: '/mesh' }, commit: null, files: [{ path: 'mesh.yaml', bytes: new TextEncoder().encode(mesh) }], diagnostics: [] });
  const snap = result.snapshot!;
  /** Proto3 JSON of a view's route table (durations as `1.500s`, Anys unpacked), as a client receives it. */
  const table = (view: string, name: string): any => {
    const entry = viewNamed(snap, view).resources.rds.find((e) => e.name === name)!;
    return decodeToJson(MESSAGE_NAMES.rds, snap.resources.get(entry.hash)!.bytes);
  };
  const echoRoute = (view: string, name: string): any => table(view, name).virtual_hosts.find((h: any) => h.name === 'echo.shop.svc.cluster.local:7070').routes[0];

  it('carry a timeout in max_stream_duration (gRFC A31) instead of max_grpc_timeout, as istiod does for proxyless gRPC', () => {
    expect(mesh).toContain('timeout: 1.5s');
    expect(result.valid).toBe(true); // the fault is warned about (ML3049), not refused
    const grpc = echoRoute('grpc~shop', 'grpc.7070').route;
    expect(grpc.timeout).toBe('1.500s'); // kept, as istiod keeps it; gRPC ignores it
    expect(grpc.max_stream_duration).toEqual({ max_stream_duration: '1.500s' });
    expect(grpc.max_grpc_timeout).toBeUndefined();
    // The sidecars' route: Envoy's form, unchanged.
    const sidecar = echoRoute('sidecar~shop', '7070').route;
    expect(sidecar.timeout).toBe('1.500s');
    expect(sidecar.max_grpc_timeout).toBe('1.500s');
    expect(sidecar.max_stream_duration).toBeUndefined();
    // A default route (no VirtualService): no limit, written the same way (0s: the call's own deadline).
    const billing = table('grpc~shop', 'grpc.9090').virtual_hosts[0].routes[0].route;
    expect(billing).toMatchObject({ timeout: '0s', max_stream_duration: { max_stream_duration: '0s' } });
    expect(billing.max_grpc_timeout).toBeUndefined();
  });

  it('write an abort without percentage as the 0 % Envoy reads it as (grpc-js rejects the table without one)', () => {
    const fault = (view: string, name: string) => echoRoute(view, name).typed_per_filter_config['envoy.filters.http.fault'].abort;
    expect(fault('grpc~shop', 'grpc.7070')).toEqual({ grpc_status: 14, percentage: { denominator: 'MILLION' } });
    expect(fault('sidecar~shop', '7070')).toEqual({ grpc_status: 14 });
  });

  it('leave the sidecar route tables byte for byte as they are without gRPC views', () => {
    const withoutGrpc = assembleSnapshot({ ...result.ir!, views: result.ir!.views.filter((v) => v.kind !== 'grpc') }, null);
    const rds = (s: Snapshot) => s.views.filter((v) => v.kind === 'sidecar').map((v) => [v.name, v.resources.rds]);
    expect(rds(snap)).toEqual(rds(withoutGrpc));
    // ...while the gRPC tables, holding the same routes arrays, get their own route actions.
    expect(echoRoute('grpc~shop', 'grpc.7070').route).not.toEqual(echoRoute('sidecar~shop', '7070').route);
  });
});

describe('gRPC view encoders', () => {
  it('write exactly the bytes protobufjs writes for the plain objects', () => {
    const cla = messageType('envoy.config.endpoint.v3.ClusterLoadAssignment');
    const sets: IrEndpointSet[] = [
      { clusterName: 'empty', endpoints: [] },
      { clusterName: 'one', endpoints: [{ address: '10.0.0.1', port: 80 }] },
      {
        clusterName: 'outbound|9090||billing.internal',
        endpoints: [
          { address: '10.1.0.1', port: 9090, weight: 3, locality: 'us-east/a' },
          { address: '10.1.0.2', port: 9090, locality: 'us-east/a' },
          { address: '10.2.0.1', port: 9090, weight: 200, locality: 'us-west/b/c' },
          { address: '10.3.0.1', port: 70000 % 65536 },
        ],
      },
    ];
    for (const set of sets) {
      const expected = cla.encode(cla.fromObject(buildGrpcLoadAssignment(set))).finish();
      expect(Buffer.from(encodeGrpcLoadAssignment(set)).equals(Buffer.from(expected))).toBe(true);
    }
    const type = messageType('envoy.config.cluster.v3.Cluster');
    const encoder = grpcResourceEncoder();
    const base = { host: 'h', port: 1, subset: '', discovery: 'eds', dnsTargets: [], connectTimeoutMs: 250, http2: true } as const;
    const lbs: IrCluster['loadBalancer'][] = [
      { kind: 'least_request' },
      { kind: 'random' },
      { kind: 'round_robin' },
      { kind: 'maglev', hashOn: { kind: 'header', name: 'x' } },
      { kind: 'ring_hash', hashOn: { kind: 'source_ip' }, minimumRingSize: 2048 },
    ];
    const dns = { discovery: 'logical_dns', dnsTargets: [{ address: 'h', port: 1 }] } as const;
    const clusters: IrCluster[] = [
      ...lbs.map((loadBalancer, i) => ({ ...base, name: `c${i}`, loadBalancer })),
      { ...base, ...dns, name: 'dns', loadBalancer: { kind: 'least_request' } },
    ];
    for (const cluster of clusters) {
      const expected = type.encode(type.fromObject(buildGrpcCluster(cluster))).finish();
      expect(Buffer.from(encoder.cluster(cluster).bytes).equals(Buffer.from(expected))).toBe(true);
    }
    // gRPC reads a DNS cluster by its type (dns-cluster.ts), and gets that form.
    expect(type.decode(encoder.cluster(clusters.at(-1)!).bytes).toJSON().type).toBe('LOGICAL_DNS');
  });
});

describe('API listener encoder', () => {
  it('writes exactly the bytes protobufjs writes for buildApiListener', () => {
    const type = messageType('envoy.config.listener.v3.Listener');
    for (const l of [
      { name: 'echo:7070', address: '', port: 7070, routeTableName: 'grpc.7070', statPrefix: 'grpc_7070' },
      { name: 'echo.shop.svc.cluster.local:7070', address: '', port: 7070, routeTableName: 'grpc.7070', statPrefix: 'grpc_7070' },
      { name: `${'x'.repeat(200)}:9090`, address: '', port: 9090, routeTableName: 'grpc.9090', statPrefix: 'grpc_9090' },
    ]) {
      const expected = type.encode(type.fromObject(buildApiListener(l))).finish();
      expect(Buffer.from(encodeApiListener(l)).equals(Buffer.from(expected))).toBe(true);
    }
  });
});

describe('consistency of gRPC views', () => {
  it('an API listener naming a route table its view lacks is caught', () => {
    const view = viewNamed(snap0(), 'grpc~shop');
    const broken: Snapshot = {
      ...snap0(),
      views: snap0().views.map((v) => (v === view ? { ...v, resources: { ...v.resources, rds: [] } } : v)),
    };
    expect(checkConsistency(snap0())).toEqual([]);
    expect(checkConsistency(broken).join('\n')).toContain('listener echo:7070 needs route table grpc.7070');
  });
});
