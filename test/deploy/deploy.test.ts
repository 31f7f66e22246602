// deploy/ is what a platform team runs: the image recipe and the Kubernetes manifests. There is
// no container runtime or cluster on the test machine, so these tests check what can be checked
// without one, for real: meshlog started with the Deployment's own arguments, on a checkout laid
// out as git-sync lays it out, answers the probes and follows a new commit; the Service reaches
// the container's ports; and the image holds everything the runtime imports.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { gitSyncLayout } from '../support/git-sync-layout.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');
const MANIFEST = path.join(ROOT, 'deploy/kubernetes/meshlog-serve.yaml');

interface Container {
  name: string;
  image: string;
  args: string[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: { httpGet: { path: string; port: string } };
  livenessProbe?: { httpGet: { path: string; port: string } };
  volumeMounts?: { name: string; mountPath: string }[];
}

function manifests(): { kind: string; metadata: { name: string }; spec: Record<string, unknown> }[] {
  const docs = parseAllDocuments(fs.readFileSync(MANIFEST, 'utf8'));
  for (const d of docs) expect(d.errors, String(d.errors[0])).toEqual([]);
  return docs.map((d) => d.toJS());
}

function deployment() {
  const d = manifests().find((m) => m.kind === 'Deployment')!;
  const pod = (d.spec.template as { spec: { containers: Container[]; initContainers: Container[]; volumes: { name: string }[] } }).spec;
  return { d, pod, meshlog: pod.containers.find((c) => c.name === 'meshlog')! };
}

const temp: string[] = [];
afterAll(() => {
  for (const t of temp) fs.rmSync(t, { recursive: true, force: true });
});

describe('deploy/kubernetes/meshlog-serve.yaml', () => {
  it('wires the Service to the meshlog container ports and the probes to its HTTP port', () => {
    const all = manifests();
    expect(all.map((m) => m.kind)).toEqual(['ServiceAccount', 'Deployment', 'Service']);
    const { d, pod, meshlog } = deployment();
    const service = all.find((m) => m.kind === 'Service')!;
    const selector = (d.spec.selector as { matchLabels: Record<string, string> }).matchLabels;
    expect(service.spec.selector).toEqual(selector);
    const portNames = (meshlog.ports ?? []).map((p) => p.name);
    for (const p of service.spec.ports as { targetPort: string }[]) expect(portNames).toContain(p.targetPort);
    expect(meshlog.readinessProbe!.httpGet.port).toBe('http');
    expect(meshlog.livenessProbe!.httpGet.port).toBe('http');
    // Every mount names a volume of the pod; the config folder is the one git-sync writes.
    const volumes = pod.volumes.map((v) => v.name);
    for (const c of [...pod.containers, ...pod.initContainers]) for (const m of c.volumeMounts ?? []) expect(volumes).toContain(m.name);
    // git-sync writes a temporary gitconfig under /tmp and exits when it cannot, so on a
    // read-only root both of its containers need /tmp mounted.
    for (const c of [...pod.containers, ...pod.initContainers].filter((x) => x.image.includes('git-sync'))) {
      expect(c.volumeMounts?.map((m) => m.mountPath), c.name).toContain('/tmp');
    }
    const gitSync = pod.containers.find((c) => c.name === 'git-sync')!;
    const root = gitSync.args.find((a) => a.startsWith('--root='))!.slice('--root='.length);
    const link = gitSync.args.find((a) => a.startsWith('--link='))!.slice('--link='.length);
    expect(meshlog.args[meshlog.args.indexOf('--config') + 1]).toBe(`${root}/${link}`);
    // The listen addresses the container ports say.
    const listen = (flag: string) => Number(meshlog.args[meshlog.args.indexOf(flag) + 1]!.split(':').pop());
    expect(meshlog.ports!.find((p) => p.name === 'xds')!.containerPort).toBe(listen('--xds'));
    expect(meshlog.ports!.find((p) => p.name === 'http')!.containerPort).toBe(listen('--http'));
  });

  it("runs meshlog with the Deployment's arguments on a git-sync checkout: probes answer, a new commit is served", async () => {
    const { meshlog } = deployment();
    // git-sync's layout: <root>/.worktrees/<commit>, published by swapping the link <root>/<link>.
    const layout = gitSyncLayout('meshlog-deploy-');
    temp.push(layout.base);
    layout.checkout('1111111', 90);
    layout.publish('1111111');

    // The manifest's arguments, with only the folder and the addresses changed for this machine.
    const args = meshlog.args.map((a) => (a === '/git/current' ? layout.current : a.replace(/^0\.0\.0\.0:\d+$/, '127.0.0.1:0')));
    const child = spawn(process.execPath, [path.join(ROOT, 'bin/meshlog.js'), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.resume();
    try {
      const http = await until(() => /HTTP listening on (\S+)/.exec(out)?.[1]);
      const probe = async (p: string) => (await fetch(`${http}${p}`)).status;
      expect(await until(async () => ((await probe(meshlog.readinessProbe!.httpGet.path)) === 200 ? true : undefined))).toBe(true);
      expect(await probe(meshlog.livenessProbe!.httpGet.path)).toBe(200);
      const generation = async () => ((await (await fetch(`${http}/readyz`)).json()) as { generation: number }).generation;
      const first = await generation();

      layout.checkout('2222222', 40);
      layout.publish('2222222');
      expect(await until(async () => ((await generation()) > first ? true : undefined))).toBe(true);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0); // SIGTERM: a clean stop, as the kubelet sends it
  }, 60_000);
});

describe('deploy/Containerfile', () => {
  const containerfile = fs.readFileSync(path.join(ROOT, 'deploy/Containerfile'), 'utf8');
  const copied = [...containerfile.matchAll(/^COPY\s+(.+?)\s+\S+\s*$/gm)].flatMap((m) => m[1]!.split(/\s+/));

  it('copies files that exist, and its entry point is among them', () => {
    expect(copied).toEqual(['package.json', 'package-lock.json', 'bin', 'src']);
    for (const c of copied) expect(fs.existsSync(path.join(ROOT, c)), c).toBe(true);
    const entry = /^ENTRYPOINT\s+\["node",\s*"\/opt\/meshlog\/([^"]+)"\]/m.exec(containerfile)?.[1];
    expect(entry).toBe('bin/meshlog.js');
  });

  it('builds from a context (.dockerignore) of what it copies only: no .cache, node_modules or .git', () => {
    const patterns = fs
      .readFileSync(path.join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    // Plain names and single `*`s only, which the matcher below reads as Docker does.
    for (const p of patterns) expect(p).toMatch(/^!?[\w.*/-]+$/);
    expect(patterns.some((p) => p.includes('**'))).toBe(false);
    const sent = (rel: string) => {
      const parts = rel.split('/');
      let included = true;
      for (const line of patterns) {
        const negate = line.startsWith('!');
        const glob = (negate ? line.slice(1) : line).replace(/\/$/, '');
        const re = new RegExp(`^${glob.split('*').map((t) => t.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);
        // A pattern that names a folder takes in (or out) everything in it; the last that applies wins.
        if (parts.some((_, i) => re.test(parts.slice(0, i + 1).join('/')))) included = negate;
      }
      return included;
    };
    for (const c of copied) expect(sent(c), c).toBe(true);
    for (const f of [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'bin'))]) expect(sent(path.relative(ROOT, f)), f).toBe(true);
    for (const out of ['.cache/envoy-venv/bin/python', 'node_modules/yaml/package.json', '.git/HEAD', 'test/cli/main.test.ts', 'config-repo-template/meshlog.yaml', 'README.md']) {
      expect(sent(out), out).toBe(false);
    }
  });

  it('holds everything the runtime imports: relative imports stay in the copied folders, packages are runtime dependencies', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    const runtime = new Set(Object.keys(pkg.dependencies));
    const builtins = new Set(builtinModules);
    const problems: string[] = [];
    const files = copied.filter((c) => fs.statSync(path.join(ROOT, c)).isDirectory()).flatMap((dir) => sourceFiles(path.join(ROOT, dir)));
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      for (const spec of importsOf(fs.readFileSync(file, 'utf8'))) {
        if (spec.startsWith('.')) {
          const target = path.relative(ROOT, path.resolve(path.dirname(file), spec));
          const inside = copied.some((c) => target === c || target.startsWith(`${c}/`));
          if (!inside) problems.push(`${path.relative(ROOT, file)} imports ${spec}, which the image does not copy`);
        } else if (spec.startsWith('node:') || builtins.has(spec)) {
          continue;
        } else {
          const name = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
          if (!runtime.has(name)) problems.push(`${path.relative(ROOT, file)} imports ${spec}, which is not a runtime dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });
});

/** .ts and .js files under `dir`. */
function sourceFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => /\.(ts|js)$/.test(f)).map((f) => path.join(dir, f));
}

/** Module specifiers a file loads at run time: imports and re-exports (not `import type`), dynamic imports, require and require.resolve. */
function importsOf(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?\sfrom\s+'([^']+)'/gms)) if (!m[2]) out.push(m[3]!);
  for (const m of text.matchAll(/^\s*import\s+'([^']+)'/gm)) out.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  for (const m of text.matchAll(/\brequire(?:\.resolve)?\(\s*'([^']+)'\s*\)/g)) out.push(m[1]!);
  return out;
}

async function until<T>(fn: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}
