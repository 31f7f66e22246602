// bin/meshlog.js in a checkout whose npm packages were never installed: a sentence saying
// what to run, and exit 3 ("unavailable"), not a stack trace with exit 1 ("invalid config").
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-nodeps-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('meshlog without its npm packages', () => {
  it('says to install them, and exits 3', () => {
    for (const part of ['bin', 'src', 'package.json']) fs.cpSync(path.join(ROOT, part), path.join(dir, part), { recursive: true });
    const r = spawnSync(process.execPath, [path.join(dir, 'bin/meshlog.js'), 'validate', path.join(ROOT, 'config-repo-template')], {
      encoding: 'utf8',
      env: { ...process.env, NODE_DISABLE_COMPILE_CACHE: '1' },
    });
    expect(r.status).toBe(3);
    expect(r.stderr).toContain("meshlog's npm packages are not installed in");
    expect(r.stderr).toContain('Run "npm ci" there');
    // The set-up script by its absolute path: meshlog may have been run from any folder.
    expect(r.stderr).toContain(`". ${dir}/scripts/setup.sh"`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });
});
