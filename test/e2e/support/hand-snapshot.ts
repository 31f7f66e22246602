// Snapshots built from hand-written Envoy resources, for tests and benchmarks that must
// serve things the compiler would never produce (a resource Envoy rejects, a gRPC-xDS
// listener) or that must run while the compiler is elsewhere. One view, `sidecar`, the
// default view every proxy without a better match receives.
import { createHash } from 'node:crypto';
import { messageType } from '../../../src/envoy/proto-root.ts';
import { MESSAGE_NAMES, XDS_TYPES, type EncodedResource, type Snapshot, type ViewEntry, type XdsType } from '../../../src/snapshot/types.ts';

export type ProtoObject = { [field: string]: unknown };

/** google.protobuf.Any for `typeName`, encoded now (protobufjs wants the value as bytes). */
export function anyOf(typeName: string, value: ProtoObject): ProtoObject {
  const type = messageType(typeName);
  return { type_url: `type.googleapis.com/${typeName}`, value: type.encode(type.fromObject(value)).finish() };
}

function resourceHash(type: XdsType, name: string, bytes: Uint8Array): string {
  return createHash('sha256').update(type).update('\0').update(name).update('\0').update(bytes).digest('hex');
}

/** A resource from raw bytes: how tests inject something Envoy will reject. */
export function rawResource(type: XdsType, name: string, bytes: Uint8Array): EncodedResource {
  return { type, name, bytes, hash: resourceHash(type, name, bytes) };
}

/**
 * Encodes one Envoy resource; its name is the `name` (or `cluster_name` for EDS) field.
 * `verify: false` skips the shape check (benchmarks encoding thousands of known shapes).
 */
export function encodeResource(type: XdsType, object: ProtoObject, opts: { verify?: boolean } = {}): EncodedResource {
  const message = messageType(MESSAGE_NAMES[type]);
  const built = message.fromObject(object);
  const name = String(type === 'eds' ? object.cluster_name : object.name);
  // fromObject turns enum names into numbers; verify then catches wrong shapes (not unknown fields).
  const problem = opts.verify === false ? null : message.verify(built);
  if (problem) throw new Error(`${type} ${name}: ${problem}`);
  const bytes = message.encode(built).finish();
  return rawResource(type, name, bytes);
}

export type HandResources = Partial<Record<XdsType, readonly (ProtoObject | EncodedResource)[]>>;

function isEncoded(r: ProtoObject | EncodedResource): r is EncodedResource {
  return r.bytes instanceof Uint8Array && typeof r.hash === 'string';
}

/** A Snapshot with one default sidecar view holding exactly `resources`. */
export function handSnapshot(resources: HandResources, commit: string | null = null): Snapshot {
  const store = new Map<string, EncodedResource>();
  const entries = {} as Record<XdsType, ViewEntry[]>;
  const typeHashes = {} as Record<XdsType, string>;
  for (const type of XDS_TYPES) {
    const list = (resources[type] ?? []).map((r) => (isEncoded(r) ? r : encodeResource(type, r)));
    for (const r of list) store.set(r.hash, r);
    entries[type] = list.map((r) => ({ name: r.name, hash: r.hash })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const h = createHash('sha256');
    for (const e of entries[type]) h.update(e.name).update('\0').update(e.hash).update('\n');
    typeHashes[type] = h.digest('hex');
  }
  const content = createHash('sha256');
  for (const type of XDS_TYPES) content.update(type).update(typeHashes[type]);
  return {
    commit,
    contentHash: content.digest('hex'),
    views: [{ name: 'sidecar', kind: 'sidecar', namespaces: [], resources: entries, typeHashes }],
    resources: store,
    sourceMap: {},
  };
}

/**
 * `snapshot` with one resource of every view replaced (same type and name) by `resource`:
 * how a test turns a compiled snapshot into one carrying something Envoy rejects.
 */
export function withResource(snapshot: Snapshot, resource: EncodedResource): Snapshot {
  const store = new Map(snapshot.resources);
  store.set(resource.hash, resource);
  const views = snapshot.views.map((view) => {
    const entries = view.resources[resource.type];
    if (!entries.some((e) => e.name === resource.name)) return view;
    const replaced = entries.map((e) => (e.name === resource.name ? { name: e.name, hash: resource.hash } : e));
    const h = createHash('sha256');
    for (const e of replaced) h.update(e.name).update('\0').update(e.hash).update('\n');
    return {
      ...view,
      resources: { ...view.resources, [resource.type]: replaced },
      typeHashes: { ...view.typeHashes, [resource.type]: h.digest('hex') },
    };
  });
  const content = createHash('sha256').update(snapshot.contentHash).update(resource.hash);
  return { ...snapshot, contentHash: content.digest('hex'), views, resources: store };
}
