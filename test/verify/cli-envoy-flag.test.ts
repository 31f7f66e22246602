// The --envoy flag (and MESHLOG_ENVOY) on `meshlog validate`, `compile` and `serve`, with the
// real Envoy: the check is opt-in, its rejections make the config invalid (exit 1), and
// `serve` keeps serving the previous snapshot when Envoy rejects a new one.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServe } from '../../src/cli/commands/serve.ts';
import { main } from '../../src/cli/main.ts';
import type { Logger } from '../../src/serve/logger.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { envoyBinary } from '../support/envoy-binary.ts';
import { fakeEnvoy, HUGE_REGEX, SMALL_REGEX, webConfig, webFolder } from './fixtures.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function folder(regex: string): string {
  const dir = webFolder(regex);
  dirs.push(dir);
  return dir;
}

async function run(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), cwd: process.cwd(), env });
  return { code, stdout, stderr };
}

describe('meshlog validate/compile --envoy (real Envoy)', () => {
  it('validate: gateway HTTPS servers whose certificate and client-CA files are not on this machine are checked with a stand-in certificate', async () => {
    const dir = fs.mkdtempSync(path.join(fs.realpathSync(os.tmpdir()), 'meshlog-https-envoy-'));
    dirs.push(dir);
    fs.writeFileSync(
      path.join(dir, 'edge.yaml'),
      `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: web}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [shop.example.com]
    tls: {mode: SIMPLE, serverCertificate: /nonexistent/shop.crt, privateKey: /nonexistent/shop.key}
  - port: {number: 9443, name: https-partners, protocol: HTTPS}
    hosts: [partners.example.com]
    tls: {mode: MUTUAL, serverCertificate: /nonexistent/p.crt, privateKey: /nonexistent/p.key, caCertificates: /nonexistent/partners-ca.crt}
`,
    );
    const res = await run(['validate', dir, '--envoy', envoyBinary()]);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/Envoy accepted all \d+ views/);
    // The check's files are its own: nothing is left behind in the folder.
    expect(fs.readdirSync(dir)).toEqual(['edge.yaml']);
  });

  it('validate: config meshlog accepts but Envoy rejects exits 1 with ML5001 naming the views and quoting Envoy', async () => {
    const dir = folder(HUGE_REGEX);
    const without = await run(['validate', dir]);
    expect(without.code, without.stdout).toBe(0); // meshlog's own rules alone let it through

    const checked = await run(['validate', dir, '--envoy', envoyBinary()]);
    expect(checked.code).toBe(1);
    expect(checked.stdout).toMatch(/routes\.yaml:13:7: error ML5001: Envoy 1\.\d+\.\d+ rejects views sidecar, sidecar~default: regex/);
    expect(checked.stdout).toContain('RE2 program size of');
    expect(checked.stdout).toContain('INVALID');

    const json = await run(['validate', dir, '-o', 'json'], { MESHLOG_ENVOY: envoyBinary() });
    expect(json.code).toBe(1);
    const parsed = JSON.parse(json.stdout) as { valid: boolean; diagnostics: { code: string; line: number }[] };
    expect(parsed.valid).toBe(false);
    expect(parsed.diagnostics.filter((d) => d.code === 'ML5001').map((d) => d.line)).toEqual([13]);
  });

  it('validate: a config Envoy accepts stays valid with no ML5 diagnostics', async () => {
    const res = await run(['validate', folder(SMALL_REGEX), '-o', 'json', '--envoy', envoyBinary()]);
    expect(res.code, res.stdout).toBe(0);
    const parsed = JSON.parse(res.stdout) as { valid: boolean; diagnostics: { code: string }[] };
    expect(parsed.valid).toBe(true);
    expect(parsed.diagnostics.filter((d) => d.code.startsWith('ML5'))).toEqual([]);
    // The table output says that Envoy checked it, not just "valid".
    const table = await run(['validate', folder(SMALL_REGEX), '--envoy', envoyBinary()]);
    expect(table.stdout).toMatch(/: valid \(1 config file read; Envoy accepted all 2 views\)\n$/);
    const unchecked = await run(['validate', folder(SMALL_REGEX)]);
    expect(unchecked.stdout).toMatch(/: valid \(1 config file read\)\n$/);
  });

  it('compile: an Envoy rejection means nothing is compiled (exit 1, nothing on stdout)', async () => {
    const res = await run(['compile', folder(HUGE_REGEX), '--envoy', envoyBinary()]);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('ML5001');
    expect(res.stderr).toContain('INVALID, nothing compiled');
  });

  it('an --envoy path that is not an executable exits 3 instead of skipping the check', async () => {
    const res = await run(['validate', folder(SMALL_REGEX), '--envoy', '/nonexistent/envoy']);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain('--envoy /nonexistent/envoy is not an executable file');
    const fromEnv = await run(['compile', folder(SMALL_REGEX)], { MESHLOG_ENVOY: '/nonexistent/envoy' });
    expect(fromEnv.code).toBe(3);
    expect(fromEnv.stderr).toContain('MESHLOG_ENVOY');
  });

  it('a binary that is not Envoy (any program exiting 0) exits 3 instead of "proving" the config', async () => {
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-not-envoy-'));
    dirs.push(bin);
    const silent = fakeEnvoy(bin, 'exit 0');
    const res = await run(['validate', folder(SMALL_REGEX), '--envoy', silent]);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`Error: --envoy ${silent} is not an Envoy binary: "${silent} --version" printed nothing, not Envoy's "envoy  version: <commit>/<x.y.z>/..."\n`);
    const other = await run(['compile', folder(SMALL_REGEX)], { MESHLOG_ENVOY: '/bin/true' });
    expect(other.code).toBe(3);
    expect(other.stderr).toMatch(/^Error: MESHLOG_ENVOY \/bin\/true is not an Envoy binary: "\/bin\/true --version" printed/);
    const serve = await run(['serve', '--config', folder(SMALL_REGEX), '--envoy', '/bin/true']);
    expect(serve.code).toBe(3);
    expect(serve.stderr).toContain('--envoy /bin/true is not an Envoy binary');
  });

  it('--help documents --envoy on validate, compile and serve', async () => {
    for (const cmd of ['validate', 'compile', 'serve']) {
      const res = await run([cmd, '--help']);
      expect(res.stdout, cmd).toMatch(/--envoy PATH +Also prove the compiled config/);
      expect(res.stdout, cmd).toContain('MESHLOG_ENVOY');
    }
  });
});

describe('meshlog serve --envoy (real Envoy)', () => {
  it('keeps serving the previous snapshot when Envoy rejects a new one, then takes the next good one', async () => {
    const dir = folder(SMALL_REGEX);
    const errors: string[] = [];
    const logger: Logger = { ...silentLogger, error: (msg, fields) => errors.push(`${msg} ${JSON.stringify(fields)}`) };
    const replica = await startServe({
      configDir: dir,
      xds: { host: '127.0.0.1', port: 0 },
      http: { host: '127.0.0.1', port: 0 },
      logger,
      envoyPath: envoyBinary(),
    });
    try {
      const first = replica.source.current();
      expect(first).toBeDefined();

      fs.writeFileSync(path.join(dir, 'routes.yaml'), webConfig(HUGE_REGEX));
      const rejected = await replica.source.reload();
      expect(rejected.ok).toBe(false);
      expect(replica.source.current()).toBe(first);
      expect(errors.join('\n')).toMatch(/not served; keeping the previous snapshot.*ML5001: Envoy 1\.\d+\.\d+ rejects/);

      fs.writeFileSync(path.join(dir, 'routes.yaml'), webConfig('^/v2/.*$'));
      // The folder watcher may have compiled the change first; either way it is now served.
      const accepted = await replica.source.reload();
      expect(accepted.ok).toBe(true);
      expect(replica.source.current()!.generation).toBeGreaterThan(first!.generation);
    } finally {
      await replica.close();
    }
  });
});
