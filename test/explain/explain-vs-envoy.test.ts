// The test that matters most for explain: for a set of sample requests, explain's
// prediction equals what a REAL Envoy does with the same compiled config. The fixture
// (test/fixtures/explain/) goes through the whole compiler; the view's static bootstrap
// runs in Envoy with every cluster pointed at its own local upstream, named after the
// cluster, so the upstream that answers says which cluster Envoy chose.
import path from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import type { IrHeaderOpSet, MeshIR } from '../../src/compile/ir/types.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { describeOpSet } from '../../src/explain/header-changes.ts';
import { explain, parseRequest, type Explanation } from '../../src/explain/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';
import { startEnvoy, writeConfigFile, type EnvoyProcess } from '../support/envoy-process.ts';
import { request, startUpstreams, type UpstreamReply, type Upstreams } from '../support/upstreams.ts';

const FIXTURE = path.join(import.meta.dirname, '../fixtures/explain');
const SIDECAR = 'sidecar~shop';
const GATEWAY = 'gateway~shop~shop-gateway';
/** The view each Envoy runs, and the listener the test sends its requests to. */
const ENVOYS = { [SIDECAR]: '0.0.0.0_9080', [GATEWAY]: '0.0.0.0_8080' } as const;

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

describe('explain agrees with a real Envoy', () => {
  let ir: MeshIR;
  let upstreams: Upstreams | undefined;
  const envoys = new Map<string, { envoy: EnvoyProcess; port: number }>();

  beforeAll(async () => {
    const read = await readFolder(FIXTURE);
    if (!read.ok) throw new Error(read.error.message);
    const compiled = compile(read.bundle);
    expect(compiled.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    if (!compiled.ir || !compiled.snapshot) throw new Error('fixture did not compile');
    ir = compiled.ir;
    upstreams = await startUpstreams(ir.clusters.map((c) => c.name));

    for (const [view, listener] of Object.entries(ENVOYS)) {
      const bootstrap = staticBootstrap(compiled.snapshot, view, { adminPort: 0, listenerAddress: '127.0.0.1', listenerPorts: { [listener]: 0 } });
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
      envoys.set(view, { envoy, port: await envoy.listenerPort(listener) });
    }
  }, 60_000);

  afterAll(async () => {
    for (const { envoy } of envoys.values()) await envoy.stop();
    await upstreams?.close();
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
    if (!target) throw new Error(`no envoy for ${view}`);
    // Repeated headers go out as separate header lines, as curl -H sends them.
    const headers: Record<string, string | string[]> = { host: req.authority };
    for (const h of req.headers) {
      const prev = headers[h.name];
      headers[h.name] = prev === undefined ? h.value : [...(Array.isArray(prev) ? prev : [prev]), h.value];
    }
    const res = await request(`http://127.0.0.1:${target.port}${req.path}`, { method: req.method, headers: headers as Record<string, string> });
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

  it('sidecar: https:// to a plain HTTP port is a failed TLS handshake, as explain says', async () => {
    const parsed = parseRequest('GET https://reviews:9080/');
    if (!parsed.ok) throw new Error(parsed.error);
    const e = explain(ir, parsed.request, { view: SIDECAR });
    expect(e.outcome).toMatchObject({ kind: 'connection_closed', detail: expect.stringContaining('the TLS handshake of an https request fails') });
    const target = envoys.get(SIDECAR)!;
    const handshake = await new Promise<string>((resolve) => {
      const socket = tls.connect({ host: '127.0.0.1', port: target.port, servername: 'reviews', rejectUnauthorized: false });
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
});
