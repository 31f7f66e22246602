// Each view's CDS and EDS entries. At 10,000 services a view lists tens of thousands of
// clusters, and views often list the same ones, so:
//  - a cluster and its endpoints are encoded once per form (sidecar or gRPC), however many
//    views list them;
//  - views with the same cluster names, in the same form, get the very same entry arrays
//    (compared name by name, mostly the same string objects), which the hasher and serve
//    then also treat as one;
//  - clusters are found by one name → index map over the IR's sorted array, and endpoint
//    sets by merging the two sorted arrays: maps of tens of thousands of string keys were a
//    measurable part of assembly.
import { sameItems } from '../../core/same-items.ts';
import { sortEntries } from '../../snapshot/hash.ts';
import type { EncodedResource, ViewEntry } from '../../snapshot/types.ts';
import type { IrCluster, IrEndpointSet, IrView } from '../ir/types.ts';
import { usesEds } from './cluster.ts';
import type { ClusterLookup } from './route-action.ts';

/** How a view's clusters and their endpoints are encoded: the sidecars' form or gRPC's. */
export interface ClusterForm {
  cluster(cluster: IrCluster): EncodedResource;
  endpoints(set: IrEndpointSet): EncodedResource;
}

export interface ClusterLists {
  /** Sorted by name. */
  readonly cds: readonly ViewEntry[];
  /** Sorted by name. */
  readonly eds: readonly ViewEntry[];
}

export interface ClusterTable {
  /** Clusters by name, for route building. */
  readonly lookup: ClusterLookup;
  /** The view's lists in `form`. */
  listsOf(view: IrView, form: ClusterForm): ClusterLists;
}

/**
 * `clusters` and `endpoints` as MeshIR holds them (each sorted by name); `put` stores each
 * resource encoded on the way and gives its entry.
 */
export function clusterTable(
  clusters: readonly IrCluster[],
  endpoints: readonly IrEndpointSet[],
  put: (resource: EncodedResource) => ViewEntry,
): ClusterTable {
  const index = new Map<string, number>();
  for (let i = 0; i < clusters.length; i++) index.set(clusters[i]!.name, i);
  const sets = alignEndpointSets(clusters, endpoints);
  // Per form, each cluster's entries by cluster index, once encoded.
  const encoded = new Map<ClusterForm, { readonly cds: ViewEntry[]; readonly eds: ViewEntry[] }>();
  const known = new Map<ClusterForm, { readonly names: readonly string[]; readonly lists: ClusterLists }[]>();

  // Views that see every cluster share one name array (cluster-catalog.ts): checked once.
  const checked = new Map<readonly string[], readonly string[]>();
  const listsOf = (view: IrView, form: ClusterForm): ClusterLists => {
    let names = checked.get(view.clusterNames);
    if (!names) checked.set(view.clusterNames, (names = uniqueNames(view.clusterNames)));
    let forForm = known.get(form);
    const hit = forForm?.find((k) => sameItems(k.names, names));
    if (hit) return hit.lists;
    let done = encoded.get(form);
    if (!done) encoded.set(form, (done = { cds: [], eds: [] }));
    const cds: ViewEntry[] = [];
    const eds: ViewEntry[] = [];
    for (const name of names) {
      const i = index.get(name);
      // The front end guarantees every referenced cluster exists: a miss is a compiler bug.
      if (i === undefined) throw new Error(`assembleSnapshot: view ${view.name} references unknown cluster ${name}`);
      const cluster = clusters[i]!;
      cds.push((done.cds[i] ??= put(form.cluster(cluster))));
      // Without known endpoints the assignment is empty, so the cluster still finishes warming.
      if (usesEds(cluster)) eds.push((done.eds[i] ??= put(form.endpoints(sets[i] ?? { clusterName: name, endpoints: [] }))));
    }
    const lists = { cds: sortEntries(cds), eds: sortEntries(eds) };
    if (!forForm) known.set(form, (forForm = []));
    forForm.push({ names, lists });
    return lists;
  };

  const lookup: ClusterLookup = {
    get: (name) => {
      const i = index.get(name);
      return i === undefined ? undefined : clusters[i];
    },
    values: () => clusters,
  };
  return { lookup, listsOf };
}

/**
 * Each cluster's endpoint set, at the cluster's index. Both arrays are sorted by name, so a
 * merge finds them; for a name listed twice the last set wins, as in a map built in order.
 * Input that is not sorted (never from the front end) takes the map.
 */
function alignEndpointSets(clusters: readonly IrCluster[], endpoints: readonly IrEndpointSet[]): (IrEndpointSet | undefined)[] {
  const out: (IrEndpointSet | undefined)[] = new Array<IrEndpointSet | undefined>(clusters.length);
  let j = 0;
  let matched = 0;
  for (let i = 0; i < clusters.length; i++) {
    const name = clusters[i]!.name;
    while (j < endpoints.length && endpoints[j]!.clusterName < name) j++;
    if (j < endpoints.length && endpoints[j]!.clusterName === name) {
      out[i] = endpoints[j]!;
      matched++;
      j++;
    }
  }
  if (matched === endpoints.length) return out;
  const byName = new Map(endpoints.map((e) => [e.clusterName, e]));
  return clusters.map((c) => byName.get(c.name));
}

/**
 * The names once each, in order. The IR lists a view's clusters sorted, so duplicates are
 * neighbours and no set of tens of thousands of names is needed; unsorted input still works.
 */
function uniqueNames(names: readonly string[]): readonly string[] {
  for (let i = 1; i < names.length; i++) if (!(names[i - 1]! < names[i]!)) return [...new Set(names)];
  return names;
}
