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
