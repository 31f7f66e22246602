// Route settings as istiod writes them (pilot/pkg/networking/core/route/route.go, retry.go),
// seen through a real Envoy: what a client gets back, and what the upstreams and Envoy's
// stats say happened.
import http from 'node:http';
import http2 from 'node:http2';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

const servers: (http.Server | http2.Http2Server)[] = [];
let upstreams: Upstreams;
let envoy: EnvoyProcess;
/** The Host header of the last request the mirror server got. */
let mirroredHost: string | undefined;
let port: number;
/** Requests each counting server got, by its name. */
const hits: Record<string, number> = {};

/** A local server answering with `handle`; counts its requests in `hits[name]`. */
async function server(name: string, handle: http.RequestListener): Promise<number> {
  hits[name] = 0;
  const s = http.createServer((req, res) => {
    hits[name]!++;
    handle(req, res);
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** A cleartext HTTP/2-only server answering with the HTTP version of the request it got. */
async function h2Server(): Promise<number> {
  const s = http2.createServer((req, res) => res.end(`http/${req.httpVersion}`));
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return (s.address() as AddressInfo).port;
}

/** One HTTP/2 (prior knowledge, cleartext) request to Envoy's listener: status and body. */
async function h2cRequest(authority: string): Promise<{ status: number; body: string }> {
  const session = http2.connect(`http://127.0.0.1:${port}`);
  try {
    return await new Promise((resolve, reject) => {
      const req = session.request({ ':path': '/', ':authority': authority });
      let status = 0;
      let body = '';
      req.on('response', (headers) => (status = Number(headers[':status'])));
      req.on('data', (d: Buffer) => (body += d.toString()));
      req.on('end', () => resolve({ status, body }));
      req.on('error', reject);
      req.end();
    });
  } finally {
    session.close();
  }
}

function virtualService(host: string, http: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${host.split('.')[0]}, namespace: default}
spec:
  hosts: [${host}]
  http: ${http}
---
`;
}

beforeAll(async () => {
  upstreams = await startUpstreams(['plain', 'admin']);
  const unavailable: http.RequestListener = (req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(503).end('busy'));
  };
  // A gRPC-like server that answers after 5 s (what a client's 1 s deadline must cut short).
  const slowGrpc: http.RequestListener = (req, res) => {
    req.resume();
    const t = setTimeout(() => res.writeHead(200, { 'content-type': 'application/grpc', 'grpc-status': '0' }).end(), 5000);
    res.on('close', () => clearTimeout(t));
  };
  const hashed = (host: string): string => `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${host.split('.')[0]}, namespace: default}
spec:
  host: ${host}
  trafficPolicy: {loadBalancer: {consistentHash: {httpHeaderName: x-user}}}
---
`;
  const mirror = await server('mirror', (req, res) => {
    mirroredHost = req.headers.host;
    req.resume();
    req.on('end', () => res.end());
  });
  // Answers 503 after 300 ms: requests and their retries overlap.
  const slowUnavailable: http.RequestListener = (req, res) => {
    req.resume();
    setTimeout(() => res.writeHead(503).end('busy'), 300);
  };
  const yaml = [
    // A retry budget of 0 % and at least 1 retry at a time (Istio applies it without a connection pool too).
    localService('budget.test', [await server('budget', slowUnavailable)]),
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: budget, namespace: default}
spec:
  host: budget.test
  trafficPolicy:
    retryBudget: {percent: 0, minRetryConcurrency: 1}
---
`,
    virtualService('budget.test', `[{route: [{destination: {host: budget.test}}], retries: {attempts: 2, retryOn: 5xx}}]`),
    // A session cookie Envoy generates, with attributes.
    localService('cart.test', [upstreams.port('plain')]),
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: cart, namespace: default}
spec:
  host: cart.test
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie: {name: session, path: /, ttl: 60s, attributes: [{name: SameSite, value: Strict}, {name: Secure}]}
---
`,
    // Redirects to the scheme's default port, with and without scheme (sidecars: plain http).
    localService('old.test', [upstreams.port('plain')]),
    virtualService(
      'old.test',
      `
  - match: [{uri: {prefix: /secure}}]
    redirect: {scheme: https, port: 443}
  - match: [{uri: {prefix: /plain}}]
    redirect: {authority: new.test, port: 80}
  - match: [{uri: {prefix: /derived}}]
    redirect: {scheme: https, derivePort: FROM_REQUEST_PORT}
  - redirect: {scheme: https, port: 8443}`,
    ),
    // Mirrored to a host whose server records the Host header it gets.
    localService('shadow.test', [mirror]),
    localService('shop.test', [upstreams.port('plain')]),
    virtualService('shop.test', `[{route: [{destination: {host: shop.test}}], mirror: {host: shadow.test}}]`),
    // Consistent hashing over a good and a failing endpoint, retrying 5xx.
    localService('sticky.test', [upstreams.port('plain'), await server('failing', unavailable)]),
    hashed('sticky.test'),
    virtualService('sticky.test', `[{route: [{destination: {host: sticky.test}}], retries: {attempts: 2, retryOn: 5xx}}]`),
    // No VirtualService: the route has no timeout, so only the client's grpc-timeout bounds it.
    localService('slow.test', [await server('slow', slowGrpc)]),
    // No retries: the mesh default (Istio's), then retryOn naming 503.
    localService('orders.test', [await server('orders', unavailable)]),
    localService('stock.test', [await server('stock', unavailable)]),
    virtualService('stock.test', `[{route: [{destination: {host: stock.test}}], retries: {attempts: 2, retryOn: "retriable-status-codes,503"}}]`),
    // Faults without percentage (Istio: no request), and one with it.
    localService('calm.test', [upstreams.port('plain')]),
    virtualService('calm.test', `[{route: [{destination: {host: calm.test}}], fault: {delay: {fixedDelay: 5s}, abort: {httpStatus: 500}}}]`),
    localService('chaos.test', [upstreams.port('plain')]),
    virtualService('chaos.test', `[{route: [{destination: {host: chaos.test}}], fault: {abort: {httpStatus: 500, percentage: {value: 100}}}}]`),
    // An upstream that speaks only HTTP/2 (cleartext), behind a port named HTTP: reachable as
    // HTTP/2 only because useClientProtocol passes the client's protocol on.
    localService('h2only.test', [await h2Server()]),
    `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: h2only, namespace: default}
spec:
  host: h2only.test
  trafficPolicy: {connectionPool: {http: {useClientProtocol: true, maxConcurrentStreams: 10}}}
---
`,
    // Host set through header operations: the route's authority rewrite, and a weighted
    // destination's own (route.go: host_rewrite_literal, on the route or the cluster weight).
    localService('authority.test', [upstreams.port('plain')]),
    virtualService('authority.test', `[{headers: {request: {set: {host: api.example.com}}}, route: [{destination: {host: authority.test}}]}]`),
    localService('split.test', [upstreams.port('plain')]),
    virtualService(
      'split.test',
      `[{route: [{destination: {host: split.test}, weight: 50, headers: {request: {add: {":authority": a.example.com}}}}, {destination: {host: admin.test}, weight: 50}]}]`,
    ),
    localService('users.test', [upstreams.port('plain')]),
    localService('admin.test', [upstreams.port('admin')]),
    virtualService(
      'users.test',
      `
  - match: [{withoutHeaders: {x-role: {exact: admin}}}]
    route: [{destination: {host: users.test}}]
  - route: [{destination: {host: admin.test}}]`,
    ),
  ].join('');
  ({ envoy } = await runView(yaml, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  await upstreams?.close();
  for (const s of servers) s.close();
});


async function upstreamOf(host: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await request(`http://127.0.0.1:${port}/`, { headers: { host, ...headers } });
  return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
}

describe('Istio route settings with a real Envoy', () => {
  it('passes the client\'s protocol upstream with useClientProtocol, as Istio (use_downstream_protocol_config)', async () => {
    // HTTP/2 in, HTTP/2 out: the HTTP/2-only upstream answers.
    expect(await h2cRequest('h2only.test')).toEqual({ status: 200, body: 'http/2.0' });
    // HTTP/1.1 in, HTTP/1.1 out: the same upstream cannot answer it (Envoy reads its HTTP/2
    // frames as a broken HTTP/1.1 answer: 502, or 503 if the connection closes first).
    expect([502, 503]).toContain((await request(`http://127.0.0.1:${port}/`, { headers: { host: 'h2only.test' } })).status);
  });

  it('sends the Host a request set/add of host or :authority names, as Istio (host_rewrite_literal)', async () => {
    const hostOf = async (host: string) => {
      const res = await request(`http://127.0.0.1:${port}/`, { headers: { host } });
      expect(res.status).toBe(200);
      const reply = JSON.parse(res.body) as UpstreamReply;
      return `${reply.upstream} ${String(reply.headers.host)}`;
    };
    expect(await hostOf('authority.test')).toBe('plain api.example.com');
    // A weighted split: only the destination that names one rewrites it.
    const seen = new Set<string>();
    for (let i = 0; i < 40 && seen.size < 2; i++) seen.add(await hostOf('split.test'));
    expect([...seen].sort()).toEqual(['admin split.test', 'plain a.example.com']);
  });

  it('withoutHeaders also takes requests that lack the header, as Istio', async () => {
    expect(await upstreamOf('users.test')).toBe('plain');
    expect(await upstreamOf('users.test', { 'x-role': 'viewer' })).toBe('plain');
    expect(await upstreamOf('users.test', { 'x-role': 'admin' })).toBe('admin');
  });

  it('applies a fault without percentage to no request, as Istio (one with percentage 100 to every request)', async () => {
    const started = Date.now();
    const calm = await Promise.all(Array.from({ length: 5 }, () => upstreamOf('calm.test')));
    expect(calm).toEqual(Array(5).fill('plain'));
    expect(Date.now() - started).toBeLessThan(4000); // not delayed by 5 s
    expect(await upstreamOf('chaos.test')).toBe('status:500');
  });

  it('ends a gRPC call at the client\'s grpc-timeout, as Istio (max_grpc_timeout), on a route without timeout', async () => {
    const started = Date.now();
    const res = await request(`http://127.0.0.1:${port}/pkg.Svc/Call`, {
      method: 'POST',
      headers: { host: 'slow.test', 'content-type': 'application/grpc', 'grpc-timeout': '1S', te: 'trailers' },
    });
    const took = Date.now() - started;
    // Envoy answers the gRPC way: HTTP 200 with its 504 timeout as gRPC UNAVAILABLE (14), not the app's OK after 5 s.
    expect(res.status).toBe(200);
    expect(res.headers['grpc-status']).toBe('14');
    expect(res.headers['grpc-message']).toBe('upstream request timeout');
    expect(took).toBeGreaterThan(800);
    expect(took).toBeLessThan(4000);
  }, 10_000);

  it('retries a consistent-hash destination on the hashed host again, as Istio (no previous_hosts predicate)', async () => {
    const users = Array.from({ length: 16 }, (_, i) => `user-${i}`);
    const each = async (host: string) => {
      const out: string[] = [];
      for (const u of users) out.push(await upstreamOf(host, { 'x-user': u }));
      return out;
    };
    const first = await each('sticky.test');
    // A user hashed to the failing endpoint gets its 503 after the retries, all of them to that endpoint.
    expect(first).toContain('status:503');
    expect(first).toContain('plain');
    expect(await each('sticky.test')).toEqual(first);
    const failed = first.filter((r) => r === 'status:503').length * 2;
    expect(hits.failing).toBe(failed * 3); // each such request: the first try and 2 retries
    expect(await envoy.stat('cluster.outbound|80||sticky.test.upstream_rq_retry')).toBe(failed * 2);
  });

  it('mirrors a request with its Host as sent, without a -shadow suffix, as Istio 1.28+', async () => {
    expect(await upstreamOf('shop.test')).toBe('plain');
    await expect.poll(() => hits.mirror, { timeout: 3000 }).toBe(1);
    expect(mirroredHost).toBe('shop.test');
  });

  it('redirects to https without ":443" (nor http with ":80"), as Istio drops a scheme\'s default port', async () => {
    const location = async (path: string, host = 'old.test') => (await request(`http://127.0.0.1:${port}${path}`, { headers: { host } })).headers.location;
    expect(await location('/secure/a?b=1')).toBe('https://old.test/secure/a?b=1');
    expect(await location('/plain/a')).toBe('http://new.test/plain/a');
    expect(await location('/other')).toBe('https://old.test:8443/other');
    // FROM_REQUEST_PORT: the service port the route serves (80), written as it is not https's default.
    expect(await location('/derived/x')).toBe('https://old.test:80/derived/x');
  });

  it('sets the cookie attributes of a consistent-hash cookie on the Set-Cookie Envoy generates', async () => {
    const res = await request(`http://127.0.0.1:${port}/`, { headers: { host: 'cart.test' } });
    expect(res.status).toBe(200);
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^session=[^;]+; Max-Age=60; Path=\//);
    expect(cookie).toContain('; SameSite=Strict');
    expect(cookie).toMatch(/; Secure(;|$)/);
  });

  it('limits concurrent retries by the DestinationRule\'s retry budget', async () => {
    const replies = await Promise.all(Array.from({ length: 10 }, () => request(`http://127.0.0.1:${port}/`, { headers: { host: 'budget.test' } })));
    expect(replies.every((r) => r.status === 503)).toBe(true);
    // At most one retry in flight: most retries are refused (overflow), so the upstream sees fewer than 3 tries per request.
    expect(await envoy.stat('cluster.outbound|80||budget.test.upstream_rq_retry_overflow')).toBeGreaterThan(0);
    expect(hits.budget).toBeLessThan(30);
  });

  it('sends an application\'s 503 back without retrying it, unless retryOn names 503 (Istio\'s default retries no status)', async () => {
    const post = (host: string) => request(`http://127.0.0.1:${port}/order`, { method: 'POST', headers: { host } });
    expect((await post('orders.test')).status).toBe(503);
    expect(hits.orders).toBe(1);
    expect((await post('stock.test')).status).toBe(503);
    expect(hits.stock).toBe(3);
  });
});
