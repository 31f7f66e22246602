// The front end's first stage: config files → typed Istio/meshlog/Kubernetes resources that
// passed their schema and per-resource rules, plus every diagnostic found on the way.
// A broken document is reported and left out; loading always continues with the rest, so
// one run reports everything. Pure and bounded (see limits.ts).
//
// Files are independent until MeshConfig's default namespace is applied: each is loaded on its
// own (load-file.ts), and the files' loads are merged in path order.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { DEFAULT_MESH_CONFIG } from '../schema/index.ts';
import { repositoryWideFirst } from './cap-diagnostics.ts';
import { LIMITS } from './limits.ts';
import { droppedRecord } from './dropped.ts';
import { droppedOf, loadFile, loadSlot, toLoaded, type Candidate, type FileLoad } from './load-file.ts';
import { withFieldPrefix } from './list-items.ts';
import { notCompiledDiagnostic, type StrictKinds } from './not-compiled-kinds.ts';
import type { AnyLoaded, DroppedResource, LoadResult, LoadedMeshConfig, LoadedResources } from './types.ts';

export type { AnyLoaded, DroppedResource, FieldPath, LineColumn, Loaded, LoadedMetadata, LoadedResources, LoadResult } from './types.ts';

/**
 * Every file given is config: which files are is the readers' choice (file-filter.ts), and a
 * file named on the command line or read from standard input is config whatever its name.
 */
export function loadResources(files: readonly SourceFile[]): LoadResult {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return mergeLoads(loadInOrder(sorted));
}

/** How diagnostics name a MeshConfig document that was not loaded (its namespace as toLoaded would give it). */
function meshConfigRef(c: Candidate): ResourceRef {
  const metadata = (c.doc.value.metadata ?? {}) as Record<string, unknown>;
  const namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : DEFAULT_MESH_CONFIG.defaultNamespace;
  return { kind: 'MeshConfig', namespace, name: typeof metadata.name === 'string' ? metadata.name : '' };
}

/** One file after another, each with what is left of the repository's document budget. */
function loadInOrder(files: readonly SourceFile[]): FileLoad[] {
  const loads: FileLoad[] = [];
  let budget: number = LIMITS.maxDocuments;
  for (const file of files) {
    const load = loadFile(file, budget);
    loads.push(load);
    budget -= load.documents;
    if (load.overBudget) break;
  }
  return loads;
}

/**
 * The files' loads, in path order, as one result: every file's reading diagnostics, then
 * MeshConfig's, then each document's, in document order.
 */
function mergeLoads(loads: readonly FileLoad[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const meshDocs: Candidate[] = [];
  for (let i = 0; i < loads.length; i++) {
    const load = loads[i]!;
    for (let k = 0; k < load.diagnostics.length; k++) diagnostics.push(load.diagnostics[k]!);
    for (let k = 0; k < load.meshDocs.length; k++) meshDocs.push(load.meshDocs[k]!);
  }

  // MeshConfig first: its defaultNamespace applies to every other document.
  let meshConfig: LoadedMeshConfig | undefined;
  if (meshDocs.length > 1) {
    // Each copy names itself and the others the same way: the MeshConfig, at its `kind`.
    for (const c of meshDocs) {
      const others = meshDocs.filter((o) => o !== c).map((o) => ({ resource: meshConfigRef(o), file: o.file, ...o.doc.locate(['kind']) }));
      diagnostics.push(diagnostic('ML1016', `more than one MeshConfig (${meshDocs.length}); keep exactly one`, { file: c.file, ...c.doc.locate(['kind']), field: 'kind', resource: meshConfigRef(c), related: others }));
    }
  } else if (meshDocs[0]) {
    meshConfig = toLoaded(meshDocs[0], DEFAULT_MESH_CONFIG.defaultNamespace, diagnostics) as LoadedMeshConfig | undefined;
  }
  const defaultNamespace = meshConfig?.spec.defaultNamespace ?? DEFAULT_MESH_CONFIG.defaultNamespace;
  const strictKinds: StrictKinds = { strict: meshConfig?.spec.strictKinds ?? DEFAULT_MESH_CONFIG.strictKinds, file: meshConfig?.file };

  const loaded: AnyLoaded[] = [];
  const dropped: DroppedResource[] = [];
  for (let i = 0; i < loads.length; i++) {
    const slots = loads[i]!.slots;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      if (slot.candidate) loadSlot(slot, slot.candidate, defaultNamespace);
      else if (slot.rejected) slot.dropped = droppedOf(slot.rejected, defaultNamespace);
      else if (slot.notCompiled) slot.diagnostics.push(...withFieldPrefix(slot.notCompiled.doc, [notCompiledDiagnostic(slot.notCompiled.document, defaultNamespace, strictKinds)]));
      for (let k = 0; k < slot.diagnostics.length; k++) diagnostics.push(slot.diagnostics[k]!);
      if (slot.resource) loaded.push(slot.resource);
      else if (slot.dropped) dropped.push(slot.dropped);
    }
  }
  const resources = group(dropDuplicates(loaded, diagnostics, dropped), meshConfig);
  if (dropped.length > 0) resources.dropped = dropped;
  return { resources, diagnostics: repositoryWideFirst(diagnostics) };
}

/** Same kind/namespace/name twice: report every copy and keep none (which one wins is a guess). */
function dropDuplicates(resources: AnyLoaded[], diagnostics: Diagnostic[], dropped: DroppedResource[]): AnyLoaded[] {
  // Groups by kind → namespace → name (no joined id string per resource), in order of first
  // appearance; a group is its first resource, with a list only when there are duplicates.
  const firsts: AnyLoaded[] = [];
  const duplicates = new Map<AnyLoaded, AnyLoaded[]>();
  const byKind = new Map<string, Map<string, Map<string, AnyLoaded>>>();
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    let byNamespace = byKind.get(r.kind);
    if (!byNamespace) byKind.set(r.kind, (byNamespace = new Map()));
    let byName = byNamespace.get(r.metadata.namespace);
    if (!byName) byNamespace.set(r.metadata.namespace, (byName = new Map()));
    const first = byName.get(r.metadata.name);
    if (first === undefined) {
      byName.set(r.metadata.name, r);
      firsts.push(r);
    } else {
      const group = duplicates.get(first);
      if (group) group.push(r);
      else duplicates.set(first, [first, r]);
    }
  }
  const kept: AnyLoaded[] = [];
  for (let i = 0; i < firsts.length; i++) {
    const first = firsts[i]!;
    const group = duplicates.size === 0 ? undefined : duplicates.get(first);
    if (!group) {
      kept.push(first);
      continue;
    }
    const { kind, metadata, file } = first;
    dropped.push(droppedRecord(kind, metadata.namespace, metadata.name, file, first.locate(['metadata', 'name']).line, first.spec));
    for (const r of group) {
      const resource = { kind: r.kind, namespace: r.metadata.namespace, name: r.metadata.name };
      const related = group.filter((o) => o !== r).map((o) => ({ resource, file: o.file, ...o.locate(['metadata', 'name']) }));
      diagnostics.push(diagnostic('ML1018', `${r.kind} ${r.metadata.namespace}/${r.metadata.name} is defined ${group.length} times`, { file: r.file, ...r.locate(['metadata', 'name']), field: 'metadata.name', resource, related }));
    }
  }
  return kept;
}

function group(resources: AnyLoaded[], meshConfig: LoadedMeshConfig | undefined): LoadedResources {
  const out: LoadedResources = { virtualServices: [], destinationRules: [], serviceEntries: [], gateways: [], services: [] };
  if (meshConfig) out.meshConfig = meshConfig;
  for (let i = 0; i < resources.length; i++) {
    const r = resources[i]!;
    if (r.kind === 'VirtualService') out.virtualServices.push(r);
    else if (r.kind === 'DestinationRule') out.destinationRules.push(r);
    else if (r.kind === 'ServiceEntry') out.serviceEntries.push(r);
    else if (r.kind === 'Gateway') out.gateways.push(r);
    else if (r.kind === 'Service') out.services.push(r);
  }
  sortLoaded(out.virtualServices);
  sortLoaded(out.destinationRules);
  sortLoaded(out.serviceEntries);
  sortLoaded(out.gateways);
  sortLoaded(out.services);
  return out;
}

/**
 * Sorts by namespace, then compareInNamespace, in place, one namespace at a time: most
 * resources share a few namespaces, and comparing those equal strings on every step was most
 * of the sort's cost. Buckets keep input order and sorts are stable, so ties end up exactly
 * where one sort over everything would put them.
 */
function sortLoaded<T extends AnyLoaded>(list: T[]): void {
  const byNamespace = new Map<string, T[]>();
  for (let i = 0; i < list.length; i++) {
    const r = list[i]!;
    const bucket = byNamespace.get(r.metadata.namespace);
    if (bucket) bucket.push(r);
    else byNamespace.set(r.metadata.namespace, [r]);
  }
  list.length = 0;
  for (const ns of [...byNamespace.keys()].sort(cmp)) {
    const bucket = byNamespace.get(ns)!.sort(compareInNamespace);
    for (let i = 0; i < bucket.length; i++) list.push(bucket[i]!);
  }
}

// Plain code-unit comparison, not localeCompare: the order must not depend on the machine's locale.
function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The resources' order: namespace, name, file, document (compareInNamespace after the namespace). */
function compareInNamespace(a: AnyLoaded, b: AnyLoaded): number {
  return cmp(a.metadata.name, b.metadata.name) || cmp(a.file, b.file) || a.docIndex - b.docIndex;
}

