// The front end's first stage: config files → typed Istio/meshlog/Kubernetes resources that
// passed their schema and per-resource rules, plus every diagnostic found on the way.
// A broken document is reported and left out; loading always continues with the rest, so
// one run reports everything. Pure and bounded (see limits.ts).
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { DEFAULT_MESH_CONFIG, DOCUMENT_SCHEMAS, type SupportedKind } from '../schema/index.ts';
import { compileFastCheck, UNSURE, type FastCheck } from '../schema/fast-check.ts';
import { validateResource } from '../validate/index.ts';
import { repositoryWideFirst } from './cap-diagnostics.ts';
import { classify } from './classify.ts';
import { decodeSourceFile } from './decode-file.ts';
import { LIMITS } from './limits.ts';
import { expandListDocuments, withFieldPrefix } from './list-items.ts';
import { schemaDiagnostics } from './schema-diagnostics.ts';
import type { AnyLoaded, FieldPath, LineColumn, LoadResult, LoadedMeshConfig, LoadedResources } from './types.ts';
import { parseYamlFile, tooManyDocuments, type YamlDocument } from './yaml-documents.ts';

export type { AnyLoaded, FieldPath, LineColumn, Loaded, LoadedMetadata, LoadedResources, LoadResult } from './types.ts';

/** A document that is one of the kinds meshlog reads, before schema checks. */
interface Candidate {
  readonly kind: SupportedKind;
  readonly file: string;
  readonly doc: YamlDocument;
}

/**
 * A non-MeshConfig document, in input order: loaded as soon as its file is read when it names
 * its namespace (nothing MeshConfig says can change it), else kept until MeshConfig's default
 * namespace is known. Loading early lets each raw YAML tree die young, right after the schema
 * copied it, instead of keeping every file's tree alive until all files are read (at 10,000
 * services that retention dominated the garbage collector's work). Results and diagnostics
 * are still collected in document order, so the output is the same either way.
 */
interface Slot {
  readonly candidate?: Candidate;
  resource?: AnyLoaded | undefined;
  diagnostics: Diagnostic[];
}

export function loadResources(files: readonly SourceFile[]): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const meshDocs: Candidate[] = [];
  const slots: Slot[] = [];
  readCandidates(files, diagnostics, (c) => {
    if (c.kind === 'MeshConfig') meshDocs.push(c);
    else if (explicitNamespace(c.doc.value) === undefined) slots.push({ candidate: c, diagnostics: [] });
    else {
      const own: Diagnostic[] = [];
      slots.push({ resource: toLoaded(c, DEFAULT_MESH_CONFIG.defaultNamespace, own), diagnostics: own });
    }
  });

  // MeshConfig first: its defaultNamespace applies to every other document.
  let meshConfig: LoadedMeshConfig | undefined;
  if (meshDocs.length > 1) {
    for (const c of meshDocs) {
      const others = meshDocs.filter((o) => o !== c).map((o) => ({ file: o.file, ...o.doc.locate([]) }));
      diagnostics.push(diagnostic('ML1016', `more than one MeshConfig (${meshDocs.length}); keep exactly one`, { file: c.file, ...c.doc.locate(['kind']), field: 'kind', related: others }));
    }
  } else if (meshDocs[0]) {
    meshConfig = toLoaded(meshDocs[0], DEFAULT_MESH_CONFIG.defaultNamespace, diagnostics) as LoadedMeshConfig | undefined;
  }
  const defaultNamespace = meshConfig?.spec.defaultNamespace ?? DEFAULT_MESH_CONFIG.defaultNamespace;

  const loaded: AnyLoaded[] = [];
  for (const slot of slots) {
    if (slot.candidate) slot.resource = toLoaded(slot.candidate, defaultNamespace, slot.diagnostics);
    for (const d of slot.diagnostics) diagnostics.push(d);
    if (slot.resource) loaded.push(slot.resource);
  }
  const resources = group(dropDuplicates(loaded, diagnostics), meshConfig);
  return { resources, diagnostics: repositoryWideFirst(diagnostics) };
}

/** metadata.namespace when the document sets it (a non-empty string), as toLoaded reads it. */
function explicitNamespace(raw: Record<string, unknown>): string | undefined {
  const ns = ((raw.metadata ?? {}) as Record<string, unknown>).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** Reads every file into documents of supported kinds, handed to `take` in order; reports everything else. */
function readCandidates(files: readonly SourceFile[], diagnostics: Diagnostic[], take: (c: Candidate) => void): void {
  let budget: number = LIMITS.maxDocuments;
  const sorted = [...files].filter((f) => /\.ya?ml$/i.test(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const decoded = decodeSourceFile(file);
    if (!decoded.ok) {
      diagnostics.push(decoded.diagnostic);
      continue;
    }
    const parsed = parseYamlFile(file.path, decoded.text, budget);
    diagnostics.push(...parsed.diagnostics);
    budget -= parsed.documentCount;
    let overBudget = parsed.overBudget;
    for (const written of parsed.documents) {
      const docs = expandListDocuments(file.path, written, diagnostics);
      // A List's items are documents too, and count against the repository's budget.
      if (docs[0] !== written && (budget -= docs.length) < 0 && !overBudget) {
        overBudget = true;
        diagnostics.unshift(tooManyDocuments({ file: file.path, ...written.locate([]) }));
      }
      for (const doc of docs) {
        // List items' diagnostics get their `items[i]` prefix (rare: only they pay for the copy).
        const sink = doc.fieldPrefix ? [] : diagnostics;
        const kind = classifyDocument(file.path, doc, sink);
        if (sink !== diagnostics) diagnostics.push(...withFieldPrefix(doc, sink));
        if (kind) take({ kind, file: file.path, doc });
      }
    }
    if (overBudget) break;
  }
}

function classifyDocument(file: string, doc: YamlDocument, diagnostics: Diagnostic[]): SupportedKind | undefined {
  const { apiVersion, kind, metadata } = doc.value;
  const at = (path: FieldPath) => ({ file, ...doc.locate(path) });
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === '') {
    const missing = typeof apiVersion !== 'string' || apiVersion === '' ? 'apiVersion' : 'kind';
    diagnostics.push(diagnostic('ML1010', `document ${doc.docIndex + 1} has no string ${missing}`, { ...at([missing]), field: missing }));
    return undefined;
  }
  const c = classify(apiVersion, kind);
  if (c.action === 'skip') {
    diagnostics.push(diagnostic('ML1014', c.message, at(['kind'])));
    return undefined;
  }
  if (c.action === 'reject') {
    diagnostics.push(diagnostic(c.code, c.message, { ...at([c.field]), field: c.field }));
    return undefined;
  }
  const name = (metadata as Record<string, unknown> | null | undefined)?.name;
  if (typeof name !== 'string' || name === '') {
    diagnostics.push(diagnostic('ML1015', `${kind} has no metadata.name`, { ...at(['metadata', 'name']), field: 'metadata.name' }));
    return undefined;
  }
  return c.kind;
}

/** toLoadedAt, with List items' field paths prefixed by their place in the List. */
function toLoaded(c: Candidate, defaultNamespace: string, diagnostics: Diagnostic[]): AnyLoaded | undefined {
  if (!c.doc.fieldPrefix) return toLoadedAt(c, defaultNamespace, diagnostics);
  const own: Diagnostic[] = [];
  const resource = toLoadedAt(c, defaultNamespace, own);
  diagnostics.push(...withFieldPrefix(c.doc, own));
  return resource;
}

/** Schema + per-resource rules. Returns the resource only when neither found an error. */
function toLoadedAt(c: Candidate, defaultNamespace: string, diagnostics: Diagnostic[]): AnyLoaded | undefined {
  const raw = c.doc.value;
  const rawMeta = (raw.metadata ?? {}) as Record<string, unknown>;
  const namespace = typeof rawMeta.namespace === 'string' && rawMeta.namespace !== '' ? rawMeta.namespace : defaultNamespace;
  const ref: ResourceRef = { kind: c.kind, namespace, name: String(rawMeta.name) };
  // The fast checker answers for nearly every valid document; zod runs when it is unsure,
  // and alone produces the diagnostics.
  const fast = fastCheckOf(c.kind)?.(raw, c.doc.fresh === true) ?? UNSURE;
  let checked: unknown = fast;
  if (fast === UNSURE) {
    const parsed = DOCUMENT_SCHEMAS[c.kind].safeParse(raw);
    if (!parsed.success) {
      diagnostics.push(...schemaDiagnostics(parsed.error.issues, { file: c.file, document: raw, resource: ref, locate: c.doc.locate }));
      return undefined;
    }
    checked = parsed.data;
  }
  const data = checked as { apiVersion: string; metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }; spec: unknown };
  const resource = {
    kind: c.kind,
    apiVersion: data.apiVersion,
    metadata: { name: ref.name, namespace, labels: data.metadata.labels ?? {}, annotations: data.metadata.annotations ?? {} },
    spec: data.spec,
    file: c.file,
    docIndex: c.doc.docIndex,
    locate: c.doc.locate,
  } as AnyLoaded;
  const found = validateResource(resource);
  diagnostics.push(...found);
  return found.some((d) => d.severity === 'error') ? undefined : resource;
}

const FAST_CHECKS: Partial<Record<SupportedKind, FastCheck | null>> = {};

/** The kind's fast schema checker, compiled on first use; null when its schema has none. */
function fastCheckOf(kind: SupportedKind): FastCheck | null {
  let check = FAST_CHECKS[kind];
  if (check === undefined) check = FAST_CHECKS[kind] = compileFastCheck(DOCUMENT_SCHEMAS[kind]) ?? null;
  return check;
}

/** Same kind/namespace/name twice: report every copy and keep none (which one wins is a guess). */
function dropDuplicates(resources: AnyLoaded[], diagnostics: Diagnostic[]): AnyLoaded[] {
  // Groups by kind → namespace → name (no joined id string per resource), in order of first
  // appearance; a group is its first resource, with a list only when there are duplicates.
  const firsts: AnyLoaded[] = [];
  const duplicates = new Map<AnyLoaded, AnyLoaded[]>();
  const byKind = new Map<string, Map<string, Map<string, AnyLoaded>>>();
  for (const r of resources) {
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
  for (const first of firsts) {
    const group = duplicates.size === 0 ? undefined : duplicates.get(first);
    if (!group) {
      kept.push(first);
      continue;
    }
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
  for (const r of resources) {
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
  for (const r of list) {
    const bucket = byNamespace.get(r.metadata.namespace);
    if (bucket) bucket.push(r);
    else byNamespace.set(r.metadata.namespace, [r]);
  }
  list.length = 0;
  for (const ns of [...byNamespace.keys()].sort(cmp)) {
    for (const r of byNamespace.get(ns)!.sort(compareInNamespace)) list.push(r);
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

