// Sidecar TCP listeners against a real Envoy: a database whose connections a VirtualService
// tcp rule splits 80/20 between two versions, a Redis port with no VirtualService, two TLS
// services sharing port 443 told apart by SNI (the TLS passes through, untouched, to
// upstreams that present their own certificates), a MySQL port shared with a TLS service, an
// HTTP port shared with an HTTPS service;
// then a gateway TCP server whose bound VirtualService splits connections 70/30, and a gateway
// TLS passthrough server picking upstreams by SNI. Real TCP and
// TLS clients connect; each upstream answers with its name. explain must predict where every
// connection goes.
import net from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MeshIR } from '../../src/compile/ir/types.ts';
import { issueCertificate, type IssuedCertificate } from '../../src/core/certificates.ts';
import { explain, parseRequest } from '../../src/explain/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { ordersDbMesh } from '../support/tcp-mesh.ts';
import { request, startUpstreams, type Upstreams } from '../support/upstreams.ts';

const DB = '0.0.0.0_5432';
const REDIS = '0.0.0.0_6379';
const TLS = '0.0.0.0_443';
const MIXED = '0.0.0.0_3306';
const WEB = '0.0.0.0_8443';

/** A TCP (or TLS) server on loopback that writes its name to every connection and closes it. */
async function nameServer(name: string, cert?: IssuedCertificate): Promise<net.Server> {
  const greet = (socket: net.Socket) => socket.end(name);
  const server = cert ? tls.createServer({ cert: cert.certificate, key: cert.privateKey }, greet) : net.createServer(greet);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (s: net.Server) => (s.address() as net.AddressInfo).port;

/** A ServiceEntry for `host`:`port` whose one endpoint is the local upstream `upstream`. */
function localEntry(name: string, host: string, port: number, protocol: string, upstream: number, namespace = 'shop'): string {
  const portName = protocol.toLowerCase();
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  hosts: [${host}]
  ports: [{number: ${port}, name: ${portName}, protocol: ${protocol}}]
  resolution: STATIC
  endpoints: [{address: 127.0.0.1, ports: {${portName}: ${upstream}}}]`;
}

function config(ports: Record<string, number>): string {
  return `${ordersDbMesh({ weights: [80, 20], endpoints: [`address: 127.0.0.1, ports: {tcp-postgres: ${ports.v1}}`, `address: 127.0.0.1, ports: {tcp-postgres: ${ports.v2}}`] })}---
${localEntry('sessions', 'sessions.shop.svc.cluster.local', 6379, 'REDIS', ports.redis!)}
---
${localEntry('payments', 'payments.example.test', 443, 'HTTPS', ports.payments!)}
---
${localEntry('maps', '"*.maps.example.test"', 443, 'TLS', ports.maps!)}
---
# A server-first protocol (MySQL greets first) and a TLS service on one port.
${localEntry('inventory-db', 'inventory-db.shop.svc.cluster.local', 3306, 'MYSQL', ports.mysql!)}
---
${localEntry('audit', 'audit.example.test', 3306, 'TLS', ports.audit!)}
---
# A tls rule: the SNI name eu.maps.example.test goes to the EU proxy; as in Istio, the other
# names of the service it applies to get no chain (closed).
${localEntry('eu-proxy', 'eu-proxy.shop.svc.cluster.local', 443, 'TLS', ports.euProxy!)}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: maps, namespace: shop}
spec:
  hosts: ["*.maps.example.test"]
  tls:
  - match: [{sniHosts: [eu.maps.example.test]}]
    route: [{destination: {host: eu-proxy.shop.svc.cluster.local}}]
---
# An HTTP service and an HTTPS one on one port: SNI picks the HTTPS service, the rest is HTTP.
${localEntry('front', 'front.shop.svc.cluster.local', 8443, 'HTTP', ports.front!)}
---
${localEntry('vault', 'vault.example.test', 8443, 'HTTPS', ports.vault!)}
`;
}

/** Compiles `yaml`, which must compile without a diagnostic, and runs `view` of it in a real Envoy. */
async function runCleanView(yaml: string, view: string, listeners: readonly string[]): Promise<{ envoy: EnvoyProcess; ir: MeshIR }> {
  const { envoy, result } = await runView(yaml, view, listeners);
  expect(result.diagnostics).toEqual([]);
  return { envoy, ir: result.ir! };
}

/**
 * What came back on a plain TCP connection: the upstream's name, or the error / empty close.
 * `hello` is sent first unless the client waits to be greeted (a server-first protocol).
 */
function tcpRead(port: number, opts: { clientFirst?: boolean } = {}): Promise<string> {
  const socket = net.connect(port, '127.0.0.1', () => {
    if (opts.clientFirst) socket.write('hello\r\n');
  });
  return reply(socket);
}

/** The same over TLS with an SNI name; the certificate is checked against the test CA. */
function tlsRead(port: number, sni: string, ca: string): Promise<string> {
  return reply(tls.connect({ host: '127.0.0.1', port, servername: sni, ca }));
}

function reply(socket: net.Socket): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    socket.on('data', (d) => (data += d.toString()));
    socket.on('end', () => resolve(data || 'closed'));
    socket.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    socket.setTimeout(10_000, () => socket.destroy(new Error('timeout')));
  });
}

describe('live: Envoy proxies TCP and TLS service ports as compiled', () => {
  const servers: net.Server[] = [];
  let ca: IssuedCertificate;
  let upstreams: Upstreams;
  let envoy: EnvoyProcess | undefined;
  let ir: MeshIR;
  const port: Record<string, number> = {};

  beforeAll(async () => {
    ca = issueCertificate({ commonName: 'meshlog test CA', authority: true });
    const cert = (dns: string) => issueCertificate({ commonName: dns, dnsNames: [dns], issuer: ca });
    const named: [string, net.Server][] = [
      ['v1', await nameServer('orders-db v1')],
      ['v2', await nameServer('orders-db v2')],
      ['redis', await nameServer('sessions')],
      ['payments', await nameServer('payments', cert('payments.example.test'))],
      ['maps', await nameServer('maps', cert('us.maps.example.test'))],
      ['euProxy', await nameServer('eu-proxy', cert('eu.maps.example.test'))],
      ['mysql', await nameServer('inventory-db')],
      ['audit', await nameServer('audit', cert('audit.example.test'))],
      ['vault', await nameServer('vault', cert('vault.example.test'))],
    ];
    upstreams = await startUpstreams(['front']);
    for (const [, s] of named) servers.push(s);
    const yaml = config({ ...Object.fromEntries(named.map(([k, s]) => [k, portOf(s)])), front: upstreams.port('front') });
    const listeners = { db: DB, redis: REDIS, tls: TLS, mixed: MIXED, web: WEB };
    ({ envoy, ir } = await runCleanView(yaml, 'sidecar', Object.values(listeners)));
    for (const [key, name] of Object.entries(listeners)) port[key] = await envoy.listenerPort(name);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
    await upstreams?.close();
  });

  /** explain's verdict for a connection to `url`: the clusters the connection goes to, or how it ends. */
  function predicted(url: string): string {
    const parsed = parseRequest(`GET ${url}`);
    if (!parsed.ok) throw new Error(parsed.error);
    const o = explain(ir, parsed.request).outcome;
    return o.kind === 'tcp_proxy' ? o.destinations.map((d) => `${d.cluster} ${d.percent}%`).join(', ') : o.kind;
  }

  it('splits connections 80/20 between the database versions, within ±5% over 1,000 connections', async () => {
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 20; batch++) {
      const replies = await Promise.all(Array.from({ length: 50 }, () => tcpRead(port.db!)));
      for (const r of replies) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['orders-db v1', 'orders-db v2']);
    expect(Math.abs(counts.get('orders-db v1')! / 1000 - 0.8)).toBeLessThanOrEqual(0.05);
    expect(predicted('http://orders-db.shop.svc.cluster.local:5432')).toBe(
      'outbound|5432|v1|orders-db.shop.svc.cluster.local 80%, outbound|5432|v2|orders-db.shop.svc.cluster.local 20%',
    );
  });

  it('sends a port without a VirtualService to its service', async () => {
    expect(await tcpRead(port.redis!)).toBe('sessions');
    expect(predicted('http://sessions.shop.svc.cluster.local:6379')).toBe('outbound|6379||sessions.shop.svc.cluster.local 100%');
  });

  it('picks the TLS service by SNI and passes the TLS through', async () => {
    // The upstream's own certificate reaches the client: Envoy does not terminate the TLS.
    expect(await tlsRead(port.tls!, 'payments.example.test', ca.certificate)).toBe('payments');
    expect(predicted('https://payments.example.test:443')).toBe('outbound|443||payments.example.test 100%');
  });

  it('sends the SNI name a tls rule matches where the rule says, and closes the service\'s other names', async () => {
    expect(await tlsRead(port.tls!, 'eu.maps.example.test', ca.certificate)).toBe('eu-proxy');
    expect(predicted('https://eu.maps.example.test:443')).toBe('outbound|443||eu-proxy.shop.svc.cluster.local 100%');
    expect(await tlsRead(port.tls!, 'us.maps.example.test', ca.certificate)).toMatch(/ECONNRESET|closed|socket disconnected/i);
    expect(predicted('https://us.maps.example.test:443')).toBe('connection_closed');
  });

  it('shares a port between a TLS service and a server-first TCP service', async () => {
    expect(await tlsRead(port.mixed!, 'audit.example.test', ca.certificate)).toBe('audit');
    // The MySQL client sends nothing until greeted: after the TLS inspector gives up, the TCP chain takes it.
    expect(await tcpRead(port.mixed!)).toBe('inventory-db');
    expect(predicted('http://inventory-db.shop.svc.cluster.local:3306')).toBe('outbound|3306||inventory-db.shop.svc.cluster.local 100%');
    expect(predicted('https://audit.example.test:3306')).toBe('outbound|3306||audit.example.test 100%');
  });

  it('shares an HTTP port with an HTTPS service: SNI picks the service, plain requests are routed', async () => {
    expect(await tlsRead(port.web!, 'vault.example.test', ca.certificate)).toBe('vault');
    const http = await request(`http://127.0.0.1:${port.web}/x`, { headers: { host: 'front.shop.svc.cluster.local:8443' } });
    expect(http.headers['x-upstream']).toBe('front');
    expect(predicted('https://vault.example.test:8443')).toBe('outbound|8443||vault.example.test 100%');
    expect(predicted('http://front.shop.svc.cluster.local:8443/x')).toBe('forward');
  });

  it('closes TLS connections for a name no service has, and plain TCP on the TLS-only port', async () => {
    expect(await tlsRead(port.tls!, 'unknown.example.test', ca.certificate)).toMatch(/ECONNRESET|closed|socket disconnected/i);
    expect(predicted('https://unknown.example.test:443')).toBe('connection_closed');
    expect(await tcpRead(port.tls!, { clientFirst: true })).toMatch(/ECONNRESET|closed/);
    expect(predicted('http://payments.example.test:443')).toBe('connection_closed');
    // A client that waits to be greeted: the TLS inspector gives up after a second, and no chain takes it.
    expect(await tcpRead(port.tls!)).toMatch(/ECONNRESET|closed/);
  });
});

describe('live: a gateway TCP server proxies connections by the bound tcp rule', () => {
  const servers: net.Server[] = [];
  let envoy: EnvoyProcess | undefined;
  let ir: MeshIR;
  let port = 0;
  const LISTENER = '0.0.0.0_27017';
  const VIEW = 'gateway~edge~ingress';

  beforeAll(async () => {
    const v1 = await nameServer('mongo v1');
    const v2 = await nameServer('mongo v2');
    servers.push(v1, v2);
    const yaml = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: ingress, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 27017, name: mongo, protocol: MONGO}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: mongo, namespace: edge}
spec:
  hosts: ["*"]
  gateways: [ingress]
  tcp:
  - match: [{port: 27017}]
    route:
    - {destination: {host: mongo.data.svc.cluster.local, subset: v1}, weight: 70}
    - {destination: {host: mongo.data.svc.cluster.local, subset: v2}, weight: 30}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: mongo, namespace: data}
spec:
  hosts: [mongo.data.svc.cluster.local]
  ports: [{number: 27017, name: mongo, protocol: MONGO}]
  resolution: STATIC
  endpoints:
  - {address: 127.0.0.1, ports: {mongo: ${portOf(v1)}}, labels: {version: v1}}
  - {address: 127.0.0.1, ports: {mongo: ${portOf(v2)}}, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: mongo, namespace: data}
spec:
  host: mongo.data.svc.cluster.local
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
`;
    ({ envoy, ir } = await runCleanView(yaml, VIEW, [LISTENER]));
    port = await envoy.listenerPort(LISTENER);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
  });

  it('splits 70/30 within ±5% over 1,000 connections, as explain predicts', async () => {
    const counts = new Map<string, number>();
    for (let batch = 0; batch < 20; batch++) {
      for (const r of await Promise.all(Array.from({ length: 50 }, () => tcpRead(port)))) counts.set(r, (counts.get(r) ?? 0) + 1);
    }
    expect([...counts.keys()].sort()).toEqual(['mongo v1', 'mongo v2']);
    expect(Math.abs(counts.get('mongo v1')! / 1000 - 0.7)).toBeLessThanOrEqual(0.05);
    const parsed = parseRequest('GET http://anything.example.com:27017');
    if (!parsed.ok) throw new Error(parsed.error);
    const o = explain(ir, parsed.request, { view: VIEW }).outcome;
    expect(o.kind === 'tcp_proxy' ? o.destinations.map((d) => `${d.subset} ${d.percent}%`) : o.kind).toEqual(['v1 70%', 'v2 30%']);
  });
});

describe('live: a gateway TLS passthrough server picks the upstream by SNI', () => {
  const servers: net.Server[] = [];
  let envoy: EnvoyProcess | undefined;
  let ca: IssuedCertificate;
  let port = 0;
  const LISTENER = '0.0.0.0_443';

  beforeAll(async () => {
    ca = issueCertificate({ commonName: 'meshlog test CA', authority: true });
    const shop = await nameServer('shop', issueCertificate({ commonName: 'shop.example.test', dnsNames: ['shop.example.test'], issuer: ca }));
    const rest = await nameServer('rest', issueCertificate({ commonName: '*.example.test', dnsNames: ['*.example.test'], issuer: ca }));
    servers.push(shop, rest);
    const yaml = `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: edge, namespace: edge}
spec:
  selector: {istio: passthrough}
  servers:
  - port: {number: 443, name: tls, protocol: TLS}
    hosts: ["*.example.test"]
    tls: {mode: PASSTHROUGH}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: edge, namespace: edge}
spec:
  hosts: ["*.example.test"]
  gateways: [edge]
  tls:
  - match: [{sniHosts: [shop.example.test]}]
    route: [{destination: {host: shop.edge.svc.cluster.local}}]
  - match: [{sniHosts: ["*.example.test"]}]
    route: [{destination: {host: rest.edge.svc.cluster.local}}]
---
${localEntry('shop', 'shop.edge.svc.cluster.local', 443, 'TLS', portOf(shop), 'edge')}
---
${localEntry('rest', 'rest.edge.svc.cluster.local', 443, 'TLS', portOf(rest), 'edge')}
`;
    ({ envoy } = await runCleanView(yaml, 'gateway~edge~edge', [LISTENER]));
    port = await envoy.listenerPort(LISTENER);
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
  });

  it('sends each SNI name where its tls rule says, the TLS ending at the upstream', async () => {
    expect(await tlsRead(port, 'shop.example.test', ca.certificate)).toBe('shop');
    expect(await tlsRead(port, 'blog.example.test', ca.certificate)).toBe('rest');
    expect(await tlsRead(port, 'other.example.org', ca.certificate)).toMatch(/ECONNRESET|closed|socket disconnected/i);
  });
});

describe("live: a TCP proxy closes connections idle for the DestinationRule's tcp.idleTimeout", () => {
  const servers: net.Server[] = [];
  let envoy: EnvoyProcess | undefined;
  const TIMED = '0.0.0.0_7000';
  const UNTIMED = '0.0.0.0_7001';

  /** An echo server: a connection stays open until the client (or the proxy) closes it. */
  async function echoServer(): Promise<net.Server> {
    const server = net.createServer((socket) => socket.pipe(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return server;
  }

  beforeAll(async () => {
    const timed = await echoServer();
    const untimed = await echoServer();
    servers.push(timed, untimed);
    const yaml = `${localEntry('ledger', 'ledger.example.test', 7000, 'TCP', portOf(timed))}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ledger, namespace: shop}
spec:
  host: ledger.example.test
  trafficPolicy: {connectionPool: {tcp: {idleTimeout: 1s}}}
---
${localEntry('journal', 'journal.example.test', 7001, 'TCP', portOf(untimed))}
`;
    ({ envoy } = await runCleanView(yaml, 'sidecar', [TIMED, UNTIMED]));
  }, 60_000);

  afterAll(async () => {
    await envoy?.stop();
    for (const s of servers) s.close();
  });

  /** A connection through `listener` that has echoed once; `closed` settles when the proxy closes it. */
  async function echoedConnection(listener: string): Promise<{ socket: net.Socket; closed: Promise<void>; echo(text: string): Promise<string> }> {
    const socket = net.connect(await envoy!.listenerPort(listener), '127.0.0.1');
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const echo = (text: string) =>
      new Promise<string>((resolve, reject) => {
        socket.once('data', (d) => resolve(d.toString()));
        socket.once('error', reject);
        socket.write(text);
      });
    expect(await echo('ping')).toBe('ping');
    return { socket, closed, echo };
  }

  it('closes the idle connection to the service with the timeout and keeps the other one open', async () => {
    // The untimed connection goes idle first, so it has been idle longer when the timed one is closed.
    const untimed = await echoedConnection(UNTIMED);
    const timed = await echoedConnection(TIMED);
    let guard: NodeJS.Timeout | undefined;
    await Promise.race([timed.closed, new Promise((_, reject) => (guard = setTimeout(() => reject(new Error('the idle connection was not closed within 15 s')), 15_000)))]);
    clearTimeout(guard);
    expect(await untimed.echo('still there')).toBe('still there');
    untimed.socket.destroy();
    // Envoy says why it closed the connection: the TCP proxy's idle timeout (stat prefix: the cluster).
    const stats = await (await fetch(`${envoy!.adminUrl}/stats?filter=idle_timeout$`)).text();
    expect(stats).toContain('tcp.outbound|7000||ledger.example.test.idle_timeout: 1');
    expect(stats).toContain('tcp.outbound|7001||journal.example.test.idle_timeout: 0');
  }, 30_000);
});
