import { describe, expect, it } from 'vitest';
import type { IrRoute } from '../../src/compile/ir/types.ts';
import { buildIr } from '../../src/compile/istio/index.ts';
import { explain, parseRequest, renderExplanationText } from '../../src/explain/index.ts';
import { findVirtualHost } from '../../src/explain/domain-match.ts';
import { cluster, cname, endpoints, forward, match, mesh, route, table, view, vhost } from '../diff/ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V2 = cname('reviews', 'v2');

function req(text: string) {
  const r = parseRequest(text);
  if (!r.ok) throw new Error(r.error);
  return r.request;
}

function run(routes: IrRoute[], request: string) {
  const ir = mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])])]);
  return explain(ir, req(request));
}

/** Name of the matched route, or 'NR' when Envoy would answer 404. */
function matched(routes: IrRoute[], request: string): string {
  return run(routes, request).route?.name ?? 'NR';
}

const header = (name: string, value?: { kind: 'exact' | 'prefix' | 'regex'; value: string }, invert = false) => ({ name, invert, ...(value ? { value } : {}) });

describe('virtual host selection (Envoy domain rules)', () => {
  const hosts = [
    vhost('a', [route('exact')], 80, ['www.example.com', 'www.example.com:8080']),
    vhost('b', [route('suffix-short')], 80, ['*.com']),
    vhost('c', [route('suffix-long')], 80, ['*.example.com']),
    vhost('d', [route('prefix')], 80, ['api.*']),
    vhost('e', [route('any')], 80, ['*']),
  ];
  const pick = (host: string) => {
    const m = findVirtualHost(hosts, host);
    return m ? `${m.virtualHost.routes[0]?.name}/${m.rule}` : 'none';
  };

  it('prefers exact, then the longest suffix wildcard, then prefix, then *', () => {
    expect(pick('www.example.com')).toBe('exact/exact');
    expect(pick('WWW.Example.COM')).toBe('exact/exact');
    expect(pick('shop.example.com')).toBe('suffix-long/suffix');
    expect(pick('shop.other.com')).toBe('suffix-short/suffix');
    expect(pick('api.internal')).toBe('prefix/prefix');
    expect(pick('api.example.com')).toBe('suffix-long/suffix');
    expect(pick('elsewhere')).toBe('any/any');
  });

  it('treats the port as part of the host', () => {
    expect(pick('www.example.com:8080')).toBe('exact/exact');
    // `*.com` does not match: the string ends in `:9999`, so only `*` is left.
    expect(pick('www.example.com:9999')).toBe('any/any');
  });

  it('requires the wildcard to stand for at least one character', () => {
    expect(pick('example.com')).toBe('suffix-short/suffix');
    expect(findVirtualHost([vhost('x', [route('only')], 80, ['*.example.com'])], '.example.com')).toBeUndefined();
  });
});

describe('route matching', () => {
  it('matches exact paths on the path without query, with ignoreCase', () => {
    const r = [route('exact', { match: match({ path: { kind: 'exact', value: '/Login' } }) })];
    expect(matched(r, 'GET http://reviews:9080/Login?next=/x')).toBe('exact');
    expect(matched(r, 'GET http://reviews:9080/login')).toBe('NR');
    const ci = [route('ci', { match: match({ path: { kind: 'exact', value: '/Login' }, ignoreCase: true }) })];
    expect(matched(ci, 'GET http://reviews:9080/LOGIN')).toBe('ci');
  });

  it('matches prefixes on the path without the query string', () => {
    const r = [route('p', { match: match({ path: { kind: 'prefix', value: '/api/v1' } }) })];
    expect(matched(r, 'GET http://reviews:9080/api/v1/x')).toBe('p');
    expect(matched(r, 'GET http://reviews:9080/api/v1x')).toBe('p');
    expect(matched(r, 'GET http://reviews:9080/api?x=/api/v1')).toBe('NR');
    expect(matched(r, 'GET http://reviews:9080/API/v1')).toBe('NR');
  });

  it('requires a regex to match the whole path, with RE2 syntax', () => {
    const r = [route('re', { match: match({ path: { kind: 'regex', value: '/api/v[0-9]+' } }) })];
    expect(matched(r, 'GET http://reviews:9080/api/v12')).toBe('re');
    expect(matched(r, 'GET http://reviews:9080/api/v12/more')).toBe('NR');
    expect(matched(r, 'GET http://reviews:9080/api/v12?q=1')).toBe('re');
    // RE2 has no lookahead: an IR carrying one can never match, and the reason says why.
    const bad = run([route('look', { match: match({ path: { kind: 'regex', value: '/(?=a).*' } }) })], 'GET http://reviews:9080/a');
    expect(bad.route).toBeUndefined();
    expect(bad.tried[0]?.reasons[0]).toMatch(/invalid RE2 regex/);
  });

  it('matches headers: exact, prefix, regex, present, and inverted', () => {
    const r = [
      route('exact', { match: match({ headers: [header('end-user', { kind: 'exact', value: 'jason' })] }) }),
      route('prefix', { match: match({ headers: [header('x-team', { kind: 'prefix', value: 'pay' })] }) }),
      route('regex', { match: match({ headers: [header('x-ver', { kind: 'regex', value: 'v[12]' })] }) }),
      route('present', { match: match({ headers: [header('x-debug')] }) }),
      route('not-canary', { match: match({ headers: [header('x-canary', { kind: 'exact', value: 'yes' }, true)] }) }),
      route('rest'),
    ];
    expect(matched(r, 'GET http://reviews:9080/ -H end-user:jason')).toBe('exact');
    expect(matched(r, 'GET http://reviews:9080/ -H end-user:Jason -H x-team:payments')).toBe('prefix');
    expect(matched(r, 'GET http://reviews:9080/ -H x-ver:v2 -H x-canary:yes')).toBe('regex');
    expect(matched(r, 'GET http://reviews:9080/ -H x-ver:v22 -H x-canary:yes')).toBe('rest');
    expect(matched(r, 'GET http://reviews:9080/ -H x-debug: -H x-canary:yes')).toBe('present');
    expect(matched(r, 'GET http://reviews:9080/ -H x-canary:no')).toBe('not-canary');
    // As Istio compiles withoutHeaders (treat_missing_header_as_empty): a request without the
    // header matches NOT exact "yes" (checked against Envoy in explain-vs-envoy).
    expect(matched(r, 'GET http://reviews:9080/')).toBe('not-canary');
    expect(matched(r, 'GET http://reviews:9080/ -H x-canary:yes')).toBe('rest');
    // ... but an absent header is "", so NOT regex ".*" (or NOT exact "") still fails without it.
    const notAny = [route('not-any', { match: match({ headers: [header('x-canary', { kind: 'regex', value: '.*' }, true)] }) })];
    expect(matched(notAny, 'GET http://reviews:9080/')).toBe('NR');
    expect(run(notAny, 'GET http://reviews:9080/').tried[0]?.reasons[0]).toMatch(/x-canary is absent, which counts as ""/);
    const notPresent = [route('no-debug', { match: match({ headers: [header('x-debug', undefined, true)] }) })];
    expect(matched(notPresent, 'GET http://reviews:9080/')).toBe('no-debug');
    expect(matched(notPresent, 'GET http://reviews:9080/ -H x-debug:1')).toBe('NR');
  });

  it('matches a repeated header when any one of its values matches, as Envoy does', () => {
    const r = [route('b', { match: match({ headers: [header('k', { kind: 'exact', value: 'b' })] }) })];
    expect(matched(r, 'GET http://reviews:9080/ -H k:a -H k:b')).toBe('b');
    expect(matched(r, 'GET http://reviews:9080/ -H k:a')).toBe('NR');
    const joined = [route('joined', { match: match({ headers: [header('k', { kind: 'exact', value: 'a,b' })] }) })];
    expect(matched(joined, 'GET http://reviews:9080/ -H k:a -H k:b')).toBe('NR');
  });

  it('matches :method and :authority pseudo-headers', () => {
    const r = [
      route('post', { match: match({ headers: [header(':method', { kind: 'exact', value: 'POST' })] }) }),
      route('auth', { match: match({ headers: [header(':authority', { kind: 'prefix', value: 'reviews.default' })] }) }),
    ];
    expect(matched(r, 'POST http://reviews:9080/')).toBe('post');
    expect(matched(r, 'GET http://reviews.default:9080/')).toBe('auth');
    expect(matched(r, 'GET http://reviews:9080/')).toBe('NR');
  });

  it('matches query parameters: exact, regex, present; first value, as written', () => {
    const r = [
      route('exact', { match: match({ queryParams: [{ name: 'u', value: { kind: 'exact', value: 'a%20b' } }] }) }),
      route('regex', { match: match({ queryParams: [{ name: 'v', value: { kind: 'regex', value: '[0-9]+' } }] }) }),
      route('present', { match: match({ queryParams: [{ name: 'debug' }] }) }),
    ];
    expect(matched(r, 'GET http://reviews:9080/?u=a%20b')).toBe('exact');
    expect(matched(r, 'GET http://reviews:9080/?u=x&u=a%20b')).toBe('NR');
    expect(matched(r, 'GET http://reviews:9080/?v=42')).toBe('regex');
    expect(matched(r, 'GET http://reviews:9080/?v=4x&debug')).toBe('present');
    expect(matched(r, 'GET http://reviews:9080/?x=1')).toBe('NR');
  });
});

describe('explanation', () => {
  const jason = route('vs/default/reviews/http/0/match/0', {
    match: match({ headers: [header('end-user', { kind: 'exact', value: 'jason' })] }),
    action: forward([V2, 100]),
  });
  const split = route('vs/default/reviews/http/1/match/0', {
    action: forward([V1, 90], [V2, 10]),
    fault: { abort: { httpStatus: 503, percent: 10 } },
    source: { file: 'vs/reviews.yaml', line: 14, column: 7, kind: 'VirtualService', namespace: 'default', name: 'reviews', field: 'spec.http[1]' },
  });

  it('reports view, listener, host, the tried routes with reasons, source, weights and fault', () => {
    const e = run([jason, split], 'GET http://reviews:9080/x');
    expect(e.view).toBe('sidecar');
    expect(e.listener).toEqual({ name: '0.0.0.0_9080', port: 9080, routeTable: '9080' });
    expect(e.virtualHost).toEqual({ name: 'reviews.default.svc.cluster.local:9080', domain: 'reviews:9080', rule: 'exact' });
    expect(e.tried).toMatchObject([{ position: 1, name: jason.name, reasons: ['header end-user is absent (rule: end-user=jason)'] }]);
    expect(e.route).toMatchObject({ position: 2, name: split.name, source: { file: 'vs/reviews.yaml', line: 14 } });
    expect(e.outcome).toMatchObject({ kind: 'forward', destinations: [{ cluster: V1, subset: 'v1', percent: 90 }, { cluster: V2, subset: 'v2', percent: 10 }] });
    expect(e.fault).toEqual({ abort: { httpStatus: 503, percent: 10 } });
    const text = renderExplanationText(e);
    expect(text).toContain('Source:       vs/reviews.yaml:14:7 (VirtualService default/reviews, spec.http[1])');
    expect(text).toContain('header end-user is absent (rule: end-user=jason)');
    expect(text).toMatch(/reviews:9080 v1\s+90%/);
    expect(text).toContain('Fault:        abort with HTTP 503 for 10% of requests (replaces the result above for that share)');
  });

  it('says a delay only adds latency, and an abort replaces the result', () => {
    const both = route('r', { action: forward([V1, 100]), fault: { delay: { fixedDelayMs: 5000, percent: 50 }, abort: { grpcStatus: 14, percent: 1 } } });
    const text = renderExplanationText(run([both], 'GET http://reviews:9080/'));
    expect(text).toContain('Fault:        delay 5s for 50% of requests (only adds latency: the result above still applies)\n');
    expect(text).toContain('\n              abort with gRPC status 14 for 1% of requests (replaces the result above for that share)\n');
    expect(text).not.toMatch(/delay.*replaces/);
  });

  it('says a fault without percentage applies to 0 % of requests, as Istio compiles it', () => {
    const { ir } = buildIr([
      {
        path: 'vs.yaml',
        bytes: new TextEncoder().encode(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: default}
spec: {hosts: [web.test], ports: [{number: 80, name: http, protocol: HTTP}], resolution: DNS}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web.test]
  http: [{route: [{destination: {host: web.test}}], fault: {delay: {fixedDelay: 5s}, abort: {httpStatus: 500}}}]
`),
      },
    ]);
    const e = explain(ir!, req('GET http://web.test/'));
    expect(e.fault).toEqual({ delay: { fixedDelayMs: 5000, percent: 0 }, abort: { httpStatus: 500, percent: 0 } });
    const text = renderExplanationText(e);
    expect(text).toContain('Fault:        delay 5s for 0% of requests');
    expect(text).toContain('abort with HTTP 500 for 0% of requests');
  });

  it('answers 404 NR when no route or no host matches', () => {
    const e = run([jason], 'GET http://reviews:9080/');
    expect(e.outcome).toMatchObject({ kind: 'not_found', status: 404, responseFlag: 'NR' });
    expect(e.tried).toHaveLength(1);
    const h = run([jason], 'GET http://nowhere:9080/');
    expect(h.outcome).toMatchObject({ kind: 'not_found', status: 404 });
    expect(h.virtualHost).toBeUndefined();
  });

  it('reports a port without a listener and an unknown view', () => {
    expect(run([jason], 'GET http://reviews:7000/').outcome).toMatchObject({ kind: 'no_listener' });
    const ir = mesh([view('sidecar', [table('9080', [vhost('reviews', [split])])])]);
    expect(explain(ir, req('GET http://reviews:9080/'), { view: 'nope' }).outcome).toMatchObject({ kind: 'unknown_view', available: ['sidecar'] });
  });

  it('selects a gateway view by ns/name', () => {
    const gw = view('gateway~istio-system~bookinfo', [table('http.80', [vhost('bookinfo', [route('gw-route')], 80, ['bookinfo.example.com'])])], 'gateway');
    const ir = mesh([view('sidecar', [table('9080', [vhost('reviews', [split])])]), gw]);
    const e = explain(ir, req('GET http://bookinfo.example.com/'), { view: 'istio-system/bookinfo' });
    expect(e.view).toBe('gateway~istio-system~bookinfo');
    expect(e.route?.name).toBe('gw-route');
  });

  it('computes redirect locations as Envoy does', () => {
    const redirect = (r: Record<string, unknown>, request: string) => {
      const routes = [route('r', { action: { kind: 'redirect', code: 301, ...r } as never })];
      const e = explain(mesh([view('sidecar', [table('9080', [vhost('any', routes, 9080, ['*'])])])]), req(request));
      return e.outcome.kind === 'redirect' ? `${e.outcome.status} ${e.outcome.location}` : e.outcome.kind;
    };
    expect(redirect({ uri: '/new' }, 'GET http://reviews:9080/old?q=1')).toBe('301 http://reviews:9080/new?q=1');
    expect(redirect({ uri: '/new?x=2' }, 'GET http://reviews:9080/old?q=1')).toBe('301 http://reviews:9080/new?x=2');
    expect(redirect({ authority: 'other.example' }, 'GET http://reviews:9080/p')).toBe('301 http://other.example/p');
    expect(redirect({ port: 8443, scheme: 'https' }, 'GET http://reviews:9080/p')).toBe('301 https://reviews:8443/p');
    expect(redirect({ scheme: 'https' }, 'GET http://reviews:9080/p -H host:reviews:80')).toBe('301 https://reviews/p');
  });

  it('computes the path and Host the upstream receives after rewrites', () => {
    const rw = (m: Parameters<typeof match>[0], rewrite: Record<string, unknown>, request: string) => {
      const e = run([route('r', { match: match(m), action: { ...forward([V1, 100]), rewrite } as never })], request);
      return e.outcome.kind === 'forward' ? `${e.outcome.upstream.authority} ${e.outcome.upstream.path}` : e.outcome.kind;
    };
    expect(rw({ path: { kind: 'prefix', value: '/old' } }, { uri: '/new' }, 'GET http://reviews:9080/old/x?q=1')).toBe('reviews:9080 /new/x?q=1');
    expect(rw({ path: { kind: 'exact', value: '/a' } }, { uri: '/b', authority: 'b.internal' }, 'GET http://reviews:9080/a?q=1')).toBe('b.internal /b?q=1');
    expect(rw({}, { uri: '/v2/' }, 'GET http://reviews:9080/x')).toBe('reviews:9080 /v2/x');
    const regex = { uriRegex: { pattern: '/u/([0-9]+)', substitution: '/users/\\1/$' } };
    expect(rw({ path: { kind: 'prefix', value: '/u' } }, regex, 'GET http://reviews:9080/u/7/u/8?q')).toBe('reviews:9080 /users/7/$/users/8/$?q');
  });

  it('warns when the chosen cluster has no endpoints', () => {
    const ir = mesh([view('sidecar', [table('9080', [vhost('reviews', [route('r', { action: forward([V2, 100]) })])])])], [cluster(V2)], [endpoints(V2, [])]);
    const e = explain(ir, req('GET http://reviews:9080/'));
    expect(e.outcome).toMatchObject({ kind: 'forward', destinations: [{ cluster: V2, endpoints: 0 }] });
    expect(renderExplanationText(e)).toContain('(no endpoints: Envoy answers 503, no healthy upstream)');
  });

  it('names an external host in full and shortens only cluster-local services', () => {
    const api = 'outbound|80||api.example.com';
    const e = run([route('r', { action: forward([api, 1], [V1, 1]) })], 'GET http://reviews:9080/');
    const text = renderExplanationText(e);
    expect(text).toMatch(/^ {2}api\.example\.com:80 +50%/m);
    expect(text).toMatch(/^ {2}reviews:9080 v1 +50%/m);
  });

  it('shows the header changes of the route and of a weighted destination', () => {
    const ops = (set: [string, string][], remove: string[] = []) => ({ set: set.map(([name, value]) => ({ name, value })), add: [], remove });
    const none = ops([]);
    const action = forward([V1, 90], [V2, 10]);
    if (action.kind !== 'forward') throw new Error('forward expected');
    const withDest = { ...action, destinations: [action.destinations[0]!, { ...action.destinations[1]!, headers: { request: ops([['x-canary', 'yes']]), response: none } }] };
    const r = route('r', { action: withDest, headers: { request: ops([['x-note', 'hi']], ['x-debug']), response: ops([['x-served-by', 'mesh']]) } });
    const e = run([r], 'GET http://reviews:9080/');
    expect(e.headers).toEqual({ request: ops([['x-note', 'hi']], ['x-debug']), response: ops([['x-served-by', 'mesh']]) });
    const text = renderExplanationText(e);
    expect(text).toContain('Headers:      request: set x-note: hi; remove x-debug\n              response: set x-served-by: mesh\n');
    expect(text).toMatch(/reviews:9080 v2 +10%  outbound\S+\n +headers request: set x-canary: yes\n/);
    // No upstream request: only the response side is shown.
    const direct = route('d', { action: { kind: 'direct_response', status: 200 }, headers: { request: ops([['x-note', 'hi']]), response: ops([['x-a', '1']]) } });
    expect(run([direct], 'GET http://reviews:9080/').headers).toEqual({ response: ops([['x-a', '1']]) });
    expect(run([route('plain')], 'GET http://reviews:9080/').headers).toBeUndefined();
  });

  it('reports a direct response', () => {
    const e = run([route('d', { action: { kind: 'direct_response', status: 418, body: 'teapot' } })], 'GET http://reviews:9080/');
    expect(e.outcome).toEqual({ kind: 'direct_response', status: 418, body: 'teapot' });
  });
});

describe("a Host naming a service's address", () => {
  const { ir } = buildIr([
    {
      path: 'mesh.yaml',
      bytes: new TextEncoder().encode(`apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  clusterIP: 10.96.0.10
  clusterIPs: [10.96.0.10, "fd00::10"]
  ports: [{name: http, port: 9080}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  addresses: [10.8.0.0/16, 10.9.0.1]
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.9.0.1}]
`),
    },
  ]);
  const where = (request: string, opts: { view?: string } = {}) => {
    const e = explain(ir!, req(request), opts);
    return e.outcome.kind === 'forward' ? `${e.virtualHost?.name} → ${e.outcome.destinations.map((d) => d.cluster).join(', ')}` : e.outcome.kind;
  };

  it('is predicted to reach that service, as Envoy routes it: with or without the port, IPv6 in brackets', () => {
    const reviews = 'reviews.shop.svc.cluster.local:9080 → outbound|9080||reviews.shop.svc.cluster.local';
    expect(where('GET http://10.96.0.10:9080/')).toBe(reviews);
    expect(where('GET http://reviews:9080/ -H host:10.96.0.10')).toBe(reviews);
    expect(where('GET http://[fd00::10]:9080/')).toBe(reviews);
    expect(where('GET http://[fd00::10]:9080/', { view: 'sidecar~shop' })).toBe(reviews);
    expect(where('GET http://10.9.0.1:9080/')).toBe('api.example.com:9080 → outbound|9080||api.example.com');
  });

  it('matches no virtual host for an address no service lists, nor one inside a CIDR block', () => {
    expect(where('GET http://10.96.0.11:9080/')).toBe('not_found');
    expect(where('GET http://10.8.1.2:9080/')).toBe('not_found');
  });

  it('names the exact domain it matched', () => {
    expect(explain(ir!, req('GET http://[fd00::10]:9080/')).virtualHost).toEqual({ name: 'reviews.shop.svc.cluster.local:9080', domain: '[fd00::10]', rule: 'exact' });
  });
});

describe('a Host with an empty or non-numeric port (ignore_port_in_host_matching)', () => {
  const hosts = [vhost('reviews', [route('reviews')], 9080, ['reviews']), vhost('any', [route('any')], 9080, ['*'])];
  const pick = (host: string) => findVirtualHost(hosts, host, true)?.virtualHost.routes[0]?.name ?? 'none';

  it('is matched without what follows its last colon, as Envoy cuts it', () => {
    expect(pick('reviews:')).toBe('reviews');
    expect(pick('reviews:abc')).toBe('reviews');
    expect(pick('REVIEWS:9080')).toBe('reviews');
    // Only the last colon: the rest stays part of the host.
    expect(pick('reviews:9080:1')).toBe('any');
    expect(pick('reviews::')).toBe('any');
  });

  it('keeps an IPv6 literal whole', () => {
    const v6 = [vhost('v6', [route('v6')], 9080, ['[fd00::1]'])];
    expect(findVirtualHost(v6, '[fd00::1]', true)?.domain).toBe('[fd00::1]');
    expect(findVirtualHost(v6, '[fd00::1]:', true)?.domain).toBe('[fd00::1]');
    expect(findVirtualHost(v6, '[fd00::1]:80', true)?.domain).toBe('[fd00::1]');
  });
});

describe('header values a route sets, as Envoy sends them', () => {
  const ops = (value: string) => ({ set: [{ name: 'x-share', value }], add: [], remove: [] });
  const shown = (value: string) => {
    const r = route('r', { headers: { request: ops(value), response: { set: [], add: [], remove: [] } } });
    return renderExplanationText(run([r], 'GET http://reviews:9080/')).match(/Headers: +(.*)\n/)?.[1];
  };

  it('shows %% as the one % Envoy sends', () => {
    expect(shown('50%%')).toBe('request: set x-share: 50%');
    expect(shown('100%% of %%s')).toBe('request: set x-share: 100% of %s');
  });

  it('marks a %COMMAND% as filled in by Envoy per request', () => {
    expect(shown('%REQ(x-user)%')).toBe('request: set x-share: %REQ(x-user)% (Envoy substitutes %REQ(x-user)% per request)');
    expect(shown('%%%HOSTNAME%-%REQ(a):4%')).toBe('request: set x-share: %%HOSTNAME%-%REQ(a):4% (Envoy substitutes %HOSTNAME%, %REQ(a):4% per request)');
  });
});

describe('routing sees the request as Envoy changed it first', () => {
  // Tables that ignore the Host's port, as meshlog compiles them.
  const sidecar = (routes: IrRoute[], request: string) =>
    explain(mesh([view('sidecar', [{ ...table('9080', [vhost('reviews', routes, 9080, ['reviews'])]), ignorePortInHostMatching: true }])]), req(request));
  const gateway = (routes: IrRoute[], request: string) =>
    explain(mesh([view('gateway~shop~gw', [{ ...table('http.8080', [vhost('shop', routes, 8080, ['shop.example.com'])]), ignorePortInHostMatching: true }], 'gateway')]), req(request), { view: 'gateway~shop~gw' });
  const xfp = (value: string) => match({ headers: [header('x-forwarded-proto', { kind: 'exact', value })] });

  it("matches x-forwarded-proto and :scheme as a sidecar sets them: from the connection, or the client's header", () => {
    const routes = [
      route('xfp-http', { match: match({ path: { kind: 'prefix', value: '/xfp' }, headers: [header('x-forwarded-proto', { kind: 'exact', value: 'http' })] }) }),
      route('scheme-https', { match: match({ headers: [header(':scheme', { kind: 'exact', value: 'https' })] }) }),
      route('rest'),
    ];
    expect(sidecar(routes, 'GET http://reviews:9080/xfp').route?.name).toBe('xfp-http');
    expect(sidecar(routes, 'GET http://reviews:9080/x -H x-forwarded-proto:https').route?.name).toBe('scheme-https');
    expect(sidecar(routes, 'GET http://reviews:9080/x -H x-forwarded-proto:HTTPS').route?.name).toBe('scheme-https');
    expect(sidecar(routes, 'GET http://reviews:9080/x').route?.name).toBe('rest');
  });

  it("builds a redirect's Location from the scheme Envoy took from x-forwarded-proto", () => {
    const location = (r: Record<string, unknown>, request: string) => {
      const e = sidecar([route('r', { action: { kind: 'redirect', code: 301, ...r } as never })], request);
      return e.outcome.kind === 'redirect' ? e.outcome.location : e.outcome.kind;
    };
    expect(location({ uri: '/landing' }, 'GET http://reviews:9080/x -H x-forwarded-proto:https')).toBe('https://reviews:9080/landing');
    // The port goes when it is x-forwarded-proto's default and the new scheme differs from the
    // header as written (measured on Envoy 1.40).
    expect(location({ scheme: 'https' }, 'GET http://reviews:9080/x -H host:reviews:80 -H x-forwarded-proto:https')).toBe('https://reviews:80/x');
    expect(location({ scheme: 'http' }, 'GET http://reviews:9080/x -H host:reviews:443 -H x-forwarded-proto:https')).toBe('http://reviews/x');
    expect(location({ uri: '/l' }, 'GET http://reviews:9080/x -H host:reviews:443 -H x-forwarded-proto:HTTPS')).toBe('https://reviews/l');
    expect(location({ scheme: 'https' }, 'GET http://reviews:9080/x -H host:reviews:80 -H x-forwarded-proto:foo')).toBe('https://reviews:80/x');
  });

  it('finds no route when x-forwarded-proto is empty', () => {
    const e = sidecar([route('rest')], 'GET http://reviews:9080/ -H x-forwarded-proto:');
    expect(e.outcome).toMatchObject({ kind: 'not_found', status: 404, detail: expect.stringContaining('x-forwarded-proto is empty') });
    expect(e.virtualHost).toBeDefined();
  });

  it("on a gateway, overwrites x-forwarded-proto, appends the client's address, replaces the request id", () => {
    const routes = [
      route('lb-says-https', { match: xfp('https') }),
      route('xff', { match: match({ path: { kind: 'prefix', value: '/xff' }, headers: [header('x-forwarded-for')] }) }),
      route('no-id', { match: match({ path: { kind: 'prefix', value: '/reqid' }, headers: [header('x-request-id', undefined, true)] }) }),
      route('rest'),
    ];
    const e = gateway(routes, 'GET http://shop.example.com:8080/x -H x-forwarded-proto:https');
    expect(e.route?.name).toBe('rest');
    expect(e.tried[0]?.reasons).toEqual(['header x-forwarded-proto is "http" (rule: x-forwarded-proto=https)']);
    expect(e.beforeRouting?.[0]).toMatchObject({ name: 'x-forwarded-proto', change: 'replaced', value: 'http', was: 'https' });
    expect(gateway(routes, 'GET http://shop.example.com:8080/xff').route?.name).toBe('xff');
    expect(gateway(routes, 'GET http://shop.example.com:8080/reqid').route?.name).toBe('rest');
    const text = renderExplanationText(e);
    expect(text).toContain('Pre-routing:  x-forwarded-proto: http (was "https": a gateway (use_remote_address) sets it from its connection, plain HTTP, whatever the client sent)\n');
    expect(text).toContain('\n              x-forwarded-for: <client address> (added: a gateway (use_remote_address) appends the client\'s address)\n');
  });

  it('takes a value condition on what Envoy fills in at run time as false, and says so', () => {
    const routes = [
      route('from-lb', { match: match({ headers: [header('x-forwarded-for', { kind: 'prefix', value: '10.' })] }) }),
      route('not-abc', { match: match({ headers: [header('x-request-id', { kind: 'exact', value: 'abc' }, true)] }) }),
    ];
    const e = gateway(routes, 'GET http://shop.example.com:8080/');
    expect(e.route?.name).toBe('not-abc');
    expect(e.tried[0]?.reasons[0]).toBe("header x-forwarded-for holds the client's address at its end, known only at run time (rule: x-forwarded-for prefix 10.): taken as not matching");
    expect(e.assumptions).toHaveLength(2);
    expect(renderExplanationText(e)).toMatch(/\nAssumed: {6}from-lb: x-forwarded-for .*taken as not matching/);
  });

  it('answers 400 for a path Envoy refuses, and shows a normalized path', () => {
    const bad = sidecar([route('rest')], 'GET http://reviews:9080/p%00x');
    expect(bad.outcome).toMatchObject({ kind: 'bad_request', status: 400 });
    expect(renderExplanationText(bad)).toContain('Result:       400 Bad Request: Envoy refuses the request before routing: its path has %00');
    const routes = [route('pipe', { match: match({ path: { kind: 'prefix', value: '/a|b' } }) }), route('rest')];
    const e = sidecar(routes, 'GET http://reviews:9080/a|b/x');
    expect(e.route?.name).toBe('rest');
    expect(e.outcome).toMatchObject({ upstream: { path: '/a%7Cb/x' } });
    expect(renderExplanationText(e)).toContain('Pre-routing:  path /a%7Cb/x (was /a|b/x; normalize_path: RFC 3986 form)\n');
  });
});

describe('the hint for a host routed on another port', () => {
  const routes = [route('r', { action: forward([V1, 100]) })];
  it('names the port a named virtual host serves, and not one only a catch-all "*" host serves', () => {
    const ir = mesh([
      view('sidecar', [table('80', [vhost('web', routes, 80)]), table('9080', [vhost('reviews', routes)]), table('8080', [vhost('any', routes, 8080, ['*'])])]),
    ]);
    expect(explain(ir, req('GET http://reviews/x')).hint).toBe('host "reviews" is routed on port 9080 in this view, not on port 80: write that port in the URL (http://reviews:9080/x)');
    // Only the catch-all on 8080 would take it: no hint that it is routed there.
    expect(explain(ir, req('GET http://unknown/x')).hint).toBeUndefined();
  });
});
