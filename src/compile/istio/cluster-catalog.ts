// Every cluster the views of one compile refer to, numbered. Each sidecar view references the
// clusters of every service it sees (tens of thousands in a large mesh); collecting them as
// small integers per view, and sorting the names once for the whole compile, keeps a view's
// cost to a few array writes per service. A view that references every cluster gets the one
// shared sorted name list (the same array object in every such view).
//
// Clusters are found by (host, port, subset), not by name: host strings come from the registry
// and the resolver's memo, so looking one up hashes nothing new, while a name would be a fresh
// string to build and hash on every one of the ~100,000 lookups of a large mesh. Each cluster's
// name is built once, when it is first seen, and every route naming it shares that string.
import type { ClusterRef } from './from-virtual-service.ts';
import { clusterName } from './names.ts';

export interface ClusterCatalog {
  /** The id of cluster (host, port, subset), registering it the first time it is seen. */
  id(host: string, port: number, subset: string): number;
  /** The name of a registered cluster (`outbound|<port>|<subset>|<host>`). */
  name(id: number): string;
  /** The (host, port, subset) of a registered cluster. */
  ref(id: number): ClusterRef;
  /** A fresh collector for one view's clusters. */
  collector(): ClusterCollector;
  /** Registered names in code-unit order, with their refs; call once every view is built. */
  sorted(): SortedClusters;
}

export interface ClusterCollector {
  add(id: number): void;
  addAll(ids: readonly number[]): void;
  /** The ids added so far, in the order added (a copy). */
  ids(): readonly number[];
}

export interface SortedClusters {
  readonly names: readonly string[];
  readonly refs: readonly ClusterRef[];
  /** A collector's names, sorted: the shared `names` array when it holds every cluster. */
  namesOf(collector: ClusterCollector): readonly string[];
}

export function clusterCatalog(): ClusterCatalog {
  // host → ids of its clusters: a host has a port or two and a few subsets, so a scan of
  // its own short list finds one without a compound key.
  const byHost = new Map<string, number[]>();
  const names: string[] = [];
  const refs: ClusterRef[] = [];
  // stamp[id] = number of the last collector that added id: dedup without a Set per view.
  const stamp: number[] = [];
  const members = new WeakMap<ClusterCollector, number[]>();
  let collectors = 0;
  return {
    id(host, port, subset) {
      const ids = byHost.get(host);
      if (ids) {
        for (let i = 0; i < ids.length; i++) {
          const id = ids[i]!;
          const ref = refs[id]!;
          if (ref.port === port && ref.subset === subset) return id;
        }
      }
      const id = names.length;
      if (ids) ids.push(id);
      else byHost.set(host, [id]); // a literal: most hosts keep one or two ids (exact.ts)
      names.push(clusterName(host, port, subset));
      refs.push({ host, port, subset });
      stamp.push(0);
      return id;
    },
    name: (id) => names[id]!,
    ref: (id) => refs[id]!,
    collector() {
      const mark = ++collectors;
      const list: number[] = [];
      const add = (id: number) => {
        if (stamp[id] !== mark) {
          stamp[id] = mark;
          list.push(id);
        }
      };
      const collector: ClusterCollector = {
        add,
        addAll(more) {
          for (let i = 0; i < more.length; i++) add(more[i]!);
        },
        ids: () => list.slice(),
      };
      members.set(collector, list);
      return collector;
    },
    sorted() {
      const order = names.map((_, i) => i).sort((a, b) => {
        const x = names[a]!;
        const y = names[b]!;
        return x < y ? -1 : x > y ? 1 : 0;
      });
      const rank = new Array<number>(names.length);
      order.forEach((id, r) => (rank[id] = r));
      const sortedNames = order.map((id) => names[id]!);
      return {
        names: sortedNames,
        refs: order.map((id) => refs[id]!),
        namesOf(collector) {
          const list = members.get(collector) ?? [];
          if (list.length === names.length) return sortedNames;
          return list.map((id) => rank[id]!).sort((a, b) => a - b).map((r) => sortedNames[r]!);
        },
      };
    },
  };
}
