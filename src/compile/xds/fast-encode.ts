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
import protobuf from 'protobufjs';
import { messageType } from '../../envoy/proto-root.ts';
import type { IrCluster, IrEndpointSet, IrRouteTable } from '../ir/types.ts';
import { buildCluster } from './cluster.ts';
import { groupByLocality, locality } from './endpoint.ts';
import { routeEncoder } from './fast-route.ts';
import { tag } from './proto-values.ts';

export function clusterEncoder(): (cluster: IrCluster) => Uint8Array {
  const type = messageType('envoy.config.cluster.v3.Cluster');
  const bodies = new Map<string, Uint8Array>();
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
    const name = protobuf.Writer.create().uint32(tag(1)).string(cluster.name).finish();
    return Buffer.concat([name, body]);
  };
}

export function routeTableEncoder(clusters: ReadonlyMap<string, IrCluster>): (table: IrRouteTable) => Uint8Array {
  const boolType = messageType('google.protobuf.BoolValue');
  const validateClusters = boolType.encode(boolType.fromObject({ value: false })).finish();
  // No cache of whole routes across views: measured, comparing IR routes (by JSON key or
  // deep equality) costs as much as encoding them from cached pieces.
  const encodeRoute = routeEncoder(clusters);
  return (table) => {
    const w = protobuf.Writer.create();
    w.uint32(tag(1)).string(table.name);
    for (const vh of table.virtualHosts) {
      w.uint32(tag(2)).fork();
      w.uint32(tag(1)).string(vh.name);
      for (const d of vh.domains) w.uint32(tag(2)).string(d);
      for (const r of vh.routes) w.uint32(tag(3)).bytes(encodeRoute(r));
      w.ldelim();
    }
    w.uint32(tag(7)).bytes(validateClusters);
    return w.finish();
  };
}

export function encodeLoadAssignment(set: IrEndpointSet): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(tag(1)).string(set.clusterName);
  for (const [key, endpoints] of groupByLocality(set)) {
    w.uint32(tag(2)).fork();
    if (key !== '') {
      const loc = locality(key);
      w.uint32(tag(1)).fork();
      if (loc.region !== undefined) w.uint32(tag(1)).string(String(loc.region));
      if (loc.zone !== undefined) w.uint32(tag(2)).string(String(loc.zone));
      if (loc.sub_zone !== undefined) w.uint32(tag(3)).string(String(loc.sub_zone));
      w.ldelim();
    }
    for (const ep of endpoints) {
      w.uint32(tag(2)).fork();
      w.uint32(tag(1)).fork().uint32(tag(1)).fork().uint32(tag(1)).fork();
      w.uint32(tag(2)).string(ep.address).uint32(3 << 3).uint32(ep.port);
      w.ldelim().ldelim().ldelim();
      if (ep.weight !== undefined && ep.weight > 0) w.uint32(tag(4)).fork().uint32(8).uint32(ep.weight).ldelim();
      w.ldelim();
    }
    w.ldelim();
  }
  return w.finish();
}
