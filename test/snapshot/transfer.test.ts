// A snapshot packed in serve's compile process and unpacked in the serving one must be the same
// snapshot: every resource's bytes, every view's lists and hashes,
// the content hash recomputed from what arrived, and the route sources.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
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
});
