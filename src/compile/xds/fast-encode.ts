// Encoding shortcuts for the resource kinds that dominate large meshes. They produce
// exactly the bytes protobufjs would for the full object (tested), but encode repeated
// parts once:
//  - Clusters: the name is field 1, so a cluster's bytes are its name field followed by
//    the encoding of everything else — which is the same for all clusters sharing one
//    traffic policy. DNS clusters carry their name inside the inline load assignment and
//    are encoded whole.
//  - Load assignments: written field by field (ClusterLoadAssignment: cluster_name=1,
//    endpoints=2; LocalityLbEndpoints: locality=1, lb_endpoints=2; LbEndpoint: endpoint=1,
//    load_balancing_weight=4; Endpoint.address=1 → Address.socket_address=1 →
//    SocketAddress: address=2, port_value=3; Locality: region=1, zone=2, sub_zone=3).
//  - Route tables: stitched from routes encoded by fast-route.ts (RouteConfiguration:
//    name=1, virtual_hosts=2, validate_clusters=7; VirtualHost: name=1, domains=2, routes=3).
import { messageType } from '../../envoy/proto-root.ts';
import type { IrCluster, IrEndpointSet, IrRouteTable, IrVirtualHost } from '../ir/types.ts';
import { ByteWriter } from './byte-writer.ts';
import { buildCluster } from './cluster.ts';
import { groupByLocality, locality } from './endpoint.ts';
import { routeListEncoder } from './fast-route.ts';

export function clusterEncoder(): (cluster: IrCluster) => Uint8Array {
  const type = messageType('envoy.config.cluster.v3.Cluster');
  const bodies = new Map<string, Uint8Array>();
  const w = new ByteWriter(1024);
  return (cluster) => {
    const encodeWhole = (): Uint8Array => type.encode(type.fromObject(buildCluster(cluster))).finish();
    if (cluster.discovery !== 'eds') return encodeWhole();
    // Every IrCluster field buildCluster() reads for an EDS cluster, except the name.
    const key = JSON.stringify([
      cluster.connectTimeoutMs,
      cluster.loadBalancer,
      cluster.connectionPool ?? null,
      cluster.outlierDetection ?? null,
      cluster.tls ?? null,
      cluster.http2,
    ]);
    let body = bodies.get(key);
    if (!body) {
      const { name: _name, ...rest } = buildCluster(cluster);
      body = type.encode(type.fromObject(rest)).finish();
      bodies.set(key, body);
    }
    return w.reset().string(1, cluster.name).raw(body).finish();
  };
}

export function routeTableEncoder(clusters: ReadonlyMap<string, IrCluster>): (table: IrRouteTable) => Uint8Array {
  const boolType = messageType('google.protobuf.BoolValue');
  const validateClusters = boolType.encode(boolType.fromObject({ value: false })).finish();
  // Routes are cached by IR identity only (fast-route.ts): the front end shares one routes
  // array, and one virtual host object, between the views that see the same thing, so those
  // are encoded once per compile. Comparing IR by content (JSON key or deep equality) was
  // measured to cost as much as encoding.
  const encodeRoutes = routeListEncoder(clusters);
  const vhosts = new Map<IrVirtualHost, Uint8Array>();
  const vw = new ByteWriter(4096);
  const virtualHost = (vh: IrVirtualHost): Uint8Array => {
    let bytes = vhosts.get(vh);
    if (!bytes) {
      vw.reset().fork(2).string(1, vh.name);
      for (const d of vh.domains) vw.string(2, d);
      vw.raw(encodeRoutes(vh.routes)).ldelim();
      bytes = vw.finish();
      vhosts.set(vh, bytes);
    }
    return bytes;
  };
  return (table) => {
    // A sidecar route table holds every service's virtual host (megabytes at 10,000
    // services): sized exactly and written once, rather than grown by doubling and copied,
    // since churning that much buffer memory is what made V8 run extra full collections.
    const head = new ByteWriter(64).string(1, table.name).view();
    const hosts = table.virtualHosts.map(virtualHost);
    let size = head.length + 2 + validateClusters.length;
    for (const h of hosts) size += h.length;
    const out = Buffer.allocUnsafe(size);
    out.set(head, 0);
    let at = head.length;
    for (const h of hosts) {
      out.set(h, at);
      at += h.length;
    }
    out[at++] = (7 << 3) | 2;
    out[at++] = validateClusters.length; // a BoolValue: a few bytes, so a one-byte length
    out.set(validateClusters, at);
    return out;
  };
}

export function encodeLoadAssignment(set: IrEndpointSet): Uint8Array {
  const w = scratch.reset();
  w.string(1, set.clusterName);
  for (const [key, endpoints] of groupByLocality(set)) {
    w.fork(2);
    if (key !== '') {
      const loc = locality(key);
      w.fork(1);
      if (loc.region !== undefined) w.string(1, String(loc.region));
      if (loc.zone !== undefined) w.string(2, String(loc.zone));
      if (loc.sub_zone !== undefined) w.string(3, String(loc.sub_zone));
      w.ldelim();
    }
    for (const ep of endpoints) {
      w.fork(2);
      w.fork(1).fork(1).fork(1);
      w.string(2, ep.address).varint(3 << 3).varint(ep.port);
      w.ldelim().ldelim().ldelim();
      if (ep.weight !== undefined && ep.weight > 0) w.fork(4).varint(8).varint(ep.weight).ldelim();
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}

const scratch = new ByteWriter(1024);
