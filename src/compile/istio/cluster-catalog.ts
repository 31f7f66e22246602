// Every cluster the views of one compile refer to, numbered. Each sidecar view references the
// clusters of every service it sees (tens of thousands in a large mesh); collecting them as
// small integers per view, and sorting the names once for the whole compile, keeps a view's
// cost to a few array writes per service. A view that references every cluster gets the one
// shared sorted name list (the same array object in every such view).
import type { ClusterRef } from './from-virtual-service.ts';

export interface ClusterCatalog {
  /** The id of cluster `name`, registering `ref` the first time the name is seen. */
  id(name: string, ref: ClusterRef): number;
  /** A fresh collector for one view's clusters. */
  collector(): ClusterCollector;
  /** Registered names in code-unit order, with their refs; call once every view is built. */
  sorted(): SortedClusters;
}

export interface ClusterCollector {
  add(id: number): void;
  addAll(ids: readonly number[]): void;
}

export interface SortedClusters {
  readonly names: readonly string[];
  readonly refs: readonly ClusterRef[];
  /** A collector's names, sorted: the shared `names` array when it holds every cluster. */
  namesOf(collector: ClusterCollector): readonly string[];
}

export function clusterCatalog(): ClusterCatalog {
  const ids = new Map<string, number>();
  const names: string[] = [];
  const refs: ClusterRef[] = [];
  // stamp[id] = number of the last collector that added id: dedup without a Set per view.
  const stamp: number[] = [];
  const members = new WeakMap<ClusterCollector, number[]>();
  let collectors = 0;
  return {
    id(name, ref) {
      let id = ids.get(name);
      if (id === undefined) {
        id = names.length;
        ids.set(name, id);
        names.push(name);
        refs.push(ref);
        stamp.push(0);
      }
      return id;
    },
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
      };
      members.set(collector, list);
      return collector;
    },
    sorted() {
      const order = names.map((_, i) => i).sort((a, b) => (names[a]! < names[b]! ? -1 : names[a]! > names[b]! ? 1 : 0));
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
