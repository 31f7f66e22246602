// `meshlog status --server` takes HOST:PORT, as `serve --http` prints and `bootstrap --server`
// takes it, as well as an http(s) URL; anything else is a usage error that says what to write.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverUrl } from '../../src/cli/server-url.ts';
import { runCli } from './run-cli.ts';

let server: http.Server;
let port: number;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    res.writeHead(req.url === '/api/proxies' ? 200 : 404, { 'content-type': 'application/json' });
    res.end(req.url === '/api/proxies' ? '[]' : '{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('meshlog status --server', () => {
  it('reaches the server given as HOST:PORT or as a URL', async () => {
    for (const address of [`127.0.0.1:${port}`, `http://127.0.0.1:${port}`, `http://127.0.0.1:${port}/`]) {
      const res = await runCli(['status', '--server', address, '-o', 'json']);
      expect([res.code, JSON.parse(res.stdout).proxies, res.stderr], address).toEqual([0, [], '']);
    }
  });

  it('reaches a server on a port browsers refuse to talk HTTP to (fetch\'s "bad ports"), as serve --http takes any port', async () => {
    // 10080 and 6665–6669 are on the WHATWG fetch standard's blocked list.
    const blocked = http.createServer((req, res) => {
      res.writeHead(req.url === '/api/proxies' ? 200 : 404, { 'content-type': 'application/json' });
      res.end(req.url === '/api/proxies' ? '[]' : '{}');
    });
    let listening: number | undefined;
    for (const candidate of [10080, 6665, 6666, 6667, 6668, 6669]) {
      const ok = await new Promise<boolean>((resolve) => {
        blocked.once('error', () => resolve(false));
        blocked.listen(candidate, '127.0.0.1', () => resolve(true));
      });
      if (ok) {
        listening = candidate;
        break;
      }
    }
    expect(listening, 'one of the blocked ports is free on this machine').toBeDefined();
    try {
      const res = await runCli(['status', '--server', `127.0.0.1:${listening}`, '-o', 'json']);
      expect([res.code, res.stderr]).toEqual([0, '']);
      expect(JSON.parse(res.stdout).proxies).toEqual([]);
    } finally {
      await new Promise<void>((resolve) => blocked.close(() => resolve()));
    }
  });

  it('names why a server was not reached (exit 3)', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const freePort = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const res = await runCli(['status', '--server', `127.0.0.1:${freePort}`]);
    expect(res.code).toBe(3);
    expect(res.stderr).toContain(`Error: cannot reach meshlog at http://127.0.0.1:${freePort} (ECONNREFUSED). Is 'meshlog serve' running?`);
  });

  it('turns HOST:PORT into an http URL, IPv6 in brackets, and keeps a URL\'s path', () => {
    expect(serverUrl('localhost:8080', '--server')).toEqual({ ok: true, base: 'http://localhost:8080' });
    expect(serverUrl('[::1]:8080', '--server')).toEqual({ ok: true, base: 'http://[::1]:8080' });
    expect(serverUrl('https://meshlog.example.com/', '--server')).toEqual({ ok: true, base: 'https://meshlog.example.com' });
    expect(serverUrl('https://example.com/meshlog/', '--server')).toEqual({ ok: true, base: 'https://example.com/meshlog' });
  });

  it('says what it takes when the address is neither (exit 2), naming MESHLOG_SERVER when the value came from there', async () => {
    const refusals: [string, string][] = [
      ['not a server:8080', '--server: "not a server" is not a host name or IP address'],
      ['grpc://127.0.0.1:8080', '--server is meshlog serve\'s HTTP address: an http:// or https:// URL, or HOST:PORT (e.g. http://127.0.0.1:8080); got "grpc://127.0.0.1:8080"'],
      ['::1:8080', '--server takes an IPv6 address in brackets: write [::1]:8080, not ::1:8080'],
      ['127.0.0.1', '--server needs a port: HOST:PORT, e.g. 127.0.0.1:8080, got "127.0.0.1" (or a URL such as http://127.0.0.1:8080)'],
    ];
    for (const [server, message] of refusals) {
      const res = await runCli(['status', '--server', server]);
      expect([res.code, res.stdout], server).toEqual([2, '']);
      expect(res.stderr, server).toContain(`Error: ${message}`);
    }
    let stderr = '';
    const { main } = await import('../../src/cli/main.ts');
    const code = await main(['status'], { stdout: () => {}, stderr: (t) => (stderr += t), cwd: '/', env: { MESHLOG_SERVER: 'localhost' } });
    expect(code).toBe(2);
    expect(stderr).toContain('Error: MESHLOG_SERVER needs a port');
  });
});
