// `meshlog status --server` takes HOST:PORT, as `serve --http` prints and `bootstrap --server`
// takes it, as well as a URL.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serverBase } from '../../src/cli/commands/status.ts';
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
      expect([res.code, res.stdout, res.stderr], address).toEqual([0, '[]\n', '']);
    }
  });

  it('turns HOST:PORT into an http URL, IPv6 in brackets, and leaves URLs as they are', () => {
    expect(serverBase('localhost:8080')).toBe('http://localhost:8080');
    expect(serverBase('[::1]:8080')).toBe('http://[::1]:8080');
    expect(serverBase('https://meshlog.example.com/')).toBe('https://meshlog.example.com');
  });

  it('says what it takes when the address is neither', async () => {
    const res = await runCli(['status', '--server', 'not a server']);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('--server must be HOST:PORT or a URL such as http://127.0.0.1:8080, got "not a server"');
  });
});
