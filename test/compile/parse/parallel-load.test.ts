// Loading on two threads (src/compile/parse/parallel-load.ts) must give exactly what loading
// the files one by one gives: the same resources, the same source positions, the same
// diagnostics in the same order. Each case loads a repository both ways, with the real load
// worker, and compares everything a later stage or a user can see.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastParallelLoad, type ParallelLoadStats } from '../../../src/compile/parse/parallel-load.ts';
import { loadResources, type LoadResult } from '../../../src/compile/parse/load-resources.ts';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';
import { serviceYaml } from '../../../bench/compile/generate.ts';
import { loadFile } from '../../../src/compile/parse/load-file.ts';
import { WARM_UP_SAMPLE } from '../../../src/compile/parse/warm-up.ts';
import { files } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../../..');

/** Places a later stage or a diagnostic may ask a resource for. */
const PATHS: (string | number)[][] = [
  [],
  ['kind'],
  ['metadata', 'name'],
  ['spec'],
  ['spec', 'hosts', 0],
  ['spec', 'http', 0, 'route', 0, 'destination', 'host'],
  ['spec', 'http', 1, 'match', 0, 'uri', 'prefix'],
  ['spec', 'subsets', 1, 'labels', 'version'],
  ['spec', 'servers', 0, 'port', 'number'],
  ['spec', 'no-such-field', 3],
];

/** Everything observable about a load, as one comparable value. */
function observable(result: LoadResult): unknown {
  const { meshConfig, ...lists } = result.resources;
  const resource = (r: { locate: (p: (string | number)[]) => unknown }) => ({ ...r, locate: PATHS.map((p) => r.locate(p)) });
  return {
    meshConfig: meshConfig && resource(meshConfig),
    lists: Object.fromEntries(Object.entries(lists).map(([kind, list]) => [kind, list.map(resource)])),
    diagnostics: result.diagnostics,
  };
}

/**
 * Loads `input` in order and on two threads (the worker taking every chunk, then the threads
 * sharing them), and compares; returns how the load where the worker took every chunk went.
 */
function expectSameBothWays(input: readonly SourceFile[]): ParallelLoadStats {
  const inOrder = observable(loadResources(input, { parallel: false }));
  expect(observable(loadResources(input, { parallel: { chunkBytes: 1, mainThreadLoads: false } }))).toEqual(inOrder);
  const workerOnly = { ...lastParallelLoad() };
  expect(observable(loadResources(input, { parallel: { chunkBytes: 2048 } }))).toEqual(inOrder);
  return workerOnly;
}

function yamlFilesUnder(dir: string): SourceFile[] {
  const out: SourceFile[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.ya?ml$/.test(entry.name)) continue;
    const full = path.join(entry.parentPath, entry.name);
    out.push({ path: path.relative(dir, full), bytes: fs.readFileSync(full) });
  }
  return out;
}

describe('loading on two threads', () => {
  it('the template repository loads the same, the worker loading every file it was given', () => {
    const input = yamlFilesUnder(path.join(ROOT, 'config-repo-template'));
    const stats = expectSameBothWays(input);
    expect(stats.chunks).toBeGreaterThan(1);
    expect(stats.workerChunks).toBe(stats.chunks);
  });

  it('every YAML fixture of the test suite loads the same (valid, invalid and hostile input)', () => {
    // One repository per fixture folder, as the tests use them.
    const folders = new Set<string>();
    for (const f of yamlFilesUnder(path.join(ROOT, 'test'))) folders.add(path.dirname(f.path));
    expect(folders.size).toBeGreaterThanOrEqual(5);
    for (const folder of folders) {
      const input = yamlFilesUnder(path.join(ROOT, 'test', folder)).filter((f) => !f.path.includes('/'));
      expectSameBothWays(input);
    }
  });

  it('a generated mesh loads the same, positions included', () => {
    const input = files(Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`services/svc-${String(i).padStart(2, '0')}.yaml`, serviceYaml(i, 3)])));
    const stats = expectSameBothWays(input);
    expect(stats).toEqual({ chunks: 40, workerChunks: 40, redone: 0, reloaded: 0 });
  });

  it("documents without a namespace land in MeshConfig's default namespace, wherever they were loaded", () => {
    const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}}\nspec:\n  hosts: [${name}]\n  http:\n  - route: [{destination: {host: ${name}}}]\n`;
    const input = files({
      'a.yaml': vs('a'),
      'b.yaml': vs('b'),
      'mesh.yaml': 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {defaultNamespace: team-a}\n',
      'z.yaml': vs('z'),
    });
    expectSameBothWays(input);
    const loaded = loadResources(input, { parallel: { chunkBytes: 1, mainThreadLoads: false } });
    expect(loaded.resources.virtualServices.map((v) => `${v.metadata.namespace}/${v.metadata.name}`)).toEqual(['team-a/a', 'team-a/b', 'team-a/z']);
    expect(lastParallelLoad().reloaded).toBe(0);
  });

  it('a MeshConfig spelled with a YAML escape is still found, and documents the worker placed wrongly are loaded again', () => {
    const vs = (name: string) => `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ${name}}\nspec:\n  hosts: [${name}]\n  http:\n  - route: [{destination: {host: ${name}}}]\n`;
    const input = files({
      'a.yaml': vs('a'),
      'mesh.yaml': 'apiVersion: meshlog.dev/v1alpha1\nkind: "Mesh\\u0043onfig"\nmetadata: {name: mesh}\nspec: {defaultNamespace: team-b}\n',
      'z.yaml': vs('z'),
    });
    expectSameBothWays(input);
    const loaded = loadResources(input, { parallel: { chunkBytes: 1, mainThreadLoads: false } });
    expect(loaded.resources.virtualServices.map((v) => v.metadata.namespace)).toEqual(['team-b', 'team-b']);
    expect(lastParallelLoad().reloaded).toBe(2);
  });

  it('files the worker cannot send exactly (.nan, Lists, full-parser YAML, broken bytes) are loaded on the main thread', () => {
    const input = files({
      'inf.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: d, namespace: x}\nspec:\n  host: d\n  trafficPolicy: {connectionPool: {tcp: {maxConnections: .inf}}}\n',
      'list.yaml': 'apiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: ServiceEntry\n  metadata: {name: s, namespace: x}\n  spec: {hosts: [s.example.com], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}\n',
      'anchors.yaml': 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v, namespace: x}\nspec:\n  hosts: [v]\n  http:\n  - route: &r [{destination: {host: v}}]\n  - route: *r\n',
      'latin1.yaml': new Uint8Array([0x6b, 0x69, 0x6e, 0x64, 0x3a, 0x20, 0xe9, 0x0a]),
      'plain.yaml': serviceYaml(1),
    });
    // The undecodable file goes as its diagnostic: only the other three are loaded again.
    const stats = expectSameBothWays(input);
    expect(stats.redone).toBe(3);
  });

  it('over the repository-wide document limit, reading stops where loading in order stops it', () => {
    const tiny = '---\nx: 1\n'.repeat(12_600); // 4 files: 50,400 documents, over the 50,000 limit
    const input = files({ 'a.yaml': tiny, 'b.yaml': tiny, 'c.yaml': tiny, 'd.yaml': tiny, 'e.yaml': serviceYaml(2) });
    const inOrder = loadResources(input, { parallel: false });
    expect(inOrder.diagnostics[0]!.code).toBe('ML1007');
    expect(observable(loadResources(input, { parallel: { chunkBytes: 1 } }))).toEqual(observable(inOrder));
  });

  it("the worker's warm-up sample is valid YAML of the fast subset, so it warms the paths real files take", () => {
    const load = loadFile(files({ 'warm-up.yaml': WARM_UP_SAMPLE })[0]!, { budget: 100, assumedNamespace: 'default', keepDocs: true });
    expect(load.diagnostics).toEqual([]);
    expect(load.slots.map((s) => [s.resource?.kind, s.diagnostics.length, s.doc?.fast !== undefined])).toEqual([
      ['Service', 0, true],
      ['ServiceEntry', 0, true],
      ['DestinationRule', 0, true],
      ['VirtualService', 0, true],
    ]);
  });
});
