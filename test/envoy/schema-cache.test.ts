// The Envoy schema cache (src/envoy/proto-root.ts): the first process parses the .proto files
// and leaves a JSON copy in the user's cache folder (src/core/user-cache.js); the next one
// starts from it. Both must compile to the very same bytes, a damaged cache must only cost the
// parse, and a cache others could write is never trusted.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { userCacheDir } from '../../src/core/user-cache.js';
import { BIN, ROOT } from '../cli/run-cli.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-schema-cache-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * `meshlog compile` of the template (the summary, with the content hash over the encoded bytes,
 * then the JSON config dump), with the cache folder in `tmp`.
 */
function compileTemplate(): string {
  return compile([]) + compile(['-o', 'json']);
}

function compile(flags: string[]): string {
  const run = spawnSync(process.execPath, [BIN, 'compile', 'config-repo-template', ...flags], {
    cwd: ROOT,
    // No Envoy proof (scripts/setup.sh sets MESHLOG_ENVOY): the bytes themselves are compared.
    env: { ...process.env, XDG_CACHE_HOME: tmp, MESHLOG_ENVOY: '' },
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

const cacheDir = path.join(tmp, 'meshlog');
const cacheFiles = (): string[] => (fs.existsSync(cacheDir) ? fs.readdirSync(cacheDir) : []).filter((n) => /^envoy-schema-[0-9a-f]{16}\.json$/.test(n));

describe('Envoy schema cache', () => {
  it('is written by the first process and read by the next, with identical output', () => {
    expect(cacheFiles()).toEqual([]);
    const parsed = compileTemplate();
    expect(cacheFiles()).toHaveLength(1);
    const cache = path.join(cacheDir, cacheFiles()[0]!);
    const written = fs.statSync(cache).mtimeMs;
    const fromCache = compileTemplate();
    expect(fromCache).toBe(parsed);
    expect(fs.statSync(cache).mtimeMs).toBe(written); // read, not rewritten

    // A damaged or edited cache is parsed over and replaced; the output does not change.
    const good = fs.readFileSync(cache, 'utf8');
    for (const damaged of ['{"nested": ', '{}', good.slice(0, -10), good.replace('"id":1,', '"id":99,')]) {
      fs.writeFileSync(cache, damaged);
      expect(compileTemplate()).toBe(parsed);
      expect(fs.readFileSync(cache, 'utf8')).toBe(good);
    }
  });

  it('is not read when others could have written it (group- or world-writable)', () => {
    const cache = path.join(cacheDir, cacheFiles()[0]!);
    const parsed = compileTemplate();
    // A planted schema, with a matching checksum: Cluster.name moved to another field number
    // changes every cluster's bytes.
    const text = fs.readFileSync(cache, 'utf8');
    const json = text.slice(65).replace(/("Cluster":\{.*?"name":\{"type":"string","id":)1\b/, '$199');
    expect(json).not.toBe(text.slice(65));
    const tampered = `${createHash('sha256').update(json).digest('hex')}\n${json}`;
    fs.writeFileSync(cache, tampered);
    fs.chmodSync(cache, 0o666);
    expect(compileTemplate()).toBe(parsed);
    // The same file, writable by its owner only, is trusted: the output changes (the check is real).
    fs.writeFileSync(cache, tampered);
    fs.chmodSync(cache, 0o644);
    expect(compileTemplate()).not.toBe(parsed);
    fs.rmSync(cache);
  });
});

describe('userCacheDir', () => {
  it('is private to the user: created 0700, and refused when others can write it', () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-user-cache-'));
    try {
      const dir = userCacheDir({ XDG_CACHE_HOME: base });
      expect(dir).toBe(path.join(base, 'meshlog'));
      expect(fs.statSync(dir!).mode & 0o777).toBe(0o700);
      fs.chmodSync(dir!, 0o777);
      expect(userCacheDir({ XDG_CACHE_HOME: base })).toBeUndefined();
      // A folder that cannot be made (mkdir under /proc fails with ENOENT): no cache. A recursive
      // mkdirSync never returned here; the test's timeout would catch that.
      expect(userCacheDir({ XDG_CACHE_HOME: '/proc/meshlog-no-cache' })).toBeUndefined();
      // A relative XDG_CACHE_HOME is ignored, as the XDG spec says: the home folder's .cache is used.
      expect(userCacheDir({ XDG_CACHE_HOME: 'relative/dir' })).toBe(path.join(os.homedir(), '.cache', 'meshlog'));
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
