// One file, or standard input (`-`), as the input of validate, compile, explain and diff:
// `meshlog validate routing/reviews.yaml`, `kustomize build overlays/prod | meshlog validate -`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_CONFIG_FILE_BYTES } from '../../src/ingest/file-filter.ts';
import { createRepo, type TestRepo } from '../support/git-repo.ts';
import { BROKEN_VS, MESH } from './mesh-fixture.ts';
import { BIN, cliEnv, pipeToCli, runCli } from './run-cli.ts';

/** The fixture mesh as one manifest, as `kustomize build` or `helm template` prints it. */
const RENDERED = Object.values(MESH).join('---\n');
/** The same with the VirtualService's misspelt `wieght`, on line 20, column 11 of BROKEN_VS. */
const RENDERED_BROKEN = `${MESH['services/reviews.yaml']}---\n${BROKEN_VS}`;
/** Where `wieght` is in RENDERED_BROKEN: BROKEN_VS's line 20, after the Service and the `---`. */
const BROKEN_LINE = MESH['services/reviews.yaml']!.split('\n').length + 20;

let tmp: string;

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-input-'));
  fs.mkdirSync(path.join(tmp, 'bad', 'routing'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'rendered.yaml'), RENDERED);
  fs.writeFileSync(path.join(tmp, 'bad', 'routing', 'reviews.yaml'), BROKEN_VS);
  fs.writeFileSync(path.join(tmp, 'rendered.txt'), RENDERED_BROKEN);
  fs.writeFileSync(path.join(tmp, 'empty.yaml'), '');
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly column: number | null;
}

function jsonDiagnostics(stdout: string): { valid: boolean; diagnostics: JsonDiagnostic[] } {
  return JSON.parse(stdout) as { valid: boolean; diagnostics: JsonDiagnostic[] };
}

describe('a file as PATH', () => {
  it('validate reads the one file: valid, and counted as one file read', async () => {
    const res = await runCli(['validate', 'rendered.yaml'], tmp);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('0 errors, 0 warnings\nrendered.yaml: valid (1 config file read)\n');
  });

  it('a diagnostic names the file as given, with line and column; json names it relative to its folder, as a folder read does', async () => {
    const res = await runCli(['validate', 'bad/routing/reviews.yaml'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^bad\/routing\/reviews\.yaml:20:11: error ML2001: unknown field "wieght"/m);
    expect(res.stdout).toMatch(/\nbad\/routing\/reviews\.yaml: INVALID \(1 config file read\)\n$/);
    // `./` and absolute paths are kept as written.
    expect((await runCli(['validate', './bad/routing/reviews.yaml'], tmp)).stdout).toMatch(/^\.\/bad\/routing\/reviews\.yaml:20:11: error ML2001/m);
    const abs = path.join(tmp, 'bad', 'routing', 'reviews.yaml');
    expect((await runCli(['validate', abs])).stdout).toContain(`${abs}:20:11: error ML2001`);

    const json = jsonDiagnostics((await runCli(['validate', 'bad/routing/reviews.yaml', '-o', 'json'], tmp)).stdout);
    expect(json.valid).toBe(false);
    expect(json.diagnostics).toContainEqual(expect.objectContaining({ code: 'ML2001', file: 'reviews.yaml', line: 20, column: 11 }));
  });

  it('a file named explicitly is read whatever its extension, as kubectl apply -f reads it', async () => {
    const res = await runCli(['validate', 'rendered.txt'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`rendered.txt:${BROKEN_LINE}:11: error ML2001: unknown field "wieght"`);
  });

  it('a link named explicitly is followed, as a folder named may be a link; links inside a folder still are not', async () => {
    fs.symlinkSync(path.join('bad', 'routing', 'reviews.yaml'), path.join(tmp, 'link.yaml'));
    const res = await runCli(['validate', 'link.yaml'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toMatch(/^link\.yaml:20:11: error ML2001/m);
    // The folder holding that link: the link is refused, as before.
    fs.mkdirSync(path.join(tmp, 'holds-link'));
    fs.symlinkSync('../rendered.yaml', path.join(tmp, 'holds-link', 'mesh.yaml'));
    const folder = await runCli(['validate', 'holds-link'], tmp);
    expect(folder.code).toBe(1);
    expect(folder.stdout).toContain('holds-link/mesh.yaml: error ML0001: mesh.yaml is a symbolic link; links are not followed');
  });

  it('an empty file is an empty mesh, with the warning an empty folder gets', async () => {
    const res = await runCli(['validate', 'empty.yaml', '-o', 'json'], tmp);
    expect(res.code).toBe(0);
    expect(jsonDiagnostics(res.stdout)).toEqual({
      valid: true,
      diagnostics: [expect.objectContaining({ code: 'ML0007', severity: 'warning', file: 'empty.yaml', message: 'empty.yaml is empty: there is no config to check' })],
    });
  });

  it('a file that does not exist is exit 3 (unavailable), said without calling it a folder', async () => {
    const res = await runCli(['validate', 'no-such.yaml'], tmp);
    expect(res.code).toBe(3);
    expect(res.stdout).toBe('');
    expect(res.stderr).toBe(`Error: ${path.join(tmp, 'no-such.yaml')} does not exist\n`);
  });

  it('a file it may not read is exit 3 (unavailable), as a folder it may not list is', () => {
    const locked = path.join(tmp, 'locked.yaml');
    fs.writeFileSync(locked, RENDERED);
    fs.chmodSync(tmp, 0o755);
    fs.chmodSync(locked, 0o000);
    // root reads anything, so as root the CLI runs as `nobody`.
    const asRoot = process.getuid?.() === 0;
    const res = spawnSync(process.execPath, [BIN, 'validate', locked], { encoding: 'utf8', timeout: 60_000, ...(asRoot ? { uid: 65534, gid: 65534 } : {}) });
    fs.chmodSync(locked, 0o644);
    expect(res.stderr).toBe(`Error: cannot read ${locked}: permission denied\n`);
    expect(res.status).toBe(3);
  });

  it('a file over the size limit is the ML0004 a folder\'s file gets, exit 1', async () => {
    const big = path.join(tmp, 'big.yaml');
    const fd = fs.openSync(big, 'w');
    fs.ftruncateSync(fd, MAX_CONFIG_FILE_BYTES + 1); // sparse: no disk used
    fs.closeSync(fd);
    const res = await runCli(['validate', 'big.yaml'], tmp);
    expect(res.code).toBe(1);
    expect(res.stdout).toBe('big.yaml: error ML0004: big.yaml is 8.0 MiB; config files over 8.0 MiB are not read\n\n1 error, 0 warnings\nbig.yaml: INVALID (0 config files read, 1 not read)\n');
  });

  it('compile reads one file', async () => {
    const res = await runCli(['compile', 'rendered.yaml', '-o', 'json'], tmp);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(JSON.stringify(JSON.parse(res.stdout))).toContain('outbound|9080|v2|reviews.shop.svc.cluster.local');
    const bad = await runCli(['compile', 'bad/routing/reviews.yaml'], tmp);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^bad\/routing\/reviews\.yaml:20:11: error ML2001/m);
    expect(bad.stderr).toContain('bad/routing/reviews.yaml: INVALID, nothing compiled\n');
  });

  it('explain reads one file and cites the rule in it', async () => {
    const res = await runCli(['explain', '-r', 'GET http://reviews.shop:9080/', 'rendered.yaml', '--view', 'sidecar~shop'], tmp);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/Source: {7}rendered\.yaml:\d+:\d+ \(VirtualService shop\/reviews, spec\.http\[0\]\)/);
    expect(res.stdout).toMatch(/reviews:9080 v1\s+90%/);
    const json = await runCli(['explain', '-r', 'GET http://reviews.shop:9080/', 'rendered.yaml', '-o', 'json'], tmp);
    expect((JSON.parse(json.stdout) as { config: unknown }).config).toEqual({ source: 'rendered.yaml', rev: null, commit: null });
    const bad = await runCli(['explain', '-r', 'GET http://reviews.shop:9080/', 'bad/routing/reviews.yaml'], tmp);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^bad\/routing\/reviews\.yaml:20:11: error ML2001/m);
  });
});

describe('- reads standard input', () => {
  it('validate -: the manifests piped in, named <stdin>', async () => {
    const res = await runCli(['validate', '-'], tmp, RENDERED);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe('0 errors, 0 warnings\n<stdin>: valid (1 config file read)\n');
  });

  it('a diagnostic names <stdin>, line and column', async () => {
    const res = await runCli(['validate', '-'], tmp, RENDERED_BROKEN);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain(`<stdin>:${BROKEN_LINE}:11: error ML2001: unknown field "wieght"`);
    expect(res.stdout).toMatch(/\n<stdin>: INVALID \(1 config file read\)\n$/);
    const json = jsonDiagnostics((await runCli(['validate', '-', '-o', 'json'], tmp, RENDERED_BROKEN)).stdout);
    expect(json.diagnostics).toContainEqual(expect.objectContaining({ code: 'ML2001', file: '<stdin>', line: BROKEN_LINE, column: 11 }));
  });

  it('nothing on standard input is an empty mesh, valid, with a warning that says what likely happened', async () => {
    const res = await runCli(['validate', '-'], tmp, '');
    expect(res.code).toBe(0);
    expect(res.stdout).toBe(
      '<stdin>: warning ML0007: standard input is empty: there is no config to check (did the command writing to it fail?)\n\n' +
        '0 errors, 1 warning\n<stdin>: valid (1 config file read)\n',
    );
  });

  it('an endless standard input is read only up to the file size limit, then is ML0004, exit 1', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let given = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      for (;;) {
        given += chunk.length;
        yield chunk;
      }
    }
    const res = await runCli(['validate', '-'], tmp, endless());
    expect(res.code).toBe(1);
    expect(res.stdout).toBe(
      '<stdin>: error ML0004: <stdin> is more than 8.0 MiB; config files over 8.0 MiB are not read (reading stopped there)\n\n' +
        '1 error, 0 warnings\n<stdin>: INVALID (0 config files read, 1 not read)\n',
    );
    expect(given).toBeLessThanOrEqual(MAX_CONFIG_FILE_BYTES + chunk.length);
  });

  it('compile - -o yaml prints the config dump of what was piped in', async () => {
    const res = await runCli(['compile', '-', '-o', 'yaml'], tmp, RENDERED);
    expect(res.stderr).toBe('');
    expect(res.code).toBe(0);
    expect(res.stdout).toContain('outbound|9080|v2|reviews.shop.svc.cluster.local');
    const bad = await runCli(['compile', '-', '-o', 'yaml'], tmp, RENDERED_BROKEN);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toBe('');
    expect(bad.stderr).toContain(`<stdin>:${BROKEN_LINE}:11: error ML2001`);
    expect(bad.stderr).toContain('<stdin>: INVALID, nothing compiled\n');
  });

  it('explain - names standard input as its config', async () => {
    const res = await runCli(['explain', '-r', 'GET http://reviews.shop:9080/', '-', '-o', 'json'], tmp, RENDERED);
    expect(res.code).toBe(0);
    const out = JSON.parse(res.stdout) as { config: unknown; route: { source: { file: string } } };
    expect(out.config).toEqual({ source: '<stdin>', rev: null, commit: null });
    expect(out.route.source.file).toBe('<stdin>');
  });

  it('- with --rev or --repo is a bad command line (exit 2): standard input is no revision', async () => {
    const repo = createRepo();
    try {
      repo.write(MESH);
      repo.commit('mesh');
      for (const args of [['-', '--rev', 'HEAD'], ['--rev', 'HEAD', '-'], ['-', '--repo', repo.dir]]) {
        const res = await runCli(['validate', ...args], repo.dir, RENDERED);
        expect(res.code, args.join(' ')).toBe(2);
        expect(res.stderr, args.join(' ')).toContain('- reads the config from standard input; it cannot be combined with --');
      }
    } finally {
      repo.cleanup();
    }
  });

  it('through the real executable: a pipe into validate -, and more than it reads', async () => {
    const good = await pipeToCli(['validate', '-'], tmp, RENDERED);
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    expect(good.stdout).toBe('0 errors, 0 warnings\n<stdin>: valid (1 config file read)\n');
    const bad = await pipeToCli(['validate', '-'], tmp, RENDERED_BROKEN);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain(`<stdin>:${BROKEN_LINE}:11: error ML2001`);
    // Over the limit: reading stops there and meshlog exits with the diagnostic, no crash.
    const huge = await pipeToCli(['validate', '-'], tmp, `# ${'x'.repeat(1021)}\n`.repeat(9 * 1024));
    expect(huge.stderr).toBe('');
    expect(huge.code).toBe(1);
    expect(huge.stdout).toBe(
      '<stdin>: error ML0004: <stdin> is more than 8.0 MiB; config files over 8.0 MiB are not read (reading stopped there)\n\n' +
        '1 error, 0 warnings\n<stdin>: INVALID (0 config files read, 1 not read)\n',
    );
  });

  it('a pipe named as a path (what <(kustomize build) gives) is read as standard input is', () => {
    // A shell's pipe: Node's own child stdin is a socket, which /dev/stdin cannot open.
    const res = spawnSync('sh', ['-c', 'cat rendered.txt | "$NODE" "$BIN" validate /dev/stdin'], {
      cwd: tmp,
      encoding: 'utf8',
      timeout: 60_000,
      env: cliEnv({ NODE: process.execPath, BIN }),
    });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(1);
    expect(res.stdout).toContain(`/dev/stdin:${BROKEN_LINE}:11: error ML2001`);
  });
});

describe('diff with files and standard input', () => {
  const canary = RENDERED.replace('weight: 90', 'weight: 50').replace('weight: 10', 'weight: 50');

  it('compares two files, and a file with standard input', async () => {
    fs.writeFileSync(path.join(tmp, 'canary.yaml'), canary);
    const files = await runCli(['diff', 'rendered.yaml', 'canary.yaml'], tmp);
    expect(files.stderr).toBe('');
    expect(files.code).toBe(0);
    expect(files.stdout.split('\n')[0]).toBe('rendered.yaml → canary.yaml');
    expect(files.stdout).toContain('reviews: v1 90→50, v2 10→50  (canary.yaml:');
    const piped = await runCli(['diff', 'rendered.yaml', '-', '-o', 'json'], tmp, canary);
    expect(piped.code).toBe(0);
    const json = JSON.parse(piped.stdout) as { base: unknown; head: unknown };
    expect(json.base).toEqual({ label: 'rendered.yaml', kind: 'file', revision: null, commit: null, path: 'rendered.yaml' });
    expect(json.head).toEqual({ label: '<stdin>', kind: 'standard input', revision: null, commit: null, path: null });
  });

  it('compares a revision with a file; a file that is also a revision is refused, as such a folder is', async () => {
    const repo = createRepo();
    try {
      repo.write(MESH);
      repo.commit('mesh');
      repo.write({ 'rendered.yaml': canary });
      const res = await runCli(['diff', 'main', 'rendered.yaml'], repo.dir);
      expect(res.stderr).toBe('');
      expect(res.code).toBe(0);
      expect(res.stdout).toContain('reviews: v1 90→50, v2 10→50  (rendered.yaml:');
      repo.git('branch', 'rendered.yaml');
      const ambiguous = await runCli(['diff', 'main', 'rendered.yaml'], repo.dir);
      expect(ambiguous.code).toBe(2);
      expect(ambiguous.stderr).toContain('rendered.yaml is ambiguous: both a file and a revision of the git repository the current directory is in; write ./rendered.yaml for the file');
    } finally {
      repo.cleanup();
    }
  });

  it('- on both sides, alone, or with --repo is a bad command line (exit 2)', async () => {
    for (const args of [['-', '-'], ['-'], ['HEAD', '-', '--repo', '.']]) {
      const res = await runCli(['diff', ...args], tmp, RENDERED);
      expect(res.code, args.join(' ')).toBe(2);
      expect(res.stderr, args.join(' ')).toMatch(/standard input/);
    }
  });

  it('a lone file is a bad command line, as a lone folder is', async () => {
    const res = await runCli(['diff', 'rendered.yaml'], tmp);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('rendered.yaml is a file: compare two files, or a revision with the work tree');
  });
});

describe('--help', () => {
  it('validate, compile and explain list - and a file as input', async () => {
    for (const command of ['validate', 'compile', 'explain']) {
      const res = await runCli([command, '--help']);
      expect(res.stdout, command).toContain('  -                    Standard input, as one config file named <stdin>');
      expect(res.stdout, command).toContain('or one config file');
    }
    expect((await runCli(['diff', '--help'])).stdout).toContain('- is standard input, as one file named <stdin>, on one side at most');
  });
});

describe('standard input at a terminal', () => {
  // `script` runs the command on a pseudo-terminal, as a user typing `meshlog validate -`
  // with nothing piped in would: without a word, the command would seem to hang.
  it('says it is reading standard input, and how to end it', () => {
    const command = `printf '\\004' | script -qec '${process.execPath} ${BIN} validate -' /dev/null`;
    const res = spawnSync('sh', ['-c', command], { cwd: tmp, encoding: 'utf8', timeout: 60_000, env: cliEnv() });
    expect(res.stdout).toContain('Reading config from standard input (end it with Ctrl-D)...');
    expect(res.stdout).toContain('<stdin>: valid (1 config file read)');
  });

  it('says nothing of the kind when input is piped in', async () => {
    const res = await pipeToCli(['validate', '-'], tmp, RENDERED);
    expect(res.code).toBe(0);
    expect(res.stderr).toBe('');
  });
});
