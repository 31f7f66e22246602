// MeshIR → Snapshot. Each resource is built as a plain object (or written by the fast
// encoders), encoded to protobuf once, and stored by content hash; views list (name, hash)
// entries per xDS type.
//
// Views often hold the same things: the default sidecar view and a namespace's view list the
// same clusters when one namespace sees everything, and build equal route tables from shared
// routes. At 10,000 services that is tens of thousands of entries per view, so repeated work
// is found cheaply and done once:
//  - clusters and endpoints are encoded once per form, and views with equal cluster names
//    share their CDS and EDS lists (cluster-lists.ts);
//  - route tables are stored as parts, a virtual host's bytes once for every table that lists
//    it, and a table the same as another (fast-encode.ts returns the same parts array) is
//    hashed once;
//  - type hashes and the content hash build each distinct list's lines once (hash.ts);
//  - the source map is collected here but built when first read (source-map.ts).
import { ComposedResource } from '../../snapshot/composed.ts';
import { encodeResource, withHash } from '../../snapshot/encode.ts';
import { snapshotHasher, sortEntries } from '../../snapshot/hash.ts';
import type { EncodedResource, Snapshot, SnapshotView, ViewEntry, XdsType } from '../../snapshot/types.ts';
import type { IrRouteTable, IrView, MeshIR } from '../ir/types.ts';
import { clusterTable, type ClusterForm } from './cluster-lists.ts';
import { buildListener } from './listener.ts';
import { clusterEncoder, encodeLoadAssignment, routeTableEncoder, type RouteTableParts } from './fast-encode.ts';
import { encodeApiListener } from './api-listener.ts';
import { grpcResourceEncoder } from './grpc-resources.ts';
import { withSourceMap } from './source-map.ts';

export function assembleSnapshot(ir: MeshIR, commit: string | null): Snapshot {
  const store = new Map<string, EncodedResource>();
  const put = (resource: EncodedResource): ViewEntry => {
    // An equal resource may be stored already (same hash: same type, name and bytes).
    store.set(resource.hash, resource);
    return { name: resource.name, hash: resource.hash };
  };
  const clusters = clusterTable(ir.clusters, ir.endpoints, put);
  const encodeCluster = clusterEncoder();
  const sidecarForm: ClusterForm = {
    cluster: (cluster) => withHash('cds', cluster.name, encodeCluster(cluster)),
    endpoints: (set) => withHash('eds', set.clusterName, encodeLoadAssignment(set)),
  };
  // gRPC views: API listeners, and clusters/endpoints in the form gRPC accepts (same names).
  const grpcForm: ClusterForm = grpcResourceEncoder();
  const encodeRouteTable = routeTableEncoder(clusters.lookup);
  // gRPC views' tables hold the sidecars' routes, with the route action in the form gRPC's
  // client reads (route-timeout.ts): their own encoder, made only when a mesh has gRPC views,
  // so sidecar tables are encoded exactly as without them.
  let encodeGrpcRouteTable: ((table: IrRouteTable) => RouteTableParts) | undefined;
  const encoderFor = (kind: IrView['kind']) => (kind === 'grpc' ? (encodeGrpcRouteTable ??= routeTableEncoder(clusters.lookup, 'grpc')) : encodeRouteTable);
  const hasher = snapshotHasher();

  // Route tables are stored as parts (snapshot/composed.ts): views per namespace share
  // nearly every virtual host, and a table of each would repeat megabytes per view.
  const routeTableEntries = new Map<RouteTableParts, ViewEntry>();
  const routeTableEntry = (table: IrRouteTable, encode: (table: IrRouteTable) => RouteTableParts): ViewEntry => {
    const parts = encode(table);
    let entry = routeTableEntries.get(parts);
    if (entry?.name !== table.name) {
      entry = put(new ComposedResource('rds', table.name, parts));
      routeTableEntries.set(parts, entry);
    }
    return entry;
  };

  // A TCP proxy's hash policy and timeouts come from the clusters it sends to.
  const clusterOf = (name: string) => clusters.lookup.get(name);

  const views = [...ir.views]
    .sort((a, b) => compare(a.name, b.name))
    .map((view): SnapshotView => {
      const { cds, eds } = clusters.listsOf(view, view.kind === 'grpc' ? grpcForm : sidecarForm);
      const kind = view.kind;
      const encodeTable = encoderFor(kind);
      const lds = view.listeners.map((l) =>
        put(kind === 'grpc' ? withHash('lds', l.name, encodeApiListener(l)) : encodeResource('lds', l.name, buildListener(l, kind, clusterOf))),
      );
      const resources: Record<XdsType, readonly ViewEntry[]> = {
        cds,
        eds,
        lds: sortEntries(lds),
        rds: sortEntries(view.routeTables.map((t) => routeTableEntry(t, encodeTable))),
      };
      return {
        name: view.name,
        kind: view.kind,
        namespaces: [...view.namespaces],
        ...(view.workloadSelector ? { workloadSelector: { ...view.workloadSelector } } : {}),
        ...(view.gateways && view.gateways.length > 1 ? { mergedGateways: [...view.gateways] } : {}),
        resources,
        typeHashes: {
          cds: hasher.typeHash(resources.cds),
          eds: hasher.typeHash(resources.eds),
          lds: hasher.typeHash(resources.lds),
          rds: hasher.typeHash(resources.rds),
        },
      };
    });

  return withSourceMap({ commit, contentHash: hasher.contentHash(views), views, resources: store }, ir);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
