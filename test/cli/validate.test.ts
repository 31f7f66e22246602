import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { BROKEN_VS, MESH, UNKNOWN_HOST_VS } from './mesh-fixture.ts';
import { BIN, runCli, spawnCli } from './run-cli.ts';

let tmp: string;
let repo: TestRepo;
let good: string;
let bad: string;

function folder(name: string, files: Readonly<Record<string, string>>): string {
  const dir = path.join(tmp, name);
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-validate-'));
  folder('good', MESH);
  folder('bad', { ...MESH, 'routing/reviews.yaml': BROKEN_VS });
  folder('warn', { ...MESH, 'routing/ratings.yaml': UNKNOWN_HOST_VS });
  repo = createRepo();
  repo.write(MESH);
  good = repo.commit('reviews canary');
  repo.write({ 'routing/reviews.yaml': BROKEN_VS });
  bad = repo.commit('typo');
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
  repo.cleanup();
});

describe('meshlog validate', () => {
  it('a valid folder exits 0 and says so', async () => {
    const res = await runCli(['validate', 'good'], tmp);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('0 errors, 0 warnings\ngood: valid (2 config files read)\n');
  });

  it('a folder without config files is valid but says where it looked, so a wrong path shows', async () => {
    fs.mkdirSync(path.join(tmp, 'empty', 'docs'), { recursive: true });
    fs.writeFileSync(path.join(tmp, 'empty', 'docs', 'README.md'), '# not config\n');
    const res = await runCli(['validate', 'empty'], tmp);
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      `warning ML0007: no config files (*.yaml, *.yml, *.json outside dot-folders and node_modules) found in ${path.join(tmp, 'empty')}; is this the config folder?\n\n` +
        '0 errors, 1 warning\nempty: valid (0 config files read)\n',
    );
    // The current folder, when no path is given: the message names it in full.
    const here = await runCli(['validate', '-o', 'json'], path.join(tmp, 'empty'));
    expect(JSON.parse(here.stdout)).toMatchObject({ valid: true, diagnostics: [{ code: 'ML0007', severity: 'warning', message: expect.stringContaining(`found in ${path.join(tmp, 'empty')};`) }] });
  });

  it('-o json prints exactly {valid, diagnostics} with file, line, column and field; exit 1', async () => {
    const res = await runCli(['validate', 'bad', '-o', 'json'], tmp);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { valid: boolean; diagnostics: Record<string, unknown>[] };
    expect(Object.keys(out)).toEqual(['valid', 'diagnostics']);
    expect(out.valid).toBe(false);
    const typo = out.diagnostics.find((d) => String(d.message).includes('wieght'));
    expect(typo).toMatchObject({ severity: 'error', file: 'routing/reviews.yaml', line: 20 });
    expect(typo!.code).toMatch(/^ML2\d{3}$/);
    expect(typo!.column).toEqual(expect.any(Number));
    expect(String(typo!.field)).toMatch(/^spec\.http\[0\]\.route\[1\]/);
    expect(typo!.resource).toEqual({ kind: 'VirtualService', namespace: 'shop', name: 'reviews' });
    // Every diagnostic has the whole documented shape, null where a key does not apply.
    for (const d of out.diagnostics) {
      expect(Object.keys(d).slice(0, 8)).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'field', 'resource']);
    }
  });

  it('takes -o=json as -o json, as kubectl does; a value after -- stays an argument', async () => {
    const res = await runCli(['validate', 'bad', '-o=json'], tmp);
    expect(res.code).toBe(1);
    expect(JSON.parse(res.stdout).valid).toBe(false);
    const after = await runCli(['validate', '--', '-o=json'], tmp);
    expect(after.stderr).toContain('-o=json');
  });

  it('the table output names file:line:col from the user\'s directory, then the summary', async () => {
    const res = await runCli(['validate', 'bad'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^bad\/routing\/reviews\.yaml:20:\d+: error ML2\d{3}: .*wieght/m);
    expect(res.stdout).toMatch(/^\d+ errors?, 0 warnings\nbad: INVALID \(2 config files read\)\n$/m);
  });

  it('warnings are printed but do not fail', async () => {
    const res = await runCli(['validate', 'warn', '-o', 'json'], tmp);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { valid: boolean; diagnostics: { severity: string; file: string }[] };
    expect(out.valid).toBe(true);
    expect(out.diagnostics.some((d) => d.severity === 'warning' && d.file === 'routing/ratings.yaml')).toBe(true);
  });

  it('reads revisions of a git repository: the good commit passes, the typo fails', async () => {
    expect((await runCli(['validate', '--repo', repo.dir, '--rev', good])).code).toBe(0);
    expect((await runCli(['validate', '--repo', repo.dir, '--rev', 'HEAD~1'])).code).toBe(0);
    const head = await runCli(['validate', '--repo', repo.dir, '-o', 'json']);
    expect(head.code).toBe(1);
    expect(head.stdout).toContain('wieght');
    const table = await runCli(['validate', '--repo', repo.dir, '--rev', 'main']);
    expect(table.stdout).toContain(`@main (${bad.slice(0, 12)}): INVALID`);
    // --rev alone reads the repository named by the positional argument.
    expect((await runCli(['validate', repo.dir, '--rev', good])).code).toBe(0);
  });

  it('a symlink in the repository is an ML0001 error naming the path', async () => {
    const linked = createRepo();
    try {
      linked.write(MESH);
      linked.symlink('routing/shared.yaml', '../../outside.yaml');
      linked.commit('link');
      const res = await runCli(['validate', '--repo', linked.dir, '-o', 'json']);
      expect(res.code).toBe(1);
      const out = JSON.parse(res.stdout) as { valid: boolean; diagnostics: unknown[] };
      expect(out.valid).toBe(false);
      expect(out.diagnostics).toContainEqual(expect.objectContaining({ code: 'ML0001', severity: 'error', file: 'routing/shared.yaml' }));
    } finally {
      linked.cleanup();
    }
  });

  it('a link not named like config (docs/LICENSE, CHANGELOG.md) to a file is an info note, not an error: still valid', async () => {
    const linked = createRepo();
    try {
      linked.write({ ...MESH, 'docs/x.md': '# changes\n' });
      linked.symlink('docs/LICENSE', 'x.md');
      linked.symlink('CHANGELOG.md', 'docs/x.md');
      linked.commit('links');
      for (const args of [['--repo', linked.dir], [linked.dir]]) {
        const res = await runCli(['validate', ...args, '-v']);
        expect(res.code, args[0]).toBe(0);
        expect(res.stdout).toContain("CHANGELOG.md: info ML0008: CHANGELOG.md is a symbolic link to a file, not followed; its name is not a config file's, so it is not read as config\n");
        expect(res.stdout).toContain("docs/LICENSE: info ML0008: docs/LICENSE is a symbolic link to a file, not followed; its name is not a config file's, so it is not read as config\n");
      }
      // With nothing else to read, the folder still gets "no config files found" (the link
      // leads nowhere: only noted).
      const onlyLinks = folder('only-links', {});
      fs.mkdirSync(onlyLinks, { recursive: true });
      fs.symlinkSync('elsewhere', path.join(onlyLinks, 'routing'));
      const empty = await runCli(['validate', 'only-links', '-o', 'json'], tmp);
      expect(empty.code).toBe(0);
      expect((JSON.parse(empty.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code)).toEqual(['ML0007', 'ML0008']);
    } finally {
      linked.cleanup();
    }
  });

  it('a link to a folder of config is an error, on disk and in a revision: its config would not be served', async () => {
    const linked = createRepo();
    try {
      linked.write({ ...MESH, 'shared/team-b/svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata: { name: b, namespace: team-b }\nspec:\n  ports: [{ name: http, port: 80 }]\n' });
      linked.symlink('teams/team-b', '../shared/team-b');
      linked.commit('a team linked in');
      const line = 'teams/team-b: error ML0001: teams/team-b is a symbolic link to a folder; links are not followed, so the config files there are not read\n';
      for (const args of [['--repo', linked.dir], [linked.dir]]) {
        const res = await runCli(['validate', ...args]);
        expect(res.code, args[0]).toBe(1);
        expect(res.stdout, args[0]).toContain(line);
      }
    } finally {
      linked.cleanup();
    }
  });

  it('a 2 GB file is reported as too large (ML0004) without being read', async () => {
    const dir = folder('huge', MESH);
    const fd = fs.openSync(path.join(dir, 'dump.yaml'), 'w');
    fs.ftruncateSync(fd, 2 * 1024 ** 3); // sparse: no disk used
    fs.closeSync(fd);
    const res = await runCli(['validate', 'huge', '-o', 'json'], tmp);
    expect(res.code).toBe(1);
    const out = JSON.parse(res.stdout) as { diagnostics: { code: string; file: string; message: string }[] };
    expect(out.diagnostics).toEqual([expect.objectContaining({ code: 'ML0004', file: 'dump.yaml', severity: 'error' })]);
    expect(out.diagnostics[0]!.message).toContain('2.0 GiB');
  });

  it('one size limit per file, read and parse alike: a 9 MiB file is not read (ML0004, 8 MiB), nor counted as read', async () => {
    // Over the parser's 8 MiB and under the 32 MiB once documented: it used to be read, then
    // refused by the parser with another limit (ML1005), and counted among the files read.
    const nine = `# ${'x'.repeat(77)}\n`.repeat((9 * 1024 * 1024) / 80);
    const dir = folder('nine', { ...MESH, 'dump.yaml': nine });
    const linked = createRepo();
    try {
      linked.write({ ...MESH, 'dump.yaml': nine });
      linked.commit('nine');
      for (const args of [['nine'], ['--repo', linked.dir]]) {
        const res = await runCli(['validate', ...args], tmp);
        expect(res.code, args[0]).toBe(1);
        expect(res.stdout, args[0]).toContain('dump.yaml: error ML0004: dump.yaml is 9.0 MiB; config files over 8.0 MiB are not read\n');
        expect(res.stdout, args[0]).not.toContain('ML1005');
        expect(res.stdout, args[0]).toMatch(/: INVALID \(2 config files read, 1 not read\)\n$/);
      }
    } finally {
      linked.cleanup();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a folder it may not list is an error naming that folder, exit 3 (unavailable)', () => {
    // Readable by path (stat works) but not listable: a volume mounted with the wrong owner.
    // root lists anything, so as root the CLI runs as `nobody` (tmp must then be searchable).
    const dir = folder('locked', MESH);
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(dir, 0o311);
    const asRoot = process.getuid?.() === 0;
    const res = spawnSync(process.execPath, [BIN, 'validate', dir], { encoding: 'utf8', timeout: 60_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    fs.chmodSync(dir, 0o755);
    expect(res.stderr).toContain(`cannot list folder ${dir}: permission denied`);
    expect(res.status).toBe(3);
  });

  it('works the same through the real executable', () => {
    const res = spawnCli(['validate', path.join(tmp, 'bad'), '-o', 'json']);
    expect(res.code).toBe(1);
    expect((JSON.parse(res.stdout) as { valid: boolean }).valid).toBe(false);
    expect(spawnCli(['validate', path.join(tmp, 'good')]).code).toBe(0);
  });
});
