// verifyWithEnvoy against the real Envoy binary: a config meshlog's own rules accept but
// Envoy rejects becomes ML5001 at the rule's file:line; a good config gives nothing.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMesh } from '../../bench/compile/generate.ts';
import { compile } from '../../src/compile/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import type { Snapshot } from '../../src/snapshot/types.ts';
import { verifyWithEnvoy } from '../../src/verify/envoy-verify.ts';
import { envoyBinary } from '../support/envoy-binary.ts';
import { HUGE_REGEX, SMALL_REGEX, fakeEnvoy, tempDir, webFolder } from './fixtures.ts';

const TEMPLATE = path.resolve(import.meta.dirname, '../../config-repo-template');
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

async function snapshotOf(dir: string): Promise<Snapshot> {
  const read = await readFolder(dir);
  if (!read.ok) throw new Error(read.error.message);
  const result = compile(read.bundle);
  expect(result.valid, JSON.stringify(result.diagnostics)).toBe(true);
  return result.snapshot!;
}

function folder(regex: string): string {
  const dir = webFolder(regex);
  dirs.push(dir);
  return dir;
}

/** Runs `fn` with os.tmpdir() pointing at a fresh folder, and returns what is left in it. */
async function inPrivateTmp<T>(fn: () => Promise<T>): Promise<{ value: T; leftovers: string[] }> {
  const tmp = tempDir('meshlog-verify-tmp-');
  dirs.push(tmp);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = tmp;
  try {
    const value = await fn();
    return { value, leftovers: fs.readdirSync(tmp) };
  } finally {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
  }
}

describe('verifyWithEnvoy (real Envoy)', () => {
  it('reports a regex Envoy refuses as ML5001 at the rule that wrote it, and removes its temp files', async () => {
    const snapshot = await snapshotOf(folder(HUGE_REGEX));
    const { value: diags, leftovers } = await inPrivateTmp(() => verifyWithEnvoy(snapshot, { envoyPath: envoyBinary() }));
    expect(leftovers).toEqual([]);
    expect(diags).toHaveLength(1); // both sidecar views fail for the same reason: one diagnostic naming both
    const d = diags[0]!;
    expect(d).toMatchObject({
      code: 'ML5001',
      severity: 'error',
      file: 'routes.yaml',
      line: 13,
      field: 'spec.http[0]',
      resource: { kind: 'VirtualService', namespace: 'default', name: 'web' },
    });
    expect(d.message).toMatch(/^Envoy 1\.\d+\.\d+ rejects views sidecar, sidecar~default: /);
    expect(d.message).toContain('RE2 program size of');
    // The 50 000-character regex is quoted, but shortened.
    expect(d.message.length).toBeLessThan(700);
  });

  it('passes config Envoy accepts: the template and an ordinary route regex give no diagnostics', async () => {
    expect(await verifyWithEnvoy(await snapshotOf(TEMPLATE), { envoyPath: envoyBinary() })).toEqual([]);
    expect(await verifyWithEnvoy(await snapshotOf(folder(SMALL_REGEX)), { envoyPath: envoyBinary(), concurrency: 1 })).toEqual([]);
  });

  it('passes views checked without their clusters: TCP, TLS and HTTPS listeners load without them', async () => {
    // In these scenarios later views share an earlier view's clusters (the sidecar views of
    // gateway-https share the gateway's), so Envoy gets their listeners and route tables alone.
    for (const scenario of ['tcp-routes', 'gateway-https']) {
      const yaml = fs.readFileSync(path.resolve(import.meta.dirname, `../golden/ir/${scenario}.in.yaml`));
      const result = compile({ origin: { kind: 'folder', path: scenario }, commit: null, files: [{ path: `${scenario}.yaml`, bytes: yaml }], diagnostics: [] });
      const views = result.snapshot!.views.filter((v) => v.kind !== 'grpc');
      const clusterSets = views.map((v) => `${v.typeHashes.cds}/${v.typeHashes.eds}`);
      expect(new Set(clusterSets).size, scenario).toBeLessThan(clusterSets.length);
      expect(await verifyWithEnvoy(result.snapshot!, { envoyPath: envoyBinary() }), scenario).toEqual([]);
    }
  });

  it('checks clusters shared by namespace views once: later views go to Envoy with listeners and routes only', async () => {
    // A stand-in beside the real-Envoy tests above, to see what each check is given.
    const bin = tempDir('meshlog-verify-bin-');
    const seen = tempDir('meshlog-verify-seen-');
    dirs.push(bin, seen);
    const recording = fakeEnvoy(bin, `case "$1" in --version) echo "envoy  version: abc/1.40.0/Clean/RELEASE/BoringSSL";; *) cp "$4" "${seen}/$(basename "$4")";; esac`);
    const result = compile({ origin: { kind: 'folder', path: 'mesh' }, commit: null, files: generateMesh(30, 3), diagnostics: [] });
    const snapshot = result.snapshot!;
    expect(snapshot.views.map((v) => v.name)).toEqual(['sidecar', 'sidecar~ns-0', 'sidecar~ns-1', 'sidecar~ns-2']);
    expect(await verifyWithEnvoy(snapshot, { envoyPath: recording, concurrency: 1 })).toEqual([]);
    const checked = fs
      .readdirSync(seen)
      .sort()
      .map((f) => JSON.parse(fs.readFileSync(path.join(seen, f), 'utf8')) as { static_resources: { clusters: unknown[]; listeners: { filter_chains: unknown[] }[] } });
    expect(checked.map((b) => b.static_resources.clusters.length)).toEqual([120, 0, 0, 0]);
    for (const b of checked) expect(JSON.stringify(b.static_resources.listeners)).toContain('"route_config"');
  });

  it('an Envoy that hangs is killed at the timeout and reported as ML5002, not as valid', async () => {
    const bin = tempDir('meshlog-verify-bin-');
    dirs.push(bin);
    const hanging = fakeEnvoy(bin, 'case "$1" in --version) echo "version: abc/9.9.9/Clean";; *) exec sleep 30;; esac');
    const started = Date.now();
    const diags = await verifyWithEnvoy(await snapshotOf(folder(SMALL_REGEX)), { envoyPath: hanging, timeoutMs: 500 });
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(diags.map((d) => d.code)).toEqual(['ML5002']);
    expect(diags[0]!.message).toContain('did not finish within');
    expect(diags[0]!.severity).toBe('error');
  });

  it('an Envoy that crashes (exit status other than 0 or 1) is ML5002', async () => {
    const bin = tempDir('meshlog-verify-bin-');
    dirs.push(bin);
    const crashing = fakeEnvoy(bin, 'echo "boom" >&2; exit 134');
    const diags = await verifyWithEnvoy(await snapshotOf(folder(SMALL_REGEX)), { envoyPath: crashing });
    expect(diags.map((d) => d.code)).toEqual(['ML5002']);
    expect(diags[0]!.message).toContain('exited with status 134: boom');
  });
});
