// How a DNS cluster (ServiceEntry resolution DNS / DNS_ROUND_ROBIN, Kubernetes ExternalName)
// tells its reader to resolve its endpoints, per reader.
//
// Envoy: the DNS cluster extension (`cluster_type` `envoy.cluster.dns`, DnsCluster). Envoy 1.40
// reports Cluster.dns_refresh_rate and respect_dns_ttl as deprecated (and dns_lookup_family on
// DNS clusters), naming the extension as their successor. It is the very same cluster to
// Envoy: a `type: STRICT_DNS` or `LOGICAL_DNS` cluster is built by copying those Cluster
// fields into a DnsCluster (source/extensions/clusters/common/dns_cluster_backcompat.cc), with
// all_addresses_in_single_endpoint true for LOGICAL_DNS, and handing it to the same
// implementation as the extension (source/extensions/clusters/dns/dns_cluster.cc). The DNS
// resolver is Envoy's default either way (no per-cluster resolver is set). istiod (1.2x,
// cluster_builder.go) still writes the deprecated fields; the values are its: names resolved
// again every 60 s (MeshConfig dnsRefreshRate's default, pkg/config/mesh/mesh.go) or when their
// TTL runs out.
//
// gRPC's xDS client (proxyless gRPC views): it reads a cluster's `type` only, and takes
// `cluster_type` for aggregate clusters alone: @grpc/grpc-js-xds 1.14 rejects a cluster whose
// cluster_type config is anything else (cluster-resource-type.js), so a DnsCluster would cut
// the service off. Its clusters keep their discovery `type` (LOGICAL_DNS, whose one name gRPC
// resolves itself; STRICT_DNS, which gRPC NACKs in any form) and none of Envoy's resolver
// settings, which gRPC never reads.
import type { IrCluster } from '../ir/types.ts';
import { buildLoadAssignment } from './endpoint.ts';
import { anyOf, duration, type ProtoObject } from './proto-values.ts';
import type { XdsReader } from './reader.ts';

/** Who reads the cluster: an Envoy proxy (sidecar and gateway views) or gRPC's own xDS client. */
export type ClusterReader = XdsReader;

const DNS_CLUSTER = 'envoy.extensions.clusters.dns.v3.DnsCluster';

/** The discovery fields of a strict_dns or logical_dns cluster: how to resolve it, and the names to resolve. */
export function dnsDiscovery(cluster: IrCluster, reader: ClusterReader): ProtoObject {
  const logical = cluster.discovery === 'logical_dns';
  // With the endpoints' weights and localities, as for EDS clusters (and as Istio keeps them).
  const load_assignment = buildLoadAssignment({ clusterName: cluster.name, endpoints: cluster.dnsTargets });
  if (reader === 'grpc') return { type: logical ? 'LOGICAL_DNS' : 'STRICT_DNS', load_assignment };
  return { cluster_type: dnsClusterType(logical), load_assignment };
}

/** The two DnsCluster configs meshlog writes (strict and logical), encoded once. */
const clusterTypes: { strict?: ProtoObject; logical?: ProtoObject } = {};

function dnsClusterType(logical: boolean): ProtoObject {
  const key = logical ? 'logical' : 'strict';
  return (clusterTypes[key] ??= {
    name: 'envoy.cluster.dns',
    typed_config: anyOf(DNS_CLUSTER, {
      // As Istio: names are resolved again every 60 s, or sooner when their records' TTL says.
      dns_refresh_rate: duration(60_000),
      respect_dns_ttl: true,
      // Resolve both families: upstream hosts may be v4- or v6-only.
      dns_lookup_family: 'V4_PREFERRED',
      // LOGICAL_DNS: the addresses of a name are one host, connected to in turn.
      ...(logical ? { all_addresses_in_single_endpoint: true } : {}),
    }),
  });
}
