// One config file → its documents, checked: the loader's unit of work. Pure and independent
// of every other file except for the document budget it is given; load-resources.ts merges the
// files' loads in path order and applies MeshConfig's default namespace.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import { DOCUMENT_SCHEMAS, type SupportedKind } from '../schema/index.ts';
import { compileFastCheck, UNSURE, type FastCheck } from '../schema/fast-check.ts';
import { withoutNullFields } from '../schema/without-null-fields.ts';
import { validateResource } from '../validate/index.ts';
import { classify, classifyIncomplete } from './classify.ts';
import { decodeSourceFile } from './decode-file.ts';
import { describeValue } from './field-path.ts';
import { withKubectlNotes } from './kubectl-readings.ts';
import { expandListDocuments, withFieldPrefix } from './list-items.ts';
import { schemaDiagnostics } from './schema-diagnostics.ts';
import { droppedRecord } from './dropped.ts';
import { writtenScalar } from './scalar-source.ts';
import type { NotCompiledDocument } from './not-compiled-kinds.ts';
import type { AnyLoaded, DroppedResource, FieldPath } from './types.ts';
import { parseYamlFile, tooManyDocuments, type YamlDocument } from './yaml-documents.ts';

const JSON_API_VERSION = /"apiVersion"\s*:/;
const JSON_KIND = /"kind"\s*:/;
const isJsonFileName = (path: string) => path.length > 5 && path.slice(-5).toLowerCase() === '.json';

/** A document that is one of the kinds meshlog reads, before schema checks. */
export interface Candidate {
  readonly kind: SupportedKind;
  readonly file: string;
  readonly doc: YamlDocument;
}

/**
 * A non-MeshConfig document, in input order: loaded as soon as its file is read when it names
 * its namespace (nothing MeshConfig says can change it), else kept as a candidate until
 * MeshConfig's default namespace is known. Loading early lets each raw YAML tree die young,
 * right after the schema copied it, instead of keeping every file's tree alive until all
 * files are read (at 10,000 services that retention dominated the garbage collector's work).
 */
export interface Slot {
  readonly candidate?: Candidate;
  /**
   * A document of a kind meshlog reads that was rejected before its schema check (unknown
   * apiVersion, no metadata.name): only recorded as dropped, once the default namespace is known.
   */
  readonly rejected?: Candidate;
  /**
   * A real Istio kind meshlog does not compile: reported (ML1013) once MeshConfig's default
   * namespace and strictKinds are known. `doc` gives List items their field prefix.
   */
  readonly notCompiled?: { readonly document: NotCompiledDocument; readonly doc: YamlDocument };
  resource?: AnyLoaded | undefined;
  /** Set instead of `resource` when the document had errors. */
  dropped?: DroppedResource | undefined;
  readonly diagnostics: Diagnostic[];
}

export interface FileLoad {
  /** Problems with the file itself: decoding, YAML, List items, unknown or unnamed kinds. */
  readonly diagnostics: Diagnostic[];
  /** MeshConfig documents: loaded last, once all are known (there must be at most one). */
  readonly meshDocs: Candidate[];
  readonly slots: Slot[];
  /** How much of the repository's document budget this file used. */
  readonly documents: number;
  /** True when the budget ran out inside this file: nothing after it is read. */
  readonly overBudget: boolean;
}

/** A .json file that is no Kubernetes manifest: an info note, nothing loaded. */
function skippedJson(path: string, why: string): FileLoad {
  return { diagnostics: [diagnostic('ML1014', `not a Kubernetes manifest (${why}); skipped`, { file: path, line: 1, column: 1 })], meshDocs: [], slots: [], documents: 0, overBudget: false };
}

/** Loads one file; `budget` is how many documents the repository may still hold. */
export function loadFile(file: SourceFile, budget: number): FileLoad {
  const diagnostics: Diagnostic[] = [];
  const meshDocs: Candidate[] = [];
  const slots: Slot[] = [];
  const decoded = decodeSourceFile(file);
  if (!decoded.ok) {
    diagnostics.push(decoded.diagnostic);
    return { diagnostics, meshDocs, slots, documents: 0, overBudget: false };
  }
  // package.json, tsconfig.json, renovate.json: JSON is read because kubectl applies `*.json`
  // manifests, but JSON with neither an apiVersion nor a kind is no Kubernetes object (and may
  // be JSONC, which is no YAML): skipped unparsed, as YAML without them would be after parsing.
  // With a kind somewhere, it is parsed, so a VirtualService that lost its apiVersion is an error
  // (ML1010) in a .json file as in a .yaml one; but a file without an apiVersion that does not
  // parse (JSONC whose nested `"kind"` is some tool's setting) is skipped, not an error.
  const looseJson = isJsonFileName(file.path) && !JSON_API_VERSION.test(decoded.text);
  if (looseJson && !JSON_KIND.test(decoded.text)) return skippedJson(file.path, 'JSON without "apiVersion" or "kind"');
  const parsed = parseYamlFile(file.path, decoded.text, budget);
  if (looseJson && parsed.diagnostics.some((d) => d.severity === 'error')) return skippedJson(file.path, 'JSON without "apiVersion" that does not parse, such as JSON with comments');
  for (const d of parsed.diagnostics) diagnostics.push(d);
  const text = decoded.text;
  const templated = () => text.includes('{{'); // asked only when a document is broken
  let left = budget - parsed.documentCount;
  let overBudget = parsed.overBudget;
  for (let w = 0; w < parsed.documents.length; w++) {
    const written = parsed.documents[w]!;
    const docs = expandListDocuments(file.path, written, diagnostics);
    // A List's items are documents too, and count against the repository's budget.
    if (docs[0] !== written && (left -= docs.length) < 0 && !overBudget) {
      overBudget = true;
      diagnostics.unshift(tooManyDocuments({ file: file.path, ...written.locate([]) }));
    }
    for (let d = 0; d < docs.length; d++) {
      const doc = docs[d]!;
      // List items' diagnostics get their `items[i]` prefix (rare: only they pay for the copy).
      const sink = doc.fieldPrefix ? [] : diagnostics;
      const kind = classifyDocument(file.path, doc, sink, templated);
      if (sink !== diagnostics) diagnostics.push(...withFieldPrefix(doc, sink));
      if (kind === REJECTED) {
        const referenced = referencedKind(doc);
        if (referenced) slots.push({ rejected: { kind: referenced, file: file.path, doc }, diagnostics: [] });
        continue;
      }
      if (!kind) continue;
      if (typeof kind === 'object') {
        slots.push({ notCompiled: { document: kind, doc }, diagnostics: [] });
        continue;
      }
      const c: Candidate = { kind, file: file.path, doc };
      if (kind === 'MeshConfig') {
        meshDocs.push(c);
        continue;
      }
      const namespace = explicitNamespace(doc.value);
      if (namespace === undefined) {
        slots.push({ candidate: c, diagnostics: [] });
        continue;
      }
      const slot: Slot = { diagnostics: [] };
      loadSlot(slot, c, namespace);
      slots.push(slot);
    }
  }
  return { diagnostics, meshDocs, slots, documents: budget - left, overBudget };
}

/** metadata.namespace when the document sets it (a non-empty string), as toLoaded reads it. */
function explicitNamespace(raw: Record<string, unknown>): string | undefined {
  const ns = ((raw.metadata ?? {}) as Record<string, unknown>).namespace;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

/** classifyDocument's answer for a document refused with an error (undefined: skipped, an info). */
const REJECTED = 'rejected';

/**
 * A document's kind when meshlog reads it; what ML1013 will say about it when it is a kind
 * meshlog does not compile; REJECTED; or undefined when it is skipped.
 */
function classifyDocument(file: string, doc: YamlDocument, diagnostics: Diagnostic[], templated: () => boolean): SupportedKind | NotCompiledDocument | typeof REJECTED | undefined {
  const { apiVersion, kind, metadata } = doc.value;
  const at = (path: FieldPath) => ({ file, ...doc.locate(path) });
  const c =
    typeof apiVersion !== 'string' || typeof kind !== 'string' || apiVersion === '' || kind === ''
      ? classifyIncomplete(nonEmptyString(apiVersion), nonEmptyString(kind), isMapping(metadata) && isMapping(doc.value.spec))
      : classifyRemembered(apiVersion, kind);
  if (c.action === 'skip') {
    diagnostics.push(diagnostic(c.code ?? 'ML1014', c.message, at([c.field ?? 'kind'])));
    return undefined;
  }
  if (c.action === 'reject') {
    const message = c.code === 'ML1010' ? `document ${doc.docIndex + 1} ${c.message}` : c.message;
    diagnostics.push(diagnostic(c.code, message, { ...at([c.field]), field: c.field }));
    return REJECTED;
  }
  const name = (metadata as Record<string, unknown> | null | undefined)?.name;
  if (typeof name !== 'string' || name === '') {
    // `name: {{ .Release.Name }}` is valid YAML (a mapping), so only the file's text shows it
    // is an unrendered template.
    const written = typeof name === 'boolean' || typeof name === 'number' ? writtenScalar(doc.text, doc.locate(['metadata', 'name']), false) : undefined;
    const what =
      name === undefined || name === ''
        ? `${kind} has no metadata.name`
        : written !== undefined // `name: y`, `name: 0755`
          ? `${kind}'s metadata.name must be a string; kubectl reads ${written} as ${describeValue(name)}; quote it: ${JSON.stringify(written)}`
          : `${kind}'s metadata.name must be a string, not ${describeValue(name)}`;
    const hint = name !== undefined && written === undefined && templated() ? ' (an unrendered Helm/Go template, {{ … }}? commit the rendered manifests)' : '';
    diagnostics.push(diagnostic('ML1015', `${what}${hint}`, { ...at(['metadata', 'name']), field: 'metadata.name' }));
    return REJECTED;
  }
  if (c.action === 'not-compiled') {
    return { kind: c.kind, name, namespace: explicitNamespace(doc.value), spec: doc.value.spec, file, ...doc.locate(['kind']) };
  }
  return c.kind;
}

/** Kinds whose dropped documents other resources may refer to (hosts, subsets, Gateways). */
const REFERENCED_KINDS: ReadonlySet<string> = new Set<SupportedKind>(['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway', 'Service']);

/**
 * The kind of a document refused with an error, when it is a kind other resources refer to: a
 * DestinationRule with a misspelt apiVersion or no name is still the one a route's subsets were
 * meant for, so a reference to it gets ML4024, not a "missing" error blaming the route.
 */
function referencedKind(doc: YamlDocument): SupportedKind | undefined {
  const kind = doc.value.kind;
  return typeof kind === 'string' && REFERENCED_KINDS.has(kind) ? (kind as SupportedKind) : undefined;
}

function isMapping(v: unknown): boolean {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function nonEmptyString(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

const CLASSIFIED = new Map<string, ReturnType<typeof classify>>();

/** classify, remembered per apiVersion and kind (a repository uses a handful of pairs). */
function classifyRemembered(apiVersion: string, kind: string): ReturnType<typeof classify> {
  const key = `${apiVersion}\n${kind}`;
  let c = CLASSIFIED.get(key);
  if (c === undefined) {
    c = classify(apiVersion, kind);
    // Bounded: hostile input may invent a new kind per document.
    if (CLASSIFIED.size < 256) CLASSIFIED.set(key, c);
  }
  return c;
}

/** Fills `slot` with the loaded resource, or with what it would have defined when it has errors. */
export function loadSlot(slot: Slot, c: Candidate, namespace: string): void {
  slot.resource = toLoaded(c, namespace, slot.diagnostics);
  if (!slot.resource) slot.dropped = droppedOf(c, namespace);
}

/** The dropped record of a document with errors; `defaultNamespace` when it names none. */
export function droppedOf(c: Candidate, defaultNamespace: string): DroppedResource {
  const metadata = isMapping(c.doc.value.metadata) ? (c.doc.value.metadata as Record<string, unknown>) : {};
  const name = typeof metadata.name === 'string' ? metadata.name : '';
  const namespace = explicitNamespace(c.doc.value) ?? defaultNamespace;
  return droppedRecord(c.kind, namespace, name, c.file, c.doc.locate(['metadata', 'name']).line, c.doc.value.spec);
}

/**
 * Schema + per-resource rules, with List items' field paths prefixed by their place in the
 * List. Returns the resource only when neither found an error. `defaultNamespace` applies when
 * the document names none.
 */
export function toLoaded(c: Candidate, defaultNamespace: string, diagnostics: Diagnostic[]): AnyLoaded | undefined {
  if (!c.doc.fieldPrefix) return toLoadedAt(c, defaultNamespace, diagnostics);
  const own: Diagnostic[] = [];
  const resource = toLoadedAt(c, defaultNamespace, own);
  diagnostics.push(...withFieldPrefix(c.doc, own));
  return resource;
}

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
    const parsed = DOCUMENT_SCHEMAS[c.kind].safeParse(withoutNullFields(raw, DOCUMENT_SCHEMAS[c.kind]));
    if (!parsed.success) {
      const found = schemaDiagnostics(parsed.error.issues, { file: c.file, document: raw, text: c.doc.text, schema: DOCUMENT_SCHEMAS[c.kind], resource: ref, locate: c.doc.locate });
      diagnostics.push(...(c.doc.kubectlNotes ? withKubectlNotes(found, c.doc.kubectlNotes, { file: c.file, resource: ref, locate: c.doc.locate }) : found));
      return undefined;
    }
    checked = parsed.data;
  }
  // What kubectl reads otherwise than it looks (only documents from the full YAML path have any).
  if (c.doc.kubectlNotes) {
    const notes = withKubectlNotes([], c.doc.kubectlNotes, { file: c.file, resource: ref, locate: c.doc.locate });
    diagnostics.push(...notes);
    if (notes.some((d) => d.severity === 'error')) return undefined;
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
    text: c.doc.text,
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
