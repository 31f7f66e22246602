// bin/meshlog.js run by a Node.js older than 22.18: exit 3 and a hint whose commands work from
// where it was run (a config repository, usually not the meshlog checkout), so every path in it
// is absolute, and shell-quoted when it needs to be. An older Node is faked with a preloaded
// module that reports another version, so this runs on the Node the tests run on.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const base = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-old-node-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const NODE_20 = `data:text/javascript,Object.defineProperty(process, 'versions', { value: { ...process.versions, node: '20.11.1' } })`;

function runOld(bin: string, args: string[], cwd: string) {
  const res = spawnSync(process.execPath, ['--import', NODE_20, bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
  if (res.error) throw res.error;
  return res;
}

/** The words bash makes of a command line. */
function shellWords(line: string): string[] {
  const res = spawnSync('bash', ['-c', `printf '%s\\n' ${line}`], { encoding: 'utf8' });
  return res.stdout.split('\n').slice(0, -1);
}

describe('meshlog on a Node.js that is too old', () => {
  it('exits 3 with commands that work from any folder: absolute paths to this checkout', () => {
    const configRepo = path.join(base, 'config');
    fs.mkdirSync(configRepo);
    const res = runOld(path.join(ROOT, 'bin/meshlog.js'), ['validate', '.'], configRepo);
    expect(res.status).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toContain('meshlog needs Node.js 22.18 or newer (found 20.11.1)');
    const lines = res.stderr.split('\n').map((l) => l.trim());
    expect(lines).toContain(`. ${ROOT}/scripts/setup.sh`);
    expect(lines).toContain('meshlog validate .');
    expect(lines).toContain(`npx --yes -p node@24 node ${ROOT}/bin/meshlog.js validate .`);
    expect(res.stderr).toContain(`${ROOT}/.cache`);
    // No path relative to a folder the user may not be in.
    expect(res.stderr).not.toMatch(/(^|[\s"'])(bin|scripts)\//m);
  });

  it('quotes a checkout path and arguments with spaces or quotes, so the lines can be pasted', () => {
    const checkout = path.join(base, "mesh tools, Ann's");
    fs.cpSync(path.join(ROOT, 'bin'), path.join(checkout, 'bin'), { recursive: true });
    const res = runOld(path.join(checkout, 'bin/meshlog.js'), ['explain', '--request', "GET http://a/it's"], base);
    expect(res.status).toBe(3);
    const lines = res.stderr.split('\n').map((l) => l.trim());
    const setup = lines.find((l) => l.startsWith('. '))!;
    expect(shellWords(setup.slice(2))).toEqual([path.join(checkout, 'scripts/setup.sh')]);
    const npx = lines.find((l) => l.startsWith('npx '))!;
    expect(shellWords(npx)).toEqual(['npx', '--yes', '-p', 'node@24', 'node', path.join(checkout, 'bin/meshlog.js'), 'explain', '--request', "GET http://a/it's"]);
  });
});
