import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { BIN, ROOT, runCli, spawnCli } from './run-cli.ts';

let repo: TestRepo;
let tmp: string;
beforeAll(() => {
  repo = createRepo();
  repo.write({ 'a.yaml': 'x: 1\n' });
  repo.commit('one');
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-cli-'));
});
afterAll(() => {
  repo.cleanup();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('meshlog (top level)', () => {
  it('--help lists every registered command and the exit codes', async () => {
    const res = await runCli(['--help']);
    expect(res.code).toBe(0);
    for (const name of Object.keys(COMMANDS)) expect(res.stdout).toMatch(new RegExp(`^  ${name} `, 'm'));
    expect(res.stdout).toMatch(/validate +Check mesh config/);
    expect(res.stdout).toContain('1 invalid config');
  });

  it('prints a command\'s own help with <command> --help and help <command>', async () => {
    for (const args of [['validate', '--help'], ['validate', '-h', '-o', 'json'], ['help', 'validate']]) {
      const res = await runCli(args);
      expect(res.code, args.join(' ')).toBe(0);
      expect(res.stdout).toContain('meshlog validate [PATH] [flags]');
      expect(res.stdout).toContain('--repo PATH');
    }
  });

  it('--version prints the package version', async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const res = await runCli(['--version']);
    expect(res).toMatchObject({ code: 0, stdout: `meshlog ${pkg.version}\n` });
  });

  it('an unknown command exits 2 and suggests the closest one', async () => {
    const res = await runCli(['valdate', '.']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('unknown command "valdate"');
    expect(res.stderr).toContain('Did you mean this?\n        validate');
    expect(res.stdout).toBe('');
  });

  it('mistyped flags, top-level ones and swapped letters included, get the closest name', async () => {
    const top = await runCli(['--verison']);
    expect(top.code).toBe(2);
    expect(top.stderr).toContain('unknown flag --verison (did you mean --version?)');
    // -v is "version" in many tools; spelled closest to -h, but that is not what was meant.
    expect((await runCli(['-v'])).stderr).toContain('unknown flag -v (did you mean --version?)');
    expect(top.stderr).toContain("Run 'meshlog --help' for usage.");
    const swapped = await runCli(['serve', '--xsd', '127.0.0.1:0']);
    expect(swapped.code).toBe(2);
    expect(swapped.stderr).toContain('unknown flag --xsd (did you mean --xds?)');
    const far = await runCli(['--frobnicate']);
    expect(far.code).toBe(2);
    expect(far.stderr).toContain('unknown flag --frobnicate\n');
    // A command's flags written before the command: the command line as it should be.
    const before = await runCli(['-o', 'json', 'validate', 'mesh']);
    expect([before.code, before.stdout]).toEqual([2, '']);
    expect(before.stderr).toContain('Error: flags go after the command: meshlog validate -o json mesh');
    const quoted = await runCli(['--title', "it's a b", 'diff', 'x', 'y']);
    expect(quoted.stderr).toContain(`Error: flags go after the command: meshlog diff --title 'it'\\''s a b' x y`);
  });

  it('unknown flags, bad -o values and extra arguments exit 2 with a hint', async () => {
    const flag = await runCli(['validate', '--outptu', 'json']);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain('unknown flag --outptu (did you mean --output?)');
    expect(flag.stderr).toContain("Run 'meshlog validate --help' for usage.");
    const format = await runCli(['validate', '-o', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('unsupported output format "xml" (choose one of: table, json)');
    const missing = await runCli(['compile', '--view']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('flag --view needs a value');
    const extra = await runCli(['validate', 'a', 'b']);
    expect(extra.code).toBe(2);
    expect(extra.stderr).toContain('unexpected argument "b"');
    const both = await runCli(['validate', 'dir', '--repo', repo.dir]);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('give either PATH (dir) or --repo, not both');
  });

  it('a missing folder, repository or revision exits 3 and says what is missing', async () => {
    const folder = await runCli(['validate', 'no-such-folder'], tmp);
    expect(folder.code).toBe(3);
    expect(folder.stderr).toContain('no-such-folder does not exist');
    const rev = await runCli(['validate', '--repo', repo.dir, '--rev', 'release-9']);
    expect(rev.code).toBe(3);
    expect(rev.stderr).toContain('unknown revision "release-9"');
    const notRepo = await runCli(['compile', '--repo', tmp]);
    expect(notRepo.code).toBe(3);
    expect(notRepo.stderr).toContain('is not a git repository');
  });

  it('a malformed revision name is a bad command line (exit 2), checked before any lookup', async () => {
    for (const rev of ['main.lock', 'a..b..c', 'refs/../HEAD']) {
      const r = await runCli(['validate', '--repo', repo.dir, '--rev', rev]);
      expect(r.code, rev).toBe(2);
      expect(r.stderr).toContain(`"${rev}" is not a valid revision name`);
    }
    // Even where there is no repository to look in.
    expect((await runCli(['compile', '--repo', tmp, '--rev', 'a..b'])).code).toBe(2);
    expect((await runCli(['diff', 'a..b', 'HEAD', '--repo', repo.dir])).code).toBe(2);
  });

  it('the real executable runs and reports exit codes to the shell', () => {
    const version = spawnCli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^meshlog \d+\.\d+\.\d+\n$/);
    expect(version.stderr).not.toMatch(/ExperimentalWarning/);
    expect(spawnCli(['frobnicate']).code).toBe(2);
    expect(spawnCli(['validate', path.join(tmp, 'absent')]).code).toBe(3);
  });

  it('output piped to a reader that stops early (| head) ends quietly, no EPIPE stack trace', () => {
    // The config dump of the template is ~100 KB, more than a pipe buffers, so the writer
    // is still writing when `head` exits.
    const script = `set -o pipefail; "${process.execPath}" "${BIN}" compile config-repo-template -o json 2>"${tmp}/epipe.err" | head -c 10 >/dev/null`;
    const res = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(fs.readFileSync(path.join(tmp, 'epipe.err'), 'utf8')).not.toMatch(/EPIPE|Error|node:/);
    expect(res.status).toBe(0);
  });
});
