// The snapshot's hashes are a format: a replica or another tool recomputes them from the
// definition written in src/snapshot/hash.ts. This test recomputes every one of them with its
// own code, from that definition, on a compiled mesh with a sidecar view per namespace (so
// views share entry lists, and route tables share most virtual hosts) and a route table
// large enough to take the large-resource path.
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
    let large = 0;
    for (const [hash, r] of snapshot.resources) {
      expect(sha256(`${r.type}\n${r.name}\n`, r.bytes), `${r.type} ${r.name}`).toBe(hash);
      expect(r.hash).toBe(hash);
      if (r.bytes.length > 256 * 1024) large++;
    }
    expect(large).toBeGreaterThan(0); // the route tables of 400 services take the large-resource path
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
