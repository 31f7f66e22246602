// The snapshot's hashes are a format: a replica or another tool recomputes them from the
// definition written in src/snapshot/hash.ts. This test recomputes every one of them with its
// own code, from that definition, on a compiled mesh with a sidecar view per namespace (so
// views share entry lists, and route tables share most virtual hosts).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { generateMesh } from '../../bench/compile/generate.ts';
import { compile } from '../../src/compile/index.ts';
import { XDS_TYPES, type Snapshot, type SnapshotView, type ViewEntry } from '../../src/snapshot/types.ts';

const sha256 = (...parts: (string | Uint8Array)[]): string => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex');
};

/** The route table rule: each top-level protobuf field's digest, read with this test's own wire reader. */
function routeTableHashByDefinition(name: string, bytes: Uint8Array): string {
  const varint = (at: number): [number, number] => {
    let value = 0;
    for (let shift = 1; ; shift *= 128) {
      const b = bytes[at++]!;
      value += (b & 127) * shift;
      if (b < 128) return [value, at];
    }
  };
  let text = '';
  for (let at = 0; at < bytes.length; ) {
    const [tag, afterTag] = varint(at);
    const wire = tag & 7;
    let end: number;
    if (wire === 0) end = varint(afterTag)[1];
    else if (wire === 2) {
      const [len, afterLen] = varint(afterTag);
      end = afterLen + len;
    } else throw new Error(`wire type ${wire} in a route table`);
    text += `${sha256(bytes.subarray(at, end))}\n`;
    at = end;
  }
  return sha256(`rds\n${name}\n`, text);
}

const resourceHashByDefinition = (type: string, name: string, bytes: Uint8Array): string =>
  type === 'rds' ? routeTableHashByDefinition(name, bytes) : sha256(`${type}\n${name}\n`, bytes);

const typeHashByDefinition = (entries: readonly ViewEntry[]): string =>
  sha256([...entries].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map((e) => `${e.name}\n${e.hash}\n`).join(''));

function contentHashByDefinition(views: readonly SnapshotView[]): string {
  let text = 'meshlog-snapshot-v2\n';
  for (const v of [...views].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const selector = Object.entries(v.workloadSelector ?? {})
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, val]) => `${k}=${val}`)
      .join(',');
    text += `view\n${v.name}\n${v.kind}\n${v.namespaces.join(',')}\n${selector}\n`;
    if (v.mergedGateways) text += `merged ${v.mergedGateways.join(',')}\n`;
    for (const type of XDS_TYPES) text += `${type} ${v.resources[type].length} ${typeHashByDefinition(v.resources[type])}\n`;
  }
  return sha256(text);
}

function compiled(services: number, namespaces: number): Snapshot {
  const result = compile({ origin: { kind: 'folder', path: 'mesh' }, commit: null, files: generateMesh(services, namespaces), diagnostics: [] });
  if (!result.snapshot) throw new Error(JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error').slice(0, 3)));
  return result.snapshot;
}

describe('snapshot hashes, recomputed from their definition', () => {
  it('match for every resource, every view list and the whole snapshot', () => {
    const snapshot = compiled(400, 4);
    expect(snapshot.views.length).toBe(5); // the default sidecar view and one per namespace
    for (const [hash, r] of snapshot.resources) {
      expect(resourceHashByDefinition(r.type, r.name, r.bytes), `${r.type} ${r.name}`).toBe(hash);
      expect(r.hash).toBe(hash);
    }
    for (const v of snapshot.views) for (const type of XDS_TYPES) expect(v.typeHashes[type], `${v.name} ${type}`).toBe(typeHashByDefinition(v.resources[type]));
    expect(snapshot.contentHash).toBe(contentHashByDefinition(snapshot.views));
  });

  it('changes with what any one view receives, and only then', () => {
    const a = compiled(60, 3);
    const b = compiled(60, 3);
    expect(b.contentHash).toBe(a.contentHash);
    // One more service in one namespace changes that view's lists, and so the content hash.
    const c = compiled(61, 3);
    expect(c.contentHash).not.toBe(a.contentHash);
  });
});
