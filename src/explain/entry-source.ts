// Where a route's match entry is written. A rule with several match entries becomes one route
// per entry, and the IR cites the rule (`spec.http[1]`); explain cites the entry that matched
// (`spec.http[1].match[1]`, its own line). Found after the fact, from the one file the rule
// is in, so compiling never pays for locating entries nobody asks about.
import { vsRouteParts } from '../compile/istio/names.ts';
import type { IrRoute, IrSource } from '../compile/ir/types.ts';
import { loadResources } from '../compile/parse/load-resources.ts';
import type { LoadedResources } from '../compile/parse/load-resources.ts';
import type { SourceFile } from '../ingest/source-bundle.ts';

/** A locator over `files` (the compiled bundle's): each file is read again at most once. */
export function entrySourceIn(files: readonly SourceFile[]): (route: IrRoute) => IrSource | undefined {
  const loaded = new Map<string, LoadedResources | undefined>();
  const resourcesOf = (file: string): LoadedResources | undefined => {
    if (!loaded.has(file)) {
      const f = files.find((x) => x.path === file);
      loaded.set(file, f ? loadResources([f]).resources : undefined);
    }
    return loaded.get(file);
  };
  return (route) => {
    const source = route.source;
    const rule = source && /^spec\.http\[(\d+)\]$/.exec(source.field);
    const parts = vsRouteParts(route.name);
    if (!source || source.kind !== 'VirtualService' || !rule || !parts) return undefined;
    const i = Number(rule[1]);
    const j = parts.entry;
    // By name within its file, and by namespace when that leaves more than one (a file may hold
    // `web` in two namespaces). Loaded alone, a document without a namespace may not get the
    // one MeshConfig gives it: when no namespace matches, the rule's own line is cited.
    const named = resourcesOf(source.file)?.virtualServices.filter((v) => v.metadata.name === source.name) ?? [];
    const vs = named.length === 1 ? named[0] : named.find((v) => v.metadata.namespace === source.namespace);
    if (!vs?.spec.http?.[i]?.match?.[j]) return undefined; // a rule without match list: cite the rule
    const path = ['spec', 'http', i, 'match', j];
    const { line, column } = vs.locate(path);
    return { ...source, line, column, field: `spec.http[${i}].match[${j}]` };
  };
}
