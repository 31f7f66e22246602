// The fan-out benchmark's mesh and triggers must mean what the benchmark says: the
// generated Istio config compiles cleanly, a "route" change alters only the route table and a
// "full" change alters all four xDS types (as the go-control-plane peer's changes do).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyChange } from '../../bench/xds-fanout/change.ts';
import { writeMesh } from '../../bench/xds-fanout/gen-mesh.ts';
import { compile } from '../../src/compile/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { XDS_TYPES, type Snapshot, type XdsType } from '../../src/snapshot/types.ts';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

async function compileDir(dir: string): Promise<Snapshot> {
  const read = await readFolder(dir);
  if (!read.ok) throw new Error(read.error.message);
  const result = compile(read.bundle);
  expect(result.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return result.snapshot!;
}

function typeHashes(s: Snapshot): Record<XdsType, string> {
  const view = s.views.find((v) => v.name === 'sidecar');
  if (!view) throw new Error('no default sidecar view');
  return view.typeHashes;
}

describe('bench/xds-fanout mesh generator and triggers', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-fanout-'));
  dirs.push(dir);

  it('generates the peer-shaped mesh: 4 clusters and 4 endpoint sets per service, one listener, one route table', async () => {
    writeMesh(dir, 3);
    const view = (await compileDir(dir)).views.find((v) => v.name === 'sidecar')!;
    expect(view.resources.cds.map((e) => e.name)).toContain('outbound|9080|v2|svc-1.ns.svc.cluster.local');
    expect(view.resources.cds).toHaveLength(12);
    expect(view.resources.eds).toHaveLength(12);
    expect(view.resources.lds).toHaveLength(1);
    expect(view.resources.rds).toHaveLength(1);
  });

  it('a route change alters only RDS; a full change alters every type', async () => {
    const before = typeHashes(await compileDir(dir));
    applyChange(dir, 'route');
    const afterRoute = typeHashes(await compileDir(dir));
    expect(XDS_TYPES.filter((t) => afterRoute[t] !== before[t])).toEqual(['rds']);
    applyChange(dir, 'full');
    const afterFull = typeHashes(await compileDir(dir));
    expect(XDS_TYPES.filter((t) => afterFull[t] !== afterRoute[t])).toEqual([...XDS_TYPES]);
  });
});
