import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateConfig } from '../support/envoy-process.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { BROKEN_VS, MESH } from './mesh-fixture.ts';
import { runCli } from './run-cli.ts';

let tmp: string;
let repo: TestRepo;
let commit: string;

interface Dump {
  commit: string | null;
  contentHash: string;
  views: { name: string; kind: string; configs: { '@type': string }[] }[];
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-compile-'));
  for (const [rel, text] of Object.entries(MESH)) {
    fs.mkdirSync(path.dirname(path.join(tmp, 'mesh', rel)), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'mesh', rel), text);
  }
  fs.mkdirSync(path.join(tmp, 'broken/routing'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'broken/routing/reviews.yaml'), BROKEN_VS);
  repo = createRepo();
  repo.write(MESH);
  commit = repo.commit('mesh');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  repo.cleanup();
});

describe('meshlog compile', () => {
  it('prints a summary: content hash and per-view resource counts; git and folder agree', async () => {
    const fromFolder = await runCli(['compile', 'mesh'], tmp);
    expect(fromFolder.code).toBe(0);
    expect(fromFolder.stdout).toContain('commit:        (folder, no commit)');
    expect(fromFolder.stdout).toMatch(/^VIEW +KIND +LISTENERS +ROUTE TABLES +CLUSTERS +ENDPOINT SETS +SIZE$/m);
    expect(fromFolder.stdout).toMatch(/^sidecar\S* +sidecar +1 +1 +3 +3 +[\d.]+ (bytes|KiB)$/m);
    const hash = /content hash: +([0-9a-f]{64})/.exec(fromFolder.stdout)?.[1];
    expect(hash).toBeDefined();

    const fromGit = await runCli(['compile', '--repo', repo.dir, '--rev', 'main']);
    expect(fromGit.code).toBe(0);
    expect(fromGit.stdout).toContain(`commit:        ${commit}`);
    expect(fromGit.stdout).toContain(`content hash:  ${hash}`);
  });

  it('with --view, the summary\'s totals are that view\'s; a file\'s commit line says it is a file', async () => {
    const all = await runCli(['compile', 'mesh'], tmp);
    const allCount = Number(/^(\d+) distinct resources/m.exec(all.stdout)?.[1]);
    const one = await runCli(['compile', 'mesh', '--view', 'sidecar'], tmp);
    expect(one.code).toBe(0);
    const row = /^sidecar +sidecar +(\d+) +(\d+) +(\d+) +(\d+) +(\S+ \S+)$/m.exec(one.stdout)!;
    const inView = Number(row[1]) + Number(row[2]) + Number(row[3]) + Number(row[4]);
    expect(one.stdout).toContain(`\n${inView} resources in view sidecar, ${row[5]} encoded\n`);
    expect(one.stdout).not.toContain('distinct resources');
    expect(inView).toBeLessThan(allCount);
    const file = fs.readdirSync(path.join(tmp, 'mesh'), { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.yaml'))!;
    const fromFile = await runCli(['compile', path.join('mesh', file)], tmp);
    expect(fromFile.stdout).toContain('commit:        (file, no commit)');
  });

  it('-o json and -o yaml print the same per-view Envoy config dump', async () => {
    const json = await runCli(['compile', 'mesh', '-o', 'json'], tmp);
    expect(json.code).toBe(0);
    const dump = JSON.parse(json.stdout) as Dump;
    expect(dump.views.map((v) => v.name)).toContain('sidecar');
    const sidecar = dump.views.find((v) => v.name === 'sidecar')!;
    expect(sidecar.configs.map((c) => c['@type'])).toEqual([
      'type.googleapis.com/envoy.admin.v3.ClustersConfigDump',
      'type.googleapis.com/envoy.admin.v3.EndpointsConfigDump',
      'type.googleapis.com/envoy.admin.v3.ListenersConfigDump',
      'type.googleapis.com/envoy.admin.v3.RoutesConfigDump',
    ]);
    expect(json.stdout).toContain('outbound|9080|v2|reviews.shop.svc.cluster.local');
    const yaml = await runCli(['compile', 'mesh', '-o', 'yaml'], tmp);
    expect(parseYaml(yaml.stdout)).toEqual(dump);
  });

  it('--view keeps one view; an unknown view exits 2 and lists the views', async () => {
    const one = JSON.parse((await runCli(['compile', 'mesh', '-o', 'json', '--view', 'sidecar'], tmp)).stdout) as Dump;
    expect(one.views.map((v) => v.name)).toEqual(['sidecar']);
    const none = await runCli(['compile', 'mesh', '--view', 'gateway~x~y'], tmp);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/no view "gateway~x~y"; views: .*sidecar/);
  });

  it('--bootstrap-dir writes one static bootstrap per view that a real Envoy accepts', async () => {
    const dir = path.join(tmp, 'bootstraps');
    const res = await runCli(['compile', 'mesh', '--bootstrap-dir', dir, '--admin-port', '0'], tmp);
    expect(res.code).toBe(0);
    const dump = JSON.parse((await runCli(['compile', 'mesh', '-o', 'json'], tmp)).stdout) as Dump;
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(dump.views.map((v) => `${v.name}.yaml`).sort());
    for (const file of files) {
      const result = validateConfig(path.join(dir, file));
      expect(result.ok, `${file}: ${result.output}`).toBe(true);
    }
    expect(res.stderr).toContain(`wrote ${files.length} bootstrap`);
  });

  /** Writes `yaml` as the folder `name`, compiles it with --bootstrap-dir, and checks the sidecar~default bootstrap with a real Envoy. */
  const bootstrapOf = async (name: string, yaml: string): Promise<string> => {
    fs.mkdirSync(path.join(tmp, name), { recursive: true });
    fs.writeFileSync(path.join(tmp, name, 'mesh.yaml'), yaml);
    const dir = path.join(tmp, `${name}-bootstraps`);
    const res = await runCli(['compile', name, '--bootstrap-dir', dir, '--admin-port', '0'], tmp);
    expect(res.code, res.stderr).toBe(0);
    const file = path.join(dir, 'sidecar~default.yaml');
    const result = validateConfig(file);
    expect(result.ok, result.output).toBe(true);
    return fs.readFileSync(file, 'utf8');
  };
  const serviceYaml = (name: string) => `apiVersion: v1\nkind: Service\nmetadata: {name: "${name}", namespace: default}\nspec: {ports: [{name: http, port: 80}]}\n---\n`;

  it('--bootstrap-dir quotes strings YAML 1.1 reads as booleans, which Envoy (yaml-cpp) would refuse unquoted', async () => {
    // A Service named `no` (a domain `no`), header values `yes` and `on`, a response header `Off`.
    const text = await bootstrapOf(
      'words',
      `${serviceYaml('no')}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: words, namespace: default}
spec:
  hosts: ["no"]
  http:
  - match: [{headers: {x-a: {exact: "yes"}}}, {headers: {x-b: {prefix: "on"}}}]
    headers: {response: {set: {x-c: "Off"}}}
    route: [{destination: {host: "no"}}]
`,
    );
    for (const quoted of ['"yes"', '"on"', '"Off"', '- "no"']) expect(text).toContain(quoted);
  });

  it('a header match on a pseudo-header (:method), as Istio takes it, is accepted by a real Envoy and explained', async () => {
    await bootstrapOf(
      'pseudo',
      `${serviceYaml('web')}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web]
  http:
  - match: [{headers: {":method": {exact: POST}}}]
    directResponse: {status: 405}
  - route: [{destination: {host: web}}]
`,
    );
    const post = await runCli(['explain', 'pseudo', '-r', 'POST http://web/x'], tmp);
    expect(post.stdout).toContain('405');
    const get = await runCli(['explain', 'pseudo', '-r', 'GET http://web/x'], tmp);
    expect(get.stdout).not.toContain('405');
  });

  it('--bootstrap-dir removes bootstraps it wrote for views that are gone, and nothing else', async () => {
    const dir = path.join(tmp, 'rewritten');
    expect((await runCli(['compile', 'mesh', '--bootstrap-dir', dir, '--admin-port', '0'], tmp)).code).toBe(0);
    const current = fs.readdirSync(dir).sort();
    // A view an earlier config had (written by meshlog), and a file of the user's.
    const gone = fs.readFileSync(path.join(dir, current[0]!), 'utf8').replaceAll(current[0]!.replace(/\.yaml$/, ''), 'gateway~old~edge');
    fs.writeFileSync(path.join(dir, 'gateway~old~edge.yaml'), gone);
    fs.writeFileSync(path.join(dir, 'gateway~notes.yaml'), 'my notes\n');
    fs.mkdirSync(path.join(dir, 'gateway~folder.yaml')); // not a file: left alone, no crash
    const res = await runCli(['compile', 'mesh', '--bootstrap-dir', dir, '--admin-port', '0'], tmp);
    expect(res.code).toBe(0);
    expect(res.stderr).toContain('removed 1 bootstrap of views this config no longer has: gateway~old~edge.yaml');
    expect(fs.readdirSync(dir).sort()).toEqual([...current, 'gateway~folder.yaml', 'gateway~notes.yaml'].sort());
    // Written with a fixed admin port, several bootstraps would collide when run together: said.
    const fixed = await runCli(['compile', 'mesh', '--bootstrap-dir', dir], tmp);
    expect(fixed.stderr).toContain('every bootstrap binds admin port 15000; to run several Envoys at once, write them with --admin-port 0');
  });

  it('--admin-port without --bootstrap-dir is not silently ignored: a note on stderr', async () => {
    const res = await runCli(['compile', 'mesh', '-o', 'json', '--admin-port', '9901'], tmp);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('note: --admin-port applies to --bootstrap-dir only; ignored\n');
    expect(JSON.parse(res.stdout)).toHaveProperty('views');
  });

  it('--bootstrap-dir skips gRPC views, which have no static Envoy form, and says so', async () => {
    // The same mesh with reviews' port declared GRPC: the compile gains gRPC views.
    const grpcMesh = path.join(tmp, 'grpc-mesh');
    for (const [rel, text] of Object.entries(MESH)) {
      fs.mkdirSync(path.dirname(path.join(grpcMesh, rel)), { recursive: true });
      fs.writeFileSync(path.join(grpcMesh, rel), text.replaceAll('protocol: HTTP', 'protocol: GRPC').replaceAll('name: http', 'name: grpc'));
    }
    const dump = JSON.parse((await runCli(['compile', 'grpc-mesh', '-o', 'json'], tmp)).stdout) as Dump;
    const grpcViews = dump.views.filter((v) => v.kind === 'grpc').map((v) => v.name);
    expect(grpcViews.length).toBeGreaterThan(0);
    const dir = path.join(tmp, 'grpc-bootstraps');
    const res = await runCli(['compile', 'grpc-mesh', '--bootstrap-dir', dir, '--admin-port', '0'], tmp);
    expect(res.code, res.stderr).toBe(0);
    const files = fs.readdirSync(dir).sort();
    expect(files).toEqual(dump.views.filter((v) => v.kind !== 'grpc').map((v) => `${v.name}.yaml`).sort());
    for (const file of files) expect(validateConfig(path.join(dir, file)).ok, file).toBe(true);
    expect(res.stderr).toContain(`not written: gRPC views ${grpcViews.join(', ')}`);
    // Asking for a gRPC view's bootstrap by name is a usage error, not an empty success.
    const one = await runCli(['compile', 'grpc-mesh', '--bootstrap-dir', dir, '--view', grpcViews[0]!], tmp);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain(`view "${grpcViews[0]}" is a gRPC view`);
  });

  it('--bootstrap-dir where no folder can be made exits 3 promptly with the reason', async () => {
    // /proc refuses mkdir with ENOENT: a recursive mkdir retried that forever.
    for (const dir of ['/proc/meshlog-nope', '/proc/meshlog-nope/deeper', path.join(tmp, 'mesh/services/reviews.yaml/x')]) {
      const started = Date.now();
      const res = await runCli(['compile', 'mesh', '--bootstrap-dir', dir], tmp);
      expect(res.code, dir).toBe(3);
      expect(res.stderr, dir).toContain(`cannot write bootstraps to ${dir}`);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
    expect(fs.existsSync(path.join(tmp, 'mesh/services/reviews.yaml'))).toBe(true);
  });

  it('a route regex of RE2 program size ~200 loads in a real Envoy from the written bootstrap', async () => {
    // Envoy's built-in limit is 100 (re2.max_program_size.error_level); the bootstrap raises it.
    const vs = MESH['routing/reviews.yaml']!.replace(
      '    - route:\n',
      '    - match:\n        - uri: { regex: "^/api/v[0-9]+/users/[a-zA-Z0-9]{1,64}$" }\n      route:\n',
    );
    expect(vs).toContain('regex:');
    fs.mkdirSync(path.join(tmp, 'regex/routing'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'regex/routing/reviews.yaml'), vs);
    fs.mkdirSync(path.join(tmp, 'regex/services'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'regex/services/reviews.yaml'), MESH['services/reviews.yaml']!);
    const dir = path.join(tmp, 'regex-bootstraps');
    const res = await runCli(['compile', 'regex', '--bootstrap-dir', dir, '--admin-port', '0', '--view', 'sidecar~shop'], tmp);
    expect(res.code, res.stderr).toBe(0);
    const file = path.join(dir, 'sidecar~shop.yaml');
    expect(fs.readFileSync(file, 'utf8')).toContain('users/[a-zA-Z0-9]{1,64}');
    const result = validateConfig(file);
    expect(result.ok, result.output).toBe(true);
  });

  it('invalid config: diagnostics on stderr, nothing on stdout, exit 1', async () => {
    const res = await runCli(['compile', 'broken', '-o', 'json'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toMatch(/broken\/routing\/reviews\.yaml:20:\d+: error ML2\d{3}/);
    expect(res.stderr).toContain('INVALID, nothing compiled');
  });
});
