// A snapshot packed in serve's compile process and unpacked in the serving one must be the same
// snapshot: every resource's bytes, every view's lists and hashes,
// the content hash recomputed from what arrived, and the route sources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import { generateMesh } from '../../bench/compile/generate.ts';
import { partsOf } from '../../src/snapshot/composed.ts';
import { contentHash, resourceHash, typeHash } from '../../src/snapshot/hash.ts';
import { packSnapshot, unpackSnapshot, type PackedSnapshot } from '../../src/snapshot/transfer.ts';
import { XDS_TYPES, type Snapshot } from '../../src/snapshot/types.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function compiled(folder: string): Promise<Snapshot> {
  const read = await readFolder(folder);
  if (!read.ok) throw new Error(read.error.message);
  const result = compile(read.bundle);
  if (!result.snapshot) throw new Error(JSON.stringify(result.diagnostics.filter((d) => d.severity === 'error')));
  return result.snapshot;
}

/** Through the serializer child-process IPC uses with 'advanced' serialization (structured clone). */
function sent(snapshot: Snapshot): Snapshot {
  const received = v8.deserialize(v8.serialize(packSnapshot(snapshot))) as PackedSnapshot;
  return unpackSnapshot(received);
}

/** A folder holding one golden scenario's input: between them, every view kind and xDS type. */
function scenarioFolder(scenario: string): () => string {
  return () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-transfer-'));
    fs.copyFileSync(path.join(ROOT, 'test/golden/ir', `${scenario}.in.yaml`), path.join(dir, `${scenario}.yaml`));
    return dir;
  };
}

describe('snapshot transfer between threads', () => {
  const cases: [label: string, folder: () => string][] = [
    ['the template', () => path.join(ROOT, 'config-repo-template')],
    ...['gateway-https', 'gateway-mutual-mixed', 'gateway-merged-selectors', 'tcp-routes', 'grpc-views'].map((s): [string, () => string] => [s, scenarioFolder(s)]),
  ];
  for (const [label, folder] of cases) {
    it(`arrives equal: ${label}`, async () => {
      const dir = folder();
      const original = await compiled(dir);
      const arrived = sent(original);
      if (dir.includes('meshlog-transfer-')) fs.rmSync(dir, { recursive: true, force: true });

      expect(arrived.commit).toBe(original.commit);
      expect(arrived.contentHash).toBe(original.contentHash);
      // Recomputed from what arrived, not copied: the bytes and lists are intact.
      expect(contentHash(arrived.views)).toBe(original.contentHash);
      expect(arrived.resources.size).toBe(original.resources.size);
      for (const [hash, r] of original.resources) {
        const got = arrived.resources.get(hash)!;
        expect({ type: got.type, name: got.name, hash: got.hash }).toEqual({ type: r.type, name: r.name, hash: r.hash });
        expect(Buffer.from(got.bytes).equals(Buffer.from(r.bytes))).toBe(true);
        expect(resourceHash(got.type, got.name, got.bytes)).toBe(hash);
      }
      // Views read the same, in JSON too (field order included).
      expect(JSON.stringify(arrived.views)).toBe(JSON.stringify(original.views));
      for (const view of arrived.views) for (const t of XDS_TYPES) expect(typeHash(view.resources[t])).toBe(view.typeHashes[t]);
      expect(arrived.sourceMap).toEqual(original.sourceMap);
      expect(Object.keys(arrived.sourceMap)).toEqual(Object.keys(original.sourceMap));
    });
  }

  it('keeps lists the views shared shared, and distinct ones distinct', async () => {
    const original = await compiled(path.join(ROOT, 'config-repo-template'));
    const arrived = sent(original);
    const pairs = (s: Snapshot) =>
      s.views.flatMap((a, i) => s.views.slice(i + 1).flatMap((b) => XDS_TYPES.map((t) => a.resources[t] === b.resources[t])));
    expect(pairs(original)).toContain(true); // the template's views do share lists
    expect(pairs(arrived)).toEqual(pairs(original));
  });

  it('sends route tables as their parts: views per namespace do not multiply the message', () => {
    // 300 services in 6 namespaces: 7 sidecar views, each with a table of all 300 virtual hosts.
    const result = compile({ origin: { kind: 'folder', path: 'mesh' }, commit: null, files: generateMesh(300, 6), diagnostics: [] });
    const original = result.snapshot!;
    const tables = [...original.resources.values()].filter((r) => r.type === 'rds');
    expect(tables.length).toBe(7);
    const packed = packSnapshot(original);
    const tableBytes = tables.reduce((n, r) => n + r.bytes.length, 0);
    const wholeBytes = [...original.resources.values()].reduce((n, r) => n + r.bytes.length, 0);
    // The tables take one table's worth of virtual hosts and the short-name variants, not seven tables.
    expect(packed.bytes.byteLength).toBeLessThan(wholeBytes - tableBytes / 2);
    const arrived = unpackSnapshot(v8.deserialize(v8.serialize(packed)) as PackedSnapshot);
    for (const r of tables) {
      const got = arrived.resources.get(r.hash)!;
      expect(Buffer.from(got.bytes).equals(Buffer.from(r.bytes)), r.name).toBe(true);
      expect(resourceHash(got.type, got.name, got.bytes)).toBe(r.hash);
      expect(partsOf(got)?.length).toBe(partsOf(r)?.length);
    }
    // A virtual host listed by several tables arrives as one part, as it was sent.
    const partObjects = (s: Snapshot) => new Set([...s.resources.values()].flatMap((r) => [...(partsOf(r) ?? [])])).size;
    expect(partObjects(arrived)).toBe(partObjects(original));
    expect(contentHash(arrived.views)).toBe(original.contentHash);
  });
});
