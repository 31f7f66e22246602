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
//    SocketAddress: address=2, port_value=3, or Address.pipe=2 → Pipe: path=1; Locality: region=1,
//    zone=2, sub_zone=3).
//  - Route tables: stitched from routes encoded by fast-route.ts (RouteConfiguration:
//    name=1, virtual_hosts=2, validate_clusters=7, max_direct_response_body_size_bytes=11,
//    ignore_port_in_host_matching=14; VirtualHost: name=1, domains=2, routes=3).
import { ByteArena } from '../../core/byte-arena.ts';
import { sameItems } from '../../core/same-items.ts';
import { messageType } from '../../envoy/proto-root.ts';
import type { IrCluster, IrEndpoint, IrEndpointSet, IrRouteTable, IrVirtualHost } from '../ir/types.ts';
import { unixSocketPath } from '../ir/endpoint-address.ts';
import { ByteWriter, varintSize } from './byte-writer.ts';
import { buildCluster } from './cluster.ts';
import type { ClusterReader } from './dns-cluster.ts';
import { MAX_DIRECT_RESPONSE_BODY_BYTES } from '../envoy-limits.ts';
import { groupByLocality, locality } from './endpoint.ts';
import { routeListEncoder } from './fast-route.ts';
import type { XdsReader } from './reader.ts';
import type { ClusterLookup } from './route-action.ts';

/** Encodes clusters as `reader` gets them (buildCluster's bytes). */
export function clusterEncoder(reader: ClusterReader = 'envoy'): (cluster: IrCluster) => Uint8Array {
  const type = messageType('envoy.config.cluster.v3.Cluster');
  const bodies = new Map<string, Uint8Array>();
  const w = new ByteWriter(1024);
  // The previous cluster's policy and body: a service's subsets follow one another and, when
  // the front end shares one policy object between them, match without a key being built.
  let last: { readonly policy: readonly unknown[]; readonly body: Uint8Array } | undefined;
  return (cluster) => {
    if (cluster.discovery !== 'eds') return type.encode(type.fromObject(buildCluster(cluster, reader))).finish();
    const policy = edsPolicy(cluster);
    let body = last && sameItems(last.policy, policy) ? last.body : undefined;
    if (!body) {
      const key = JSON.stringify(policy);
      body = bodies.get(key);
      if (!body) {
        const { name: _name, ...rest } = buildCluster(cluster);
        body = type.encode(type.fromObject(rest)).finish();
        bodies.set(key, body);
      }
    }
    last = { policy, body };
    return w.reset().string(1, cluster.name).raw(body).finish();
  };
}

/** Every IrCluster field buildCluster() reads for an EDS cluster, except the name. */
function edsPolicy(cluster: IrCluster): readonly unknown[] {
  return [cluster.connectTimeoutMs, cluster.loadBalancer, cluster.connectionPool ?? null, cluster.outlierDetection ?? null, cluster.tls ?? null, cluster.http2];
}

/**
 * A route table as the parts of its bytes (buildRouteConfiguration's bytes, joined): its name,
 * a part per virtual host, and the fields after them. The same table (same name, same virtual
 * host objects) gets the same array, and a virtual host the same part in every table.
 */
export type RouteTableParts = readonly Uint8Array[];

/** Encodes route tables as `reader` gets them, as parts (snapshot/composed.ts stores them so). */
export function routeTableEncoder(clusters: ClusterLookup, reader: XdsReader = 'envoy'): (table: IrRouteTable) => RouteTableParts {
  const boolType = messageType('google.protobuf.BoolValue');
  const validateClusters = boolType.encode(boolType.fromObject({ value: false })).finish();
  const uint32Type = messageType('google.protobuf.UInt32Value');
  const maxBody = uint32Type.encode(uint32Type.fromObject({ value: MAX_DIRECT_RESPONSE_BODY_BYTES })).finish();
  // The fields after the virtual hosts, in protobufjs's order: validate_clusters (7),
  // max_direct_response_body_size_bytes (11), and ignore_port_in_host_matching (14) when the
  // table sets it (sidecar and gateway tables; not gRPC views').
  // Each wrapper is a few bytes, so its length is one byte.
  const tail = (ignorePort: boolean): Buffer =>
    Buffer.from([(7 << 3) | 2, validateClusters.length, ...validateClusters, (11 << 3) | 2, maxBody.length, ...maxBody, ...(ignorePort ? [14 << 3, 1] : [])]);
  const tails = [tail(false), tail(true)] as const;
  // Routes are cached by IR identity only (fast-route.ts): the front end shares one routes
  // array between the views that see the same thing, so those are encoded once per compile.
  // Comparing IR by content (JSON key or deep equality) was measured to cost as much as
  // encoding. Virtual hosts are shared the same way: a service's virtual host is one object
  // in every view but its own namespace's (which adds the short name, sidecar-plan.ts), so a
  // view per namespace repeats nearly all of another view's. Each virtual host's field is
  // written once (`written`), and every table that lists it shares that part.
  const encodeRoutes = routeListEncoder(clusters, reader);
  const written = new Map<IrVirtualHost, Uint8Array>();
  // Parts live as long as the snapshot: packed into shared chunks, not a Buffer each.
  const arena = new ByteArena(1024 * 1024);
  const heads = new ByteWriter(1024); // one virtual host's name and domains
  // A table seen before (same name, same virtual host objects) gives the same parts array,
  // so the caller hashes a table of megabytes once however many views list it.
  const tables = new Map<string, { readonly hosts: readonly IrVirtualHost[]; readonly parts: RouteTableParts }[]>();
  const hostPart = (vh: IrVirtualHost): Uint8Array => {
    heads.reset().string(1, vh.name);
    for (let k = 0; k < vh.domains.length; k++) heads.string(2, vh.domains[k]!);
    const r = encodeRoutes(vh.routes);
    const len = heads.length + r.length;
    const part = arena.alloc(1 + varintSize(len) + len);
    part[0] = (2 << 3) | 2; // RouteConfiguration.virtual_hosts
    let at = writeVarint(part, 1, len);
    at += heads.view().copy(part, at);
    part.set(r, at);
    written.set(vh, part);
    return part;
  };
  return (table) => {
    let same = tables.get(table.name);
    const known = same?.find((t) => sameItems(t.hosts, table.virtualHosts));
    if (known) return known.parts;

    const hosts = table.virtualHosts;
    const parts: Uint8Array[] = new Array<Uint8Array>(hosts.length + 2);
    parts[0] = arena.keep(heads.reset().string(1, table.name).view());
    for (let v = 0; v < hosts.length; v++) {
      const vh = hosts[v]!;
      parts[v + 1] = written.get(vh) ?? hostPart(vh);
    }
    parts[hosts.length + 1] = tails[table.ignorePortInHostMatching ? 1 : 0];
    if (!same) tables.set(table.name, (same = []));
    same.push({ hosts, parts });
    return parts;
  };
}

function writeVarint(buf: Buffer, at: number, value: number): number {
  let v = value;
  while (v > 127) {
    buf[at++] = (v & 127) | 128;
    v >>>= 7;
  }
  buf[at++] = v;
  return at;
}


export function encodeLoadAssignment(set: IrEndpointSet): Uint8Array {
  const w = scratch.reset();
  w.string(1, set.clusterName);
  // Most sets carry no locality at all: one group, in IR order, without grouping work.
  if (!hasLocality(set.endpoints)) {
    if (set.endpoints.length > 0) writeGroup(w, '', set.endpoints);
  } else for (const [key, endpoints] of groupByLocality(set)) writeGroup(w, key, endpoints);
  return w.finish();
}

/** LocalityLbEndpoints.locality (field 1) for a groupByLocality key: region=1, zone=2, sub_zone=3. */
export function writeLocality(w: ByteWriter, key: string): void {
  const loc = locality(key);
  w.fork(1);
  if (loc.region !== undefined) w.string(1, String(loc.region));
  if (loc.zone !== undefined) w.string(2, String(loc.zone));
  if (loc.sub_zone !== undefined) w.string(3, String(loc.sub_zone));
  w.ldelim();
}

/** One LocalityLbEndpoints (ClusterLoadAssignment.endpoints, field 2). */
function writeGroup(w: ByteWriter, key: string, endpoints: readonly IrEndpoint[]): void {
  w.fork(2);
  if (key !== '') writeLocality(w, key);
  for (let i = 0; i < endpoints.length; i++) {
    const ep = endpoints[i]!;
    // LbEndpoint{endpoint=1: Endpoint{address=1: Address{socket_address=1: SocketAddress}}}:
    // every length is known up front, so the nesting is written without fork/ldelim moves.
    // A `unix://` endpoint is Address{pipe=2: Pipe{path=1}} instead (endpoint-address.ts).
    const path = unixSocketPath(ep.address);
    const text = path ?? ep.address;
    const textLength = Buffer.byteLength(text, 'utf8');
    const socket = path === undefined ? 1 + varintSize(textLength) + textLength + 1 + varintSize(ep.port) : 1 + varintSize(textLength) + textLength;
    const address = 1 + varintSize(socket) + socket;
    const endpoint = 1 + varintSize(address) + address;
    const weight = ep.weight !== undefined && ep.weight > 0 ? ep.weight : 0;
    const weightField = weight > 0 ? 3 + varintSize(weight) : 0;
    w.varint((2 << 3) | 2).varint(1 + varintSize(endpoint) + endpoint + weightField);
    w.varint((1 << 3) | 2).varint(endpoint);
    w.varint((1 << 3) | 2).varint(address);
    if (path === undefined) {
      w.varint((1 << 3) | 2).varint(socket);
      w.string(2, ep.address).varint(3 << 3).varint(ep.port);
    } else {
      w.varint((2 << 3) | 2).varint(socket);
      w.string(1, path);
    }
    if (weight > 0) w.varint((4 << 3) | 2).varint(1 + varintSize(weight)).varint(8).varint(weight);
  }
  w.ldelim();
}

function hasLocality(endpoints: readonly IrEndpoint[]): boolean {
  for (let i = 0; i < endpoints.length; i++) if (endpoints[i]!.locality) return true;
  return false;
}

const scratch = new ByteWriter(1024);
