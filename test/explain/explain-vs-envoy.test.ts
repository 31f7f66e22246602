// The test that matters most for explain: for a set of sample requests, explain's
// prediction equals what a REAL Envoy does with the same compiled config. The fixture
// (test/fixtures/explain/) goes through the whole compiler; the view's static bootstrap
// runs in Envoy with every cluster pointed at its own local upstream, named after the
// cluster, so the upstream that answers says which cluster Envoy chose. Requests go out with
// their path exactly as explain read it (not re-encoded by a URL parser), so that Envoy's own
// path normalization is what is compared.
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import type { IrHeaderOpSet, MeshIR } from '../../src/compile/ir/types.ts';
import { issueCertificate } from '../../src/core/certificates.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { describeOpSet } from '../../src/explain/header-changes.ts';
import { explain, parseRequest, type ExplainRequest, type Explanation } from '../../src/explain/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { runView } from '../support/run-view.ts';
import { startUpstreams, type HttpResult, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/explain');
const SIDECAR = 'sidecar~shop';
const GATEWAY = 'gateway~shop~shop-gateway';
/** The view each Envoy runs, and the listeners the test sends its requests to (by the request's port). */
const ENVOYS = { [SIDECAR]: ['0.0.0.0_9080'], [GATEWAY]: ['0.0.0.0_8080', '0.0.0.0_8443'] } as const;

/** Request → the rule explain must pick (so the sample set provably covers every rule kind). */
const SAMPLES: readonly [request: string, route: string | 'NR'][] = [
  ['GET http://reviews:9080/ -H end-user:jason', 'vs/shop/reviews/http/jason/match/0'],
  // A repeated header matches when any of its values does.
  ['GET http://reviews:9080/ -H end-user:bob -H end-user:jason', 'vs/shop/reviews/http/jason/match/0'],
  ['GET http://reviews:9080/reviews/1 -H x-group:beta-1', 'vs/shop/reviews/http/beta-testers/match/0'],
  ['GET http://reviews:9080/other -H x-group:beta-1', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/api/v2/items', 'vs/shop/reviews/http/versioned-api/match/0'],
  ['GET http://reviews:9080/api/v2/items/7', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/old?x=1', 'vs/shop/reviews/http/moved/match/0'],
  ['GET http://reviews:9080/old/more', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/teapot/pot', 'vs/shop/reviews/http/teapot/match/0'],
  ['GET http://reviews:9080/anything?debug=1', 'vs/shop/reviews/http/debug-query/match/0'],
  ['GET http://reviews:9080/anything?debug=10', 'vs/shop/reviews/http/default/match/0'],
  // Query parameters: the first value counts, and values are matched as written (not decoded).
  ['GET http://reviews:9080/anything?debug=0&debug=1', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/anything?debug=%31', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/anything?x=2&debug=1&debug=0', 'vs/shop/reviews/http/debug-query/match/0'],
  // A query parameter prefix (istiod compiles it though Istio's docs name exact and regex only).
  ['GET http://reviews:9080/search?q=abcdef', 'vs/shop/reviews/http/search-prefix/match/0'],
  ['GET http://reviews:9080/search?q=ab', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/search?x=1&q=abc', 'vs/shop/reviews/http/search-prefix/match/0'],
  ['GET http://reviews:9080/ADMIN', 'vs/shop/reviews/http/case-insensitive/match/0'],
  ['POST http://reviews:9080/submit/form', 'vs/shop/reviews/http/post-only/match/0'],
  ['GET http://reviews:9080/submit/form', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/stable/x -H x-canary:no', 'vs/shop/reviews/http/not-canary/match/0'],
  // withoutHeaders (treat_missing_header_as_empty, as Istio): a request without the header matches.
  ['GET http://reviews:9080/stable/x', 'vs/shop/reviews/http/not-canary/match/0'],
  ['GET http://reviews:9080/stable/x -H x-canary:yes', 'vs/shop/reviews/http/default/match/0'],
  // withoutHeaders {regex: "*"}: Istio's "any value" (present_match, inverted): the header is absent.
  ['GET http://reviews:9080/untraced/x', 'vs/shop/reviews/http/untraced/match/0'],
  ['GET http://reviews:9080/untraced/x -H x-trace:', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/untraced/x -H x-trace:1', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/x -H x-version:v1', 'vs/shop/reviews/http/only-stable-paths/match/0'],
  ['GET http://reviews:9080/x -H x-version:v12', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews.shop.svc.cluster.local:9080/', 'vs/shop/reviews/http/default/match/0'],
  // As Istio's sidecars: the Host's port plays no part (ignore_port_in_host_matching), and the
  // absolute FQDN (trailing dot) is a domain too.
  ['GET http://reviews:9080/ -H host:reviews.shop.svc.cluster.local.', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/ -H host:reviews.shop.svc.cluster.local.:9080', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/ -H host:reviews:1234', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/ -H host:reviews.shop.svc:80', 'vs/shop/reviews/http/default/match/0'],
  // Whatever follows the Host's last colon is the port, even empty or not a number.
  ['GET http://reviews:9080/ -H host:reviews:', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://reviews:9080/ -H host:reviews:abc', 'vs/shop/reviews/http/default/match/0'],
  ['GET http://ratings:9080/ratings/1 -H x-fault:abort', 'vs/shop/ratings/http/chaos/match/0'],
  ['GET http://ratings:9080/ratings/1', 'vs/shop/ratings/http/ratings-api/match/0'],
  ['GET http://ratings:9080/other', 'NR'],
  ['GET http://ratings:9080/legacy/7?x=1', 'vs/shop/ratings/http/legacy-prefix/match/0'],
  ['GET http://ratings:9080/exact-old?x=1', 'vs/shop/ratings/http/exact-rewrite/match/0'],
  ['GET http://ratings:9080/users/42/profile?full=1', 'vs/shop/ratings/http/regex-rewrite/match/0'],
  ['GET http://ratings:9080/v4/x', 'vs/shop/ratings/http/empty-subset/match/0'],
  ['GET http://details:9080/', 'vs/shop/details/http/default/match/0'],
  ['GET http://details:9080/secure/page?q=1', 'vs/shop/details/http/secure/match/0'],
  ['GET http://details:9080/elsewhere/x?q=1', 'vs/shop/details/http/elsewhere/match/0'],
  ['GET http://details.shop:9080/elsewhere', 'vs/shop/details/http/elsewhere/match/0'],
  // A service's addresses are domains of its virtual host, as on Istio's sidecars: IPv6 in brackets.
  ['GET http://10.96.0.31:9080/', 'vs/shop/details/http/default/match/0'],
  ['GET http://details:9080/elsewhere -H host:10.96.0.31', 'vs/shop/details/http/elsewhere/match/0'],
  ['GET http://[fd00::31]:9080/secure/page?q=1', 'vs/shop/details/http/secure/match/0'],
  ['GET http://10.96.0.32:9080/', 'NR'],
  // Scheme https with port 443, as Istio writes it: no port_redirect, so Envoy keeps the
  // request's Host as it is (test/envoy/live-istio-routes.test.ts: no ":443" in Location).
  ['GET http://details:9080/tls/x?q=1', 'vs/shop/details/http/to-https/match/0'],
  ['GET http://nowhere:9080/', 'NR'],
  // Header values a route sets are format strings: "50%%" goes out as "50%".
  ['GET http://echo:9080/percent', 'vs/shop/echo/http/percent/match/0'],
];

/** Through the ingress gateway's view: Host-based virtual hosts, including a wildcard. */
const GATEWAY_SAMPLES: readonly [request: string, route: string | 'NR'][] = [
  ['GET http://shop.example.com:8080/reviews/1', 'vs/shop/storefront/http/0/match/0'],
  ['GET http://shop.example.com:8080/ratings', 'vs/shop/storefront/http/1/match/0'],
  ['GET http://shop.example.com:8080/', 'NR'],
  ['GET http://x.beta.example.com:8080/anything', 'vs/shop/beta/http/0/match/0'],
  ['GET http://a.b.beta.example.com:8080/', 'vs/shop/beta/http/0/match/0'],
  // The wildcard stands for at least one character; the Host's port plays no part (as Istio's
  // gateways: a client behind a load balancer on another port names that port).
  ['GET http://beta.example.com:8080/', 'NR'],
  ['GET http://x.beta.example.com:8080/ -H host:x.beta.example.com:9999', 'vs/shop/beta/http/0/match/0'],
  ['GET http://shop.example.com:8080/ratings -H host:shop.example.com:443', 'vs/shop/storefront/http/1/match/0'],
  ['GET http://other.example.com:8080/', 'NR'],
  // Whatever follows the Host's last colon is the port, even empty or not a number.
  ['GET http://shop.example.com:8080/ratings -H host:shop.example.com:', 'vs/shop/storefront/http/1/match/0'],
  ['GET http://shop.example.com:8080/ratings -H host:shop.example.com:abc', 'vs/shop/storefront/http/1/match/0'],
];

const ECHO = (rule: string) => `vs/shop/echo/http/${rule}/match/0`;
const EDGE = (rule: string) => `vs/shop/edge/http/${rule}/match/0`;

/**
 * What a sidecar's connection manager does before routing (use_remote_address false): it adds
 * x-forwarded-proto and keeps a client's, takes :scheme from it, generates a missing request
 * id, drops x-envoy control headers; the Location of a redirect follows (echo.yaml).
 */
const SIDECAR_BEFORE_ROUTING: readonly [request: string, route: string | 'NR'][] = [
  ['GET http://echo:9080/xfp', ECHO('xfp-http')],
  ['GET http://echo:9080/xfp -H x-forwarded-proto:https', ECHO('default')],
  ['GET http://echo:9080/scheme -H x-forwarded-proto:https', ECHO('scheme-https')],
  ['GET http://echo:9080/scheme -H x-forwarded-proto:HTTPS', ECHO('scheme-https')],
  ['GET http://echo:9080/scheme -H x-forwarded-proto:wss', ECHO('default')],
  ['GET http://echo:9080/scheme -H x-forwarded-proto:https -H x-forwarded-proto:https', ECHO('default')],
  ['GET http://echo:9080/scheme', ECHO('default')],
  ['GET http://echo:9080/redir/x -H x-forwarded-proto:https', ECHO('redirect')],
  ['GET http://echo:9080/redir -H host:echo:443 -H x-forwarded-proto:https', ECHO('redirect')],
  ['GET http://echo:9080/redir -H host:echo:443 -H x-forwarded-proto:HTTPS', ECHO('redirect')],
  ['GET http://echo:9080/plain -H host:echo:443 -H x-forwarded-proto:https', ECHO('to-http')],
  ['GET http://echo:9080/plain -H host:echo:443', ECHO('to-http')],
  ['GET http://echo:9080/secure -H host:echo:80', ECHO('to-https')],
  ['GET http://echo:9080/secure -H host:echo:80 -H x-forwarded-proto:https', ECHO('to-https')],
  ['GET http://echo:9080/secure -H host:echo:80 -H x-forwarded-proto:foo', ECHO('to-https')],
  ['GET http://echo:9080/reqid', ECHO('default')],
  ['GET http://echo:9080/reqid -H x-request-id:', ECHO('default')],
  ['GET http://echo:9080/reqid -H x-request-id:abc', ECHO('request-id-abc')],
  ['GET http://echo:9080/retry -H x-envoy-retry-on:5xx', ECHO('default')],
  ['GET http://echo:9080/orig -H x-envoy-original-path:/a', ECHO('original-path')],
  ['GET http://echo:9080/x -H x-forwarded-proto:', 'NR'],
];

/** Envoy's path normalization (normalize_path): the upstream's path says what Envoy routed on. */
const NORMALIZATION: readonly [request: string, route: string | 'NR'][] = [
  ['GET http://echo:9080/caf%C3%A9', ECHO('cafe')],
  ['GET http://echo:9080/caf%c3%a9', ECHO('default')],
  ['GET http://echo:9080/café', ECHO('cafe')],
  ['GET http://echo:9080/%63af%C3%A9', ECHO('cafe')],
  ['GET http://echo:9080/a|b/x', ECHO('default')],
  ['GET http://echo:9080/a%7Cb/x', ECHO('default')],
  ["GET 'http://echo:9080/p\"q<r>s^t`u{v}w'", ECHO('default')],
  ['GET http://echo:9080/p%5bq%2fr%2Fs%5Ct%25u%7e%41', ECHO('default')],
  ['GET http://echo:9080/x/..%2f/%2e%2E/y/./z/.', ECHO('default')],
  ['GET http://echo:9080/a\\b/../c', ECHO('default')],
  ['GET http://echo:9080/a//b/.../c', ECHO('default')],
  ['GET http://echo:9080/q?x=%7e|{}/../%2e', ECHO('default')],
  ['GET http://echo:9080/a%/%g1', ECHO('default')],
  ['GET http://echo:9080/p%00xq', 'NR'],
];

/**
 * What a gateway's connection manager does before routing (use_remote_address true): it sets
 * x-forwarded-proto from its own connection, plain on 8080 and TLS on 8443, appends the client's
 * address to x-forwarded-for, replaces the request id and drops more x-envoy headers.
 */
const GATEWAY_BEFORE_ROUTING: readonly [request: string, route: string | 'NR'][] = [
  ['GET http://edge.example.com:8080/secure', EDGE('to-https')],
  ['GET http://edge.example.com:8080/secure -H x-forwarded-proto:https', EDGE('to-https')],
  ['GET http://edge.example.com:8080/lb -H x-forwarded-proto:https', EDGE('default')],
  ['GET http://edge.example.com:8080/xff', EDGE('xff')],
  ['GET http://edge.example.com:8080/reqid', EDGE('default')],
  ['GET http://edge.example.com:8080/reqid -H x-request-id:abc', EDGE('default')],
  ['GET http://edge.example.com:8080/orig -H x-envoy-original-path:/a', EDGE('default')],
  ['GET http://edge.example.com:8080/redir -H host:edge.example.com:443 -H x-forwarded-proto:https', EDGE('redirect')],
  ['GET http://edge.example.com:8080/a|b/../c', EDGE('default')],
  ['GET https://edge.example.com:8443/lb', EDGE('lb-says-https')],
  ['GET https://edge.example.com:8443/lb -H x-forwarded-proto:http', EDGE('lb-says-https')],
  ['GET https://edge.example.com:8443/secure', EDGE('default')],
  ['GET https://edge.example.com:8443/redir', EDGE('redirect')],
  ['GET https://edge.example.com:8443/redir -H host:edge.example.com:443', EDGE('redirect')],
];

interface Observed {
  readonly status: number;
  readonly upstream?: string;
  /** Path and Host the upstream received (after rewrites). */
  readonly upstreamPath?: string;
  readonly upstreamHost?: string;
  readonly location?: string;
  readonly body?: string;
  /** The values of headers the route sets, as the upstream got them and as the client got them. */
  readonly sentHeaders?: Record<string, string>;
  readonly responseHeaders?: Record<string, string>;
}

/** What a client would see if explain is right. */
function predicted(e: Explanation): Observed {
  const o = e.outcome;
  const responseHeaders = setValues(e.headers?.response);
  const answer = Object.keys(responseHeaders).length > 0 ? { responseHeaders } : {};
  switch (o.kind) {
    case 'forward': {
      if (e.fault?.abort && e.fault.abort.percent >= 100 && e.fault.abort.httpStatus !== undefined) return { status: e.fault.abort.httpStatus };
      const chosen = o.destinations.filter((d) => d.percent === 100);
      if (chosen.length !== 1) throw new Error(`sample is not deterministic: ${JSON.stringify(o.destinations)}`);
      if (chosen[0]!.endpoints === 0) return { status: 503 };
      const sentHeaders = setValues(e.headers?.request);
      return {
        status: 200,
        upstream: chosen[0]!.cluster,
        upstreamPath: o.upstream.path,
        upstreamHost: o.upstream.authority,
        ...(Object.keys(sentHeaders).length > 0 ? { sentHeaders } : {}),
        ...answer,
      };
    }
    case 'redirect':
      return { status: o.status, location: o.location, ...answer };
    case 'direct_response':
      return { status: o.status, ...(o.body !== undefined ? { body: o.body } : {}), ...answer };
    case 'not_found':
      return { status: 404 };
    case 'bad_request':
      return { status: 400 };
    default:
      throw new Error(`unexpected outcome ${o.kind}`);
  }
}

/**
 * The values explain shows for the headers a route sets, read from its text (`set x-a: 50%`):
 * what users read must be what Envoy sends. Values Envoy fills in per request are left out.
 */
function setValues(ops: IrHeaderOpSet | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!ops) return out;
  for (const op of describeOpSet({ ...ops, add: [], remove: [] }).split('; ')) {
    const m = /^set ([^:]+): (.*)$/.exec(op);
    if (m && !m[2]!.includes('Envoy substitutes')) out[m[1]!] = m[2]!;
  }
  return out;
}

/**
 * The path and query a client sends for the sample's URL, worked out here rather than by
 * explain's parser: as written, without the fragment, characters outside ASCII percent-encoded
 * (UTF-8), as browsers send them.
 */
function requestTarget(text: string): string {
  const url = (text.split(/\s+/)[1] ?? '').replace(/^'(.*)'$/, '$1');
  const target = url.replace(/^https?:\/\/[^/?#\\]*/, '').replace(/#.*$/, '');
  const absolute = target.startsWith('/') ? target : `/${target}`;
  return absolute.replace(/[^\u0000-\u007f]/gu, (ch) => encodeURIComponent(ch));
}

/** One request over TLS (any certificate) for https, its path exactly as given. */
function send(port: number, req: ExplainRequest, target: string): Promise<HttpResult> {
  // Repeated headers go out as separate header lines, as curl -H sends them.
  const headers: Record<string, string | string[]> = { host: req.authority };
  for (const h of req.headers) {
    const prev = headers[h.name];
    headers[h.name] = prev === undefined ? h.value : [...(Array.isArray(prev) ? prev : [prev]), h.value];
  }
  const options = { host: '127.0.0.1', port, path: target, method: req.method, headers, setHost: false, agent: false } as const;
  return new Promise((resolve, reject) => {
    const onResponse = (res: http.IncomingMessage) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    };
    const r = req.scheme === 'https' ? https.request({ ...options, servername: req.host, rejectUnauthorized: false }, onResponse) : http.request(options, onResponse);
    r.setTimeout(10_000, () => r.destroy(new Error(`timeout: ${target}`)));
    r.on('error', reject);
    r.end();
  });
}

describe('explain agrees with a real Envoy', () => {
  let ir: MeshIR;
  let upstreams: Upstreams | undefined;
  let certDir: string | undefined;
  const envoys = new Map<string, { envoy: EnvoyProcess; ports: Map<string, number> }>();

  beforeAll(async () => {
    const read = await readFolder(FIXTURE);
    if (!read.ok) throw new Error(read.error.message);
    const compiled = compile(read.bundle);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!compiled.ir || !compiled.snapshot) throw new Error('fixture did not compile');
    ir = compiled.ir;
    upstreams = await startUpstreams(ir.clusters.map((c) => c.name));
    // The gateway's HTTPS server gets a certificate made here (the client accepts any).
    certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-explain-'));
    const cert = issueCertificate({ commonName: 'edge.example.com', dnsNames: ['edge.example.com'] });
    const tlsFiles = { certificateChain: path.join(certDir, 'edge.crt'), privateKey: path.join(certDir, 'edge.key') };
    fs.writeFileSync(tlsFiles.certificateChain, cert.certificate);
    fs.writeFileSync(tlsFiles.privateKey, cert.privateKey);

    for (const [view, listeners] of Object.entries(ENVOYS)) {
      const listenerPorts = Object.fromEntries(listeners.map((l) => [l, 0]));
      const bootstrap = staticBootstrap(compiled.snapshot, view, { adminPort: 0, listenerAddress: '127.0.0.1', listenerPorts, tlsFiles: () => tlsFiles });
      for (const c of (bootstrap.static_resources as { clusters: Record<string, unknown>[] }).clusters) {
        // One upstream per cluster, named after it: the reply tells which cluster Envoy picked.
        // Clusters compiled without endpoints stay empty (Envoy must answer 503 for them).
        const compiledEndpoints = (c.load_assignment as { endpoints?: unknown[] } | undefined)?.endpoints ?? [];
        if (compiledEndpoints.length === 0) continue;
        c.load_assignment = {
          cluster_name: c.name,
          endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: '127.0.0.1', port_value: upstreams.port(String(c.name)) } } } }] }],
        };
      }
      const envoy = await startEnvoy(writeConfigFile(bootstrap));
      const ports = new Map<string, number>();
      for (const l of listeners) ports.set(l, await envoy.listenerPort(l));
      envoys.set(view, { envoy, ports });
    }
  }, 60_000);

  afterAll(async () => {
    for (const { envoy } of envoys.values()) await envoy.stop();
    await upstreams?.close();
    if (certDir) fs.rmSync(certDir, { recursive: true, force: true });
  });

  async function check(view: string, text: string, expectedRoute: string): Promise<void> {
    const parsed = parseRequest(text);
    if (!parsed.ok) throw new Error(parsed.error);
    const req = parsed.request;
    const e = explain(ir, req, { view });
    expect(e.view).toBe(view);
    expect(e.route?.name ?? 'NR').toBe(expectedRoute);
    const want = predicted(e);

    const target = envoys.get(view);
    const port = target?.ports.get(`0.0.0.0_${req.port}`);
    if (!target || port === undefined) throw new Error(`no envoy listener for ${view} port ${req.port}`);
    const res = await send(port, req, requestTarget(text));
    const reply = want.upstream !== undefined && res.status === 200 ? (JSON.parse(res.body) as UpstreamReply) : undefined;
    const pick = (from: Record<string, unknown>, names: Record<string, string> | undefined) =>
      names ? Object.fromEntries(Object.keys(names).map((n) => [n, String(from[n])])) : undefined;
    const sentHeaders = reply ? pick(reply.headers, want.sentHeaders) : undefined;
    const responseHeaders = pick(res.headers, want.responseHeaders);
    const got: Observed = {
      status: res.status,
      ...(reply ? { upstream: reply.upstream, upstreamPath: reply.path, upstreamHost: String(reply.headers.host) } : {}),
      ...(want.location !== undefined ? { location: String(res.headers.location) } : {}),
      ...(want.body !== undefined ? { body: res.body } : {}),
      ...(sentHeaders ? { sentHeaders } : {}),
      ...(responseHeaders ? { responseHeaders } : {}),
    };
    expect(got, target.envoy.log()).toEqual(want);
  }

  it.each(SAMPLES)('sidecar: %s', (text, route) => check(SIDECAR, text, route));
  it.each(SIDECAR_BEFORE_ROUTING)('sidecar, before routing: %s', (text, route) => check(SIDECAR, text, route));
  it.each(NORMALIZATION)('sidecar, path normalization: %s', (text, route) => check(SIDECAR, text, route));

  it('sidecar: https:// to a plain HTTP port is a failed TLS handshake, as explain says', async () => {
    const parsed = parseRequest('GET https://reviews:9080/');
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(ir, parsed.request, { view: SIDECAR });
    expect(e.outcome).toMatchObject({ kind: 'connection_closed', detail: expect.stringContaining('the TLS handshake of an https request fails') });
    const target = envoys.get(SIDECAR)!;
    const handshake = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: target.ports.get('0.0.0.0_9080'), servername: 'reviews', rejectUnauthorized: false });
      socket.setTimeout(5_000, () => socket.destroy(new Error('timeout')));
      socket.once('secureConnect', () => {
        socket.destroy();
        resolve('handshake completed');
      });
      socket.once('error', (err) => resolve(`failed: ${err.message}`));
    });
    expect(handshake, target.envoy.log()).toMatch(/^failed: (?!timeout)/);
  });
  it.each(GATEWAY_SAMPLES)('gateway: %s', (text, route) => check(GATEWAY, text, route));
  it.each(GATEWAY_BEFORE_ROUTING)('gateway, before routing: %s', (text, route) => check(GATEWAY, text, route));
});

/**
 * Envoy's header sanitizing list ("HTTP header sanitizing"), and a few x-envoy headers it keeps:
 * sent by a client, which of them does a route still see, on a sidecar and on a gateway? One
 * rule per header answers with the header's name when it is present (no upstream needed).
 */
const SANITIZED = [
  'x-envoy-decorator-operation', 'x-envoy-downstream-service-cluster', 'x-envoy-downstream-service-node',
  'x-envoy-expected-rq-timeout-ms', 'x-envoy-external-address', 'x-envoy-force-trace', 'x-envoy-internal', 'x-envoy-ip-tags',
  'x-envoy-max-retries', 'x-envoy-retry-grpc-on', 'x-envoy-retry-on', 'x-envoy-upstream-alt-stat-name',
  'x-envoy-upstream-rq-per-try-timeout-ms', 'x-envoy-upstream-rq-timeout-alt-response', 'x-envoy-upstream-rq-timeout-ms',
  'x-envoy-upstream-stream-duration-ms', 'x-forwarded-client-cert', 'x-envoy-original-path', 'x-envoy-hedge-on-per-try-timeout',
  'x-envoy-retriable-status-codes', 'x-envoy-retriable-header-names', 'x-envoy-attempt-count', 'x-envoy-is-timeout-retry', 'x-envoy-foo',
];

describe('explain agrees with a real Envoy on the headers it drops before routing', () => {
  const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: hdr, namespace: default}
spec: {hosts: [hdr.test], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 8080, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: hdr, namespace: default}
spec:
  hosts: [hdr.test]
  gateways: [mesh, gw]
  http:
${SANITIZED.map((h) => `  - match: [{headers: {${h}: {}}}]\n    directResponse: {status: 200, body: {string: ${h}}}`).join('\n')}
  - directResponse: {status: 200, body: {string: none}}
`;
  /** Each view, and the port its listener has in the config. */
  const VIEWS = { sidecar: 80, 'gateway~default~gw': 8080 } as const;
  const running = new Map<string, { envoy: EnvoyProcess; port: number; ir: MeshIR }>();

  beforeAll(async () => {
    for (const [view, port] of Object.entries(VIEWS)) {
      const { envoy, result } = await runView(yaml, view, [`0.0.0.0_${port}`]);
      running.set(view, { envoy, port: await envoy.listenerPort(`0.0.0.0_${port}`), ir: result.ir! });
    }
  }, 60_000);

  afterAll(async () => {
    for (const { envoy } of running.values()) await envoy.stop();
  });

  const cases = Object.keys(VIEWS).flatMap((view) => SANITIZED.map((header) => [view, header] as const));
  it.each(cases)('%s: a client sends %s', async (view, header) => {
    const { envoy, port, ir: viewIr } = running.get(view)!;
    const parsed = parseRequest(`GET http://hdr.test:${VIEWS[view as keyof typeof VIEWS]}/ -H ${header}:1`);
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(viewIr, parsed.request, { view });
    const said = e.outcome.kind === 'direct_response' ? e.outcome.body : e.outcome.kind;
    const res = await send(port, parsed.request, '/');
    expect(res.body, envoy.log()).toBe(said);
  });
});
