import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { command as serve } from '../../src/cli/commands/serve.ts';
import type { CliIo } from '../../src/cli/command.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

async function run(args: string[]): Promise<{ code: number; err: string }> {
  let err = '';
  const io: CliIo = { stdout: () => {}, stderr: (t) => (err += t), cwd: ROOT, env: {} };
  return { code: await serve.run(args, io), err };
}

describe('meshlog serve --help', () => {
  it('says that a silent proxy is dropped, and when', () => {
    expect(serve.help.replace(/\s+/g, ' ')).toContain(
      'Every xDS connection is pinged (HTTP/2 keepalive) every 30 s and closed when a ping is not answered within 10 s: ' +
        'a proxy that froze or was cut off leaves status and metrics within about 40 s',
    );
  });
});

describe('meshlog serve (failures)', () => {
  it('needs --config and valid addresses (exit 2)', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['--config', 'config-repo-template', '--xds', 'nope'])).code).toBe(2);
  });

  it('refuses a URL or a host that is no name or IP for --xds and --http (exit 2), before compiling anything', async () => {
    const xds = await run(['--config', 'config-repo-template', '--xds', 'http://127.0.0.1:18500']);
    expect(xds).toEqual({ code: 2, err: "Error: --xds takes HOST:PORT without http://: write 127.0.0.1:18500, not http://127.0.0.1:18500\nRun 'meshlog serve --help' for usage.\n" });
    const http = await run(['--config', 'config-repo-template', '--xds', '127.0.0.1:0', '--http', 'http://127.0.0.1:0/']);
    expect(http.code).toBe(2);
    expect(http.err).toContain('Error: --http takes HOST:PORT without http://: write 127.0.0.1:0, not http://127.0.0.1:0/\n');
    const junk = await run(['--config', 'config-repo-template', '--http', '127.0.0.1:0:0']);
    expect(junk.code).toBe(2);
    expect(junk.err).toContain('Error: --http must be HOST:PORT');
  });

  it('takes --compile-heap-mb as a whole number of MB the compiler fits in (exit 2 otherwise)', async () => {
    for (const bad of ['16', '1e3', '0x40', ' 64', '64.5']) {
      const res = await run(['--config', 'config-repo-template', '--compile-heap-mb', bad]);
      expect(res.code, bad).toBe(2);
      expect(res.err, bad).toContain(`--compile-heap-mb: expected a whole number of MB, at least 32 (got ${JSON.stringify(bad)})`);
    }
  });

  it('exits 3 for a missing folder or an xDS port already in use', async () => {
    const missing = await run(['--config', 'no/such/folder']);
    expect(missing.code).toBe(3);
    expect(missing.err).toContain('does not exist');
    const file = await run(['--config', 'package.json']);
    expect(file.code).toBe(3);
    expect(file.err).toContain('package.json is not a folder: meshlog serves a whole config folder');
    expect(file.err).not.toContain('does not exist');

    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const busy = await run(['--config', 'config-repo-template', '--xds', `127.0.0.1:${port}`, '--http', '127.0.0.1:0']);
      expect(busy.code).toBe(3);
      expect(busy.err).toBe(`Error: cannot start: xDS address 127.0.0.1:${port} is in use (EADDRINUSE)\n`);
      const busyHttp = await run(['--config', 'config-repo-template', '--xds', '127.0.0.1:0', '--http', `127.0.0.1:${port}`]);
      expect(busyHttp.code).toBe(3);
      expect(busyHttp.err).toBe(`Error: cannot start: HTTP address 127.0.0.1:${port} is in use (EADDRINUSE)\n`);
    } finally {
      blocker.close();
    }
  }, 60_000);
});

describe('meshlog serve (a real process)', () => {
  const BIN = path.join(ROOT, 'bin/meshlog.js');

  it('on an xDS port in use prints only the clear error, not grpc-js\'s own line about it', async () => {
    const blocker = net.createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as net.AddressInfo).port;
    try {
      const res = spawnSync(process.execPath, [BIN, 'serve', '--config', 'config-repo-template', '--xds', `127.0.0.1:${port}`, '--http', '127.0.0.1:0'], {
        cwd: ROOT,
        encoding: 'utf8',
        timeout: 60_000,
      });
      expect(res.status).toBe(3);
      expect(res.stderr).toContain(`Error: cannot start: xDS address 127.0.0.1:${port} is in use (EADDRINUSE)\n`);
      // Only meshlog's own log lines (the first compile) come before it: nothing from grpc-js.
      expect(res.stderr).not.toContain('No address added');
      expect(res.stderr).not.toContain('"msg":"grpc"');
    } finally {
      blocker.close();
    }
  }, 60_000);

  it('listens on IPv6 addresses given in brackets, and prints them so', async () => {
    const child = spawn(process.execPath, [BIN, 'serve', '--config', 'config-repo-template', '--xds', '[::1]:0', '--http', '[::1]:0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    try {
      await Promise.race([
        new Promise<void>((resolve) => child.stdout.on('data', () => /serving generation/.test(out) && resolve())),
        exited.then((code) => Promise.reject(new Error(`serve exited ${code}: ${err}`))),
      ]);
      expect(out).toMatch(/^xDS \(ADS gRPC\) listening on \[::1\]:\d+$/m);
      const httpUrl = /^HTTP listening on (http:\/\/\[::1\]:\d+)$/m.exec(out)?.[1];
      expect(httpUrl, out).toBeDefined();
      expect(await (await fetch(`${httpUrl}/healthz`)).json()).toEqual({ status: 'ok' });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  }, 60_000);
});
