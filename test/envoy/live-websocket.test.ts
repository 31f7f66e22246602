// WebSocket connections through a real Envoy, as through Istio's proxies: the upgrade handshake
// reaches the upstream, and bytes flow both ways once it has switched protocols.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';

let server: http.Server;
let envoy: EnvoyProcess;
let port: number;

beforeAll(async () => {
  // Accepts any upgrade and echoes what the client then sends (no WebSocket framing needed).
  server = http.createServer((_req, res) => res.end('plain'));
  server.on('upgrade', (req, socket: net.Socket) => {
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: ${String(req.headers.upgrade)}\r\nConnection: Upgrade\r\n\r\n`);
    socket.on('data', (d) => socket.write(d));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const upstream = (server.address() as AddressInfo).port;
  ({ envoy } = await runView(localService('chat.example.test', [upstream]), 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  server?.closeAllConnections();
  server?.close();
});

/** Sends a WebSocket handshake, then `message` once it is answered; resolves with all the bytes received. */
function upgrade(message: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let received = '';
    let sent = false;
    const timer = setTimeout(() => {
      socket.destroy();
      resolve(received);
    }, 3000);
    socket.on('data', (d) => {
      received += d.toString();
      if (!sent && received.includes('\r\n\r\n')) {
        sent = true;
        if (received.startsWith('HTTP/1.1 101')) socket.write(message);
      }
      if (received.endsWith(message)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(received);
      }
    });
    socket.on('error', reject);
    socket.write(
      'GET /socket HTTP/1.1\r\nHost: chat.example.test\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n' +
        'Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    );
  });
}

describe('WebSocket with a real Envoy', () => {
  it('switches protocols and carries bytes both ways', async () => {
    const got = await upgrade('hello over the socket');
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 101 Switching Protocols');
    expect(got.endsWith('hello over the socket')).toBe(true);
  });
});
