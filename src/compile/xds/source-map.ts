// Snapshot.sourceMap: Envoy route name → where it was written, keys sorted so serialized
// maps are stable. Only explain, verify and the API read it, while at 10,000 services it
// has tens of thousands of keys, and building that object (sorting, interning every name
// as a property key) cost as much as encoding every cluster. So compile only collects the
// (name, source) pairs, and the object is built on its first read, once.
import type { RouteSource, Snapshot } from '../../snapshot/types.ts';
import type { IrRoute, IrSource, MeshIR } from '../ir/types.ts';

/** `snapshot` with a sourceMap property that is built from `ir`'s routes when first read. */
export function withSourceMap(snapshot: Omit<Snapshot, 'sourceMap'>, ir: MeshIR): Snapshot {
  // Collected now, so the snapshot holds only names and sources, never the IR.
  const found = routeSources(ir);
  let built: Readonly<Record<string, RouteSource>> | undefined;
  return {
    ...snapshot,
    get sourceMap(): Readonly<Record<string, RouteSource>> {
      built ??= sortedRecord(found);
      return built;
    },
  };
}

interface Found {
  readonly names: string[];
  readonly sources: IrSource[];
}

/** Every route's name and source, in IR order (duplicates included: the first one wins later). */
function routeSources(ir: MeshIR): Found {
  const found: Found = { names: [], sources: [] };
  // Views share routes arrays (the same VirtualService seen the same way): visit each once.
  const seen = new Set<readonly IrRoute[]>();
  for (const view of ir.views) {
    for (const table of view.routeTables) {
      for (const vh of table.virtualHosts) {
        if (seen.has(vh.routes)) continue;
        seen.add(vh.routes);
        for (let i = 0; i < vh.routes.length; i++) {
          const route = vh.routes[i]!;
          if (!route.source) continue;
          found.names.push(route.name);
          found.sources.push(route.source);
        }
      }
    }
  }
  return found;
}

function sortedRecord({ names, sources }: Found): Record<string, RouteSource> {
  // Stable sort by name: of equal names, the first seen comes first and is kept.
  const order = names.map((_, i) => i).sort((a, b) => compare(names[a]!, names[b]!) || a - b);
  const out: Record<string, RouteSource> = {};
  for (const i of order) {
    const name = names[i]!;
    if (Object.hasOwn(out, name)) continue;
    const s = sources[i]!;
    // A copy with exactly RouteSource's fields, in one order, whatever else the IR carries.
    out[name] = { file: s.file, line: s.line, column: s.column, kind: s.kind, namespace: s.namespace, name: s.name, field: s.field };
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
