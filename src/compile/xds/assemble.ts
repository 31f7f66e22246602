// MeshIR → Snapshot. Each resource is built as a plain object, encoded to protobuf once,
// and stored by content hash; views list (name, hash) entries per xDS type. Shared
// resources (clusters and endpoints used by several views) are encoded and stored once.
import { encodeResource, withHash } from '../../snapshot/encode.ts';
import { contentHash, sortEntries, typeHash } from '../../snapshot/hash.ts';
import type { EncodedResource, RouteSource, Snapshot, SnapshotView, ViewEntry, XdsType } from '../../snapshot/types.ts';
import type { IrCluster, IrEndpointSet, IrRoute, IrRouteTable, IrView, MeshIR } from '../ir/types.ts';
import { usesEds } from './cluster.ts';
import { buildListener } from './listener.ts';
import { clusterEncoder, encodeLoadAssignment, routeTableEncoder } from './fast-encode.ts';

export function assembleSnapshot(ir: MeshIR, commit: string | null): Snapshot {
  const clusters = new Map<string, IrCluster>(ir.clusters.map((c) => [c.name, c]));
  const endpointSets = new Map<string, IrEndpointSet>(ir.endpoints.map((e) => [e.clusterName, e]));
  const store = new Map<string, EncodedResource>();
  const encodeCluster = clusterEncoder();
  const encodeRouteTable = routeTableEncoder(clusters);

  const put = (resource: EncodedResource): ViewEntry => {
    if (store.get(resource.hash) === undefined) store.set(resource.hash, resource);
    return { name: resource.name, hash: resource.hash };
  };
  // Clusters and their endpoints are the same in every view: encode each once.
  const clusterEntries = new Map<string, ViewEntry>();
  const clusterEntry = (cluster: IrCluster): ViewEntry => {
    let entry = clusterEntries.get(cluster.name);
    if (!entry) {
      entry = put(withHash('cds', cluster.name, encodeCluster(cluster)));
      clusterEntries.set(cluster.name, entry);
    }
    return entry;
  };
  const endpointEntries = new Map<string, ViewEntry>();
  const endpointEntry = (name: string): ViewEntry => {
    let entry = endpointEntries.get(name);
    if (!entry) {
      // Without known endpoints the assignment is empty, so the cluster still finishes warming.
      const set = endpointSets.get(name) ?? { clusterName: name, endpoints: [] };
      entry = put(withHash('eds', name, encodeLoadAssignment(set)));
      endpointEntries.set(name, entry);
    }
    return entry;
  };

  const views = [...ir.views]
    .sort((a, b) => compare(a.name, b.name))
    .map((view) => assembleView(view, clusters, { put, clusterEntry, endpointEntry, encodeRouteTable }));

  return {
    commit,
    contentHash: contentHash(views),
    views,
    resources: store,
    sourceMap: sourceMapOf(ir),
  };
}

interface Encoders {
  put(resource: EncodedResource): ViewEntry;
  clusterEntry(cluster: IrCluster): ViewEntry;
  endpointEntry(name: string): ViewEntry;
  encodeRouteTable(table: IrRouteTable): Uint8Array;
}

function assembleView(view: IrView, clusters: ReadonlyMap<string, IrCluster>, enc: Encoders): SnapshotView {
  const cds: ViewEntry[] = [];
  const eds: ViewEntry[] = [];
  for (const name of uniqueNames(view.clusterNames)) {
    const cluster = clusters.get(name);
    // The front end guarantees every referenced cluster exists: a miss is a compiler bug.
    if (!cluster) throw new Error(`assembleSnapshot: view ${view.name} references unknown cluster ${name}`);
    cds.push(enc.clusterEntry(cluster));
    if (usesEds(cluster)) eds.push(enc.endpointEntry(name));
  }
  const lds = view.listeners.map((l) => enc.put(encodeResource('lds', l.name, buildListener(l, view.kind))));
  const rds = view.routeTables.map((t) => enc.put(withHash('rds', t.name, enc.encodeRouteTable(t))));
  const resources: Record<XdsType, ViewEntry[]> = {
    cds: sortEntries(cds),
    eds: sortEntries(eds),
    lds: sortEntries(lds),
    rds: sortEntries(rds),
  };
  const out: SnapshotView = {
    name: view.name,
    kind: view.kind,
    namespaces: [...view.namespaces],
    ...(view.workloadSelector ? { workloadSelector: { ...view.workloadSelector } } : {}),
    resources,
    typeHashes: {
      cds: typeHash(resources.cds),
      eds: typeHash(resources.eds),
      lds: typeHash(resources.lds),
      rds: typeHash(resources.rds),
    },
  };
  return out;
}

/** Envoy route name → where it was written, keys sorted so serialized maps are stable. */
function sourceMapOf(ir: MeshIR): Record<string, RouteSource> {
  const found = new Map<string, RouteSource>();
  // Views share routes arrays (the same VirtualService seen the same way): visit each once.
  const seen = new Set<readonly IrRoute[]>();
  for (const view of ir.views) {
    for (const table of view.routeTables) {
      for (const vh of table.virtualHosts) {
        if (seen.has(vh.routes)) continue;
        seen.add(vh.routes);
        for (const route of vh.routes) {
          const s = route.source;
          if (!s || found.has(route.name)) continue;
          found.set(route.name, {
            file: s.file,
            line: s.line,
            column: s.column,
            kind: s.kind,
            namespace: s.namespace,
            name: s.name,
            field: s.field,
          });
        }
      }
    }
  }
  const out: Record<string, RouteSource> = {};
  for (const key of [...found.keys()].sort(compare)) out[key] = found.get(key)!;
  return out;
}

/**
 * The names once each, in order. The IR lists a view's clusters sorted, so duplicates are
 * neighbours and no set of tens of thousands of names is needed; unsorted input still works.
 */
function uniqueNames(names: readonly string[]): readonly string[] {
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return [...new Set(names)];
  return names;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
