// Clusters and endpoints for gRPC views, in the form gRPC's own xDS client accepts. They keep
// the sidecars' names (routes, shared with the sidecars, refer to clusters by name), so a
// gRPC view lists a cluster under the same name as a sidecar view, with other bytes.
//
// Why not one form for both (checked against @grpc/grpc-js-xds 1.14 and Envoy 1.40):
//  - Load balancing. Istio's default is LEAST_REQUEST, which gRPC's client rejects
//    ("load_balancing_policy unset and unsupported lb_policy"); it has neither least-request
//    nor random. The portable form, `load_balancing_policy` with an ordered list, would
//    rewrite every sidecar cluster of every mesh for the few clients that are gRPC.
//    Sidecars keep Istio's exact policy; gRPC gets round
//    robin for LEAST_REQUEST/RANDOM/ROUND_ROBIN, ring hash for RING_HASH and MAGLEV (both
//    consistent hashing: a key still sticks to one host).
//  - Localities. gRPC rejects a LocalityLbEndpoints without `locality` and skips one without
//    `load_balancing_weight`; Envoy needs neither. Each locality group gets its locality
//    (empty when unknown) and the sum of its endpoint weights, so gRPC spreads calls over
//    localities in proportion to their endpoints, as Envoy does without locality weighting.
//  - DNS clusters. gRPC reads a discovery `type`, not Envoy's DNS cluster extension
//    (dns-cluster.ts).
// Everything else (timeouts, circuit breakers, outlier detection, TLS, HTTP/2) is the
// sidecar cluster's; a part gRPC cannot use (an ORIGINAL_DST passthrough cluster) is NACKed
// by gRPC for that one cluster, which only the routes to it feel.
import { withHash } from '../../snapshot/encode.ts';
import type { EncodedResource } from '../../snapshot/types.ts';
import type { IrCluster, IrEndpoint, IrEndpointSet, IrLoadBalancer } from '../ir/types.ts';
import { unixSocketPath } from '../ir/endpoint-address.ts';
import { ByteWriter } from './byte-writer.ts';
import { buildCluster } from './cluster.ts';
import { groupByLocality, locality } from './endpoint.ts';
import { clusterEncoder, writeLocality } from './fast-encode.ts';
import { endpointAddress, wrap, type ProtoObject } from './proto-values.ts';

/** The cluster as gRPC should get it: the sidecar cluster with a load balancer gRPC has. */
export function grpcIrCluster(cluster: IrCluster): IrCluster {
  const lb = grpcLoadBalancer(cluster.loadBalancer);
  return lb === cluster.loadBalancer ? cluster : { ...cluster, loadBalancer: lb };
}

function grpcLoadBalancer(lb: IrLoadBalancer): IrLoadBalancer {
  switch (lb.kind) {
    case 'least_request':
    case 'random':
      return ROUND_ROBIN;
    case 'maglev':
      return { kind: 'ring_hash', ...(lb.hashOn ? { hashOn: lb.hashOn } : {}) };
    case 'round_robin':
    case 'ring_hash':
    case 'passthrough':
      return lb;
  }
}

const ROUND_ROBIN: IrLoadBalancer = { kind: 'round_robin' };

/** The gRPC form of a cluster as a plain object (the fast encoder below writes the same bytes). */
export function buildGrpcCluster(cluster: IrCluster): ProtoObject {
  return buildCluster(grpcIrCluster(cluster), 'grpc');
}

export function buildGrpcLoadAssignment(set: IrEndpointSet): ProtoObject {
  return {
    cluster_name: set.clusterName,
    endpoints: groupByLocality(set).map(([key, eps]) => ({
      locality: locality(key),
      lb_endpoints: eps.map((ep) => {
        const out: ProtoObject = { endpoint: { address: endpointAddress(ep.address, ep.port) } };
        if (ep.weight !== undefined && ep.weight > 0) out.load_balancing_weight = wrap(ep.weight);
        return out;
      }),
      load_balancing_weight: wrap(localityWeight(eps)),
    })),
  };
}

/** Sum of the endpoints' weights (1 when unset), as gRPC weighs localities. */
function localityWeight(eps: readonly IrEndpoint[]): number {
  let sum = 0;
  for (const ep of eps) sum += ep.weight !== undefined && ep.weight > 0 ? ep.weight : 1;
  return sum;
}

/**
 * buildGrpcLoadAssignment's bytes, written field by field (a mesh of gRPC services has tens of
 * thousands): ClusterLoadAssignment cluster_name=1, endpoints=2; LocalityLbEndpoints
 * locality=1, lb_endpoints=2, load_balancing_weight=3; LbEndpoint endpoint=1,
 * load_balancing_weight=4; Endpoint.address=1 → Address.socket_address=1 → SocketAddress
 * address=2, port_value=3 (or Address.pipe=2 → Pipe path=1, for `unix://`); Locality region=1, zone=2, sub_zone=3; UInt32Value value=1.
 */
export function encodeGrpcLoadAssignment(set: IrEndpointSet): Uint8Array {
  const w = scratch.reset();
  w.string(1, set.clusterName);
  for (const [key, endpoints] of groupByLocality(set)) {
    w.fork(2);
    writeLocality(w, key);
    for (const ep of endpoints) {
      w.fork(2);
      const path = unixSocketPath(ep.address);
      if (path === undefined) {
        w.fork(1).fork(1).fork(1);
        w.string(2, ep.address).varint(3 << 3).varint(ep.port);
      } else {
        w.fork(1).fork(1).fork(2); // Address.pipe → Pipe.path
        w.string(1, path);
      }
      w.ldelim().ldelim().ldelim();
      if (ep.weight !== undefined && ep.weight > 0) w.fork(4).varint(8).varint(ep.weight).ldelim();
      w.ldelim();
    }
    w.fork(3).varint(8).varint(localityWeight(endpoints)).ldelim();
    w.ldelim();
  }
  return w.finish();
}

const scratch = new ByteWriter(1024);

/** Encoders for gRPC views' clusters and endpoints, each encoded once per compile. */
export function grpcResourceEncoder(): {
  cluster(cluster: IrCluster): EncodedResource;
  endpoints(set: IrEndpointSet): EncodedResource;
} {
  const encodeCluster = clusterEncoder('grpc'); // the sidecars' fast path, on the gRPC form of the cluster
  const clusters = new Map<string, EncodedResource>();
  const endpoints = new Map<string, EncodedResource>();
  return {
    cluster(cluster) {
      let r = clusters.get(cluster.name);
      if (!r) clusters.set(cluster.name, (r = withHash('cds', cluster.name, encodeCluster(grpcIrCluster(cluster)))));
      return r;
    },
    endpoints(set) {
      let r = endpoints.get(set.clusterName);
      if (!r) endpoints.set(set.clusterName, (r = withHash('eds', set.clusterName, encodeGrpcLoadAssignment(set))));
      return r;
    },
  };
}
