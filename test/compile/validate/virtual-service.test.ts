// VirtualService rules: each case is a spec body (starting at line 6 of the document) and the
// diagnostics it must produce, as `CODE field@line`.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { loadOne, summary, virtualService } from '../parse/helpers.ts';

const check = (body: string) => summary(loadOne(virtualService(body)).diagnostics);
const rule = (lines: string) => `  hosts: [reviews]\n  http:\n${lines}`;

describe('VirtualService rules', () => {
  it('accepts a full-featured valid rule set', () => {
    const r = loadOne(virtualService(rule(`  - name: canary
    match:
    - uri: {prefix: /api}
      headers: {end-user: {exact: jason}, x-debug: {}}
      queryParams: {v: {regex: "^[0-9]+$"}}
      method: {exact: GET}
      port: 9080
    route:
    - destination: {host: reviews, subset: v1, port: {number: 9080}}
      weight: 90
    - destination: {host: reviews.prod.svc.cluster.local, subset: v2}
      weight: 10
      headers: {request: {set: {x-canary: "true"}}}
    timeout: 2.5s
    retries: {attempts: 3, perTryTimeout: 500ms, retryOn: "5xx,connect-failure,503", backoff: 50ms, retryIgnorePreviousHosts: false}
    fault: {abort: {httpStatus: 503, percentage: {value: 0.5}}, delay: {fixedDelay: 1s, percentage: {value: 10}}}
    mirror: {host: shadow}
    mirrorPercentage: {value: 5}
    corsPolicy: {allowOrigins: [{exact: "https://a.example"}], allowMethods: [GET, POST], allowHeaders: [x-a], maxAge: 24h}
    headers: {response: {remove: [x-internal]}}
    rewrite: {uriRegexRewrite: {match: "^/api/(.*)", rewrite: "/\\\\1"}}
  - match: [{uri: {exact: /old}}]
    redirect: {uri: /new, redirectCode: 308}
  - directResponse: {status: 404, body: {string: "not here"}}
`)));
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.virtualServices[0]!.spec.http).toHaveLength(3);
  });

  it('route, redirect and directResponse are exclusive, and one is required', () => {
    expect(check(rule(`  - route: [{destination: {host: a}}]
    redirect: {uri: /x}
  - match: [{uri: {prefix: /}}]
  - route: []
`))).toEqual(['ML3001 spec.http[0].redirect@9', 'ML3002 spec.http[1]@10', 'ML3002 spec.http[2]@11']);
  });

  it('names the exact field of problems deep inside a rule', () => {
    expect(check(rule(`  - route:
    - destination: {host: a}
      headers: {request: {set: {":path": /x}}, response: {remove: [ok, "bad h"]}}
    mirrors: [{destination: {host: m}, percentage: {value: 101}}]
    match: [{headers: {x-a: {exact: "a\\u0001"}}, queryParams: {q: {prefix: ""}}}]
`))).toEqual([
      'ML3012 spec.http[0].match[0].headers.x-a.exact@12',
      'ML3019 spec.http[0].match[0].queryParams.q.prefix@12',
      'ML3011 spec.http[0].route[0].headers.request.set[":path"]@10',
      'ML3011 spec.http[0].route[0].headers.response.remove[1]@10',
      'ML3005 spec.http[0].mirrors[0].percentage.value@11',
    ]);
  });

  it('weights: whole numbers ≥ 0, not all zero when several', () => {
    expect(check(rule(`  - route:
    - {destination: {host: a}, weight: -1}
    - {destination: {host: b}, weight: 2.5}
  - route:
    - {destination: {host: a}, weight: 0}
    - {destination: {host: b}}
  - route:
    - {destination: {host: a}}
`))).toEqual(['ML3003 spec.http[0].route[0].weight@9', 'ML3003 spec.http[0].route[1].weight@10', 'ML3004 spec.http[1].route@11']);
  });

  it('messages say what is wrong and the one-line form says where', () => {
    const r = loadOne(virtualService(rule(`  - route:
    - {destination: {host: a}, weight: -1}
    - {destination: {host: b}, weight: 1}
    timeout: 5 s
`)));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:9:32: error ML3003: weight -1 is not a whole number ≥ 0 [spec.http[0].route[0].weight]',
      'config.yaml:11:5: error ML3006: "5 s" is not a duration (write e.g. "1.5s", "300ms", "1h") [spec.http[0].timeout]',
    ]);
  });

  it('header values a rule sets are Envoy format strings: a lone "%" or an unknown command is refused where it is written', () => {
    // Envoy would reject the whole route table (the view is NACKed); istiod refuses at admission.
    const r = loadOne(virtualService(rule(`  - route:
    - destination: {host: a}
      headers: {request: {add: {x-who: "%REQ(x-user)% via %HOSTNAME%", x-at: "%START_TIME(%s)%"}}}
    headers:
      response:
        set: {x-discount: "50%", x-escaped: "50%%", x-bad: "%UPSTREAM_HOSTNAME%", x-cut: "%REQ(x-user):10%"}
        add: {x-rule: "%CEL(request.path)%"}
`)));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:13:15: error ML3012: the "%" at the end starts no command, so Envoy rejects the route table: write "%%" for a literal "%" (e.g. "50%%"), or a command such as %HOSTNAME% or %REQ(x-name)% [spec.http[0].headers.response.set.x-discount]',
      'config.yaml:13:53: error ML3012: %UPSTREAM_HOSTNAME% is not a command Envoy knows (it would reject the route table); see Envoy\'s access-log command operators, or write "%%" for a literal "%" [spec.http[0].headers.response.set.x-bad]',
      'config.yaml:13:83: error ML3012: Istio refuses it: only spaces and "%" may follow a command\'s ")" (Istio does not read a ":length" there), found ":" [spec.http[0].headers.response.set.x-cut]',
      'config.yaml:14:15: warning ML3051: meshlog does not check the arguments of %CEL(...)%; if Envoy cannot parse them it rejects the whole route table (check with meshlog validate --envoy) [spec.http[0].headers.response.add.x-rule]',
    ]);
  });

  it('percentages are 0–100', () => {
    expect(check(rule(`  - route: [{destination: {host: a}}]
    fault: {abort: {httpStatus: 500, percentage: {value: 101}}}
    mirror: {host: b}
    mirrorPercentage: {value: -1}
`))).toEqual(['ML3005 spec.http[0].fault.abort.percentage.value@9', 'ML3005 spec.http[0].mirrorPercentage.value@11']);
  });

  it('durations must parse and timeouts be at least 1ms', () => {
    expect(check(rule(`  - route: [{destination: {host: a}}]
    timeout: 10
    retries: {attempts: -1, perTryTimeout: 0s}
`)).slice(0, 1)).toEqual(['ML2002 spec.http[0].timeout@9']);
    expect(check(rule(`  - route: [{destination: {host: a}}]
    timeout: 10 seconds
    retries: {attempts: -1, perTryTimeout: 0s, retryOn: "5xx,sometimes"}
`))).toEqual(['ML3006 spec.http[0].timeout@9', 'ML3008 spec.http[0].retries.attempts@10', 'ML3007 spec.http[0].retries.perTryTimeout@10', 'ML3037 spec.http[0].retries.retryOn@10']);
  });

  it('subset names are DNS labels; hosts have valid syntax', () => {
    expect(check(`  hosts: [reviews, "*.example.com", "bad_host", "http://x.com"]
  http:
  - route:
    - destination: {host: reviews, subset: V1_beta}
`)).toEqual([
      'ML3010 spec.hosts[2]@6',
      'ML3010 spec.hosts[3]@6',
      'ML3009 spec.http[0].route[0].destination.subset@9',
    ]);
  });

  // Istio's validateDestination refuses "*" alone and takes any other host ValidateWildcardDomain
  // does: a wildcard names the ServiceEntry service with exactly that host.
  it('destination hosts may be wildcards, even partial ones, but not "*" alone', () => {
    expect(check(`  hosts: ["*.eu.bookinfo.com"]
  http:
  - route:
    - destination: {host: "*.eu.bookinfo.com"}
    mirror: {host: "*-api.example.com"}
  - route:
    - destination: {host: "*"}
  - route:
    - destination: {host: "*bad_label.example.com"}
  - route:
    - destination: {host: "a.*.example.com"}
`)).toEqual([
      'ML3010 spec.http[1].route[0].destination.host@12',
      'ML3010 spec.http[2].route[0].destination.host@14',
      'ML3010 spec.http[3].route[0].destination.host@16',
    ]);
  });

  it('"*" as a host is only allowed for gateway-bound VirtualServices', () => {
    expect(check(`  hosts: ["*"]\n  http: [{route: [{destination: {host: a}}]}]\n`)).toEqual(['ML3010 spec.hosts[0]@6']);
    expect(check(`  hosts: ["*"]\n  gateways: [edge/public]\n  http: [{route: [{destination: {host: a}}]}]\n`)).toEqual([]);
    expect(check(`  hosts: [a]\n  gateways: [Bad/Ref/x]\n  http: [{route: [{destination: {host: a}}]}]\n`)).toEqual(['ML3035 spec.gateways[0]@7']);
  });

  it('header names and values are legal; Istio\'s pseudo-headers may be matched, not rewritten; Host only set (as Istio: the authority rewrite)', () => {
    expect(check(rule(`  - match:
    - headers: {"bad header": {exact: x}, x-ok: {exact: "a\\nb"}, ":authority": {prefix: api}, ":status": {exact: "200"}, ":protocol": {exact: x}}
    route: [{destination: {host: a}}]
    headers:
      request: {set: {host: x, ":path": /y}, remove: ["x(y)", host]}
`))).toEqual([
      'ML3011 spec.http[0].match[0].headers["bad header"]@9',
      'ML3012 spec.http[0].match[0].headers.x-ok.exact@9',
      'ML3011 spec.http[0].match[0].headers[":protocol"]@9',
      'ML3011 spec.http[0].headers.request.set[":path"]@12',
      'ML3011 spec.http[0].headers.request.remove[0]@12',
      'ML3011 spec.http[0].headers.request.remove[1]@12',
    ]);
  });

  it('regexes are checked as RE2 and length-bounded', () => {
    expect(check(rule(`  - match:
    - uri: {regex: "/(?=lookahead)"}
    - headers: {x: {regex: "(a)\\\\1"}}
    - authority: {regex: "${'a'.repeat(1025)}"}
    route: [{destination: {host: a}}]
`))).toEqual(['ML3013 spec.http[0].match[0].uri.regex@9', 'ML3013 spec.http[0].match[1].headers.x.regex@10', 'ML3014 spec.http[0].match[2].authority.regex@11']);
  });

  it('withoutHeaders {regex: "*"} is Istio\'s "any value" (the header is absent), no RE2; elsewhere "*" is a bad regex', () => {
    expect(check(rule(`  - match:
    - withoutHeaders: {x-trace: {regex: "*"}}
    - headers: {x-trace: {regex: "*"}}
    - withoutHeaders: {x-trace: {regex: "**"}}
    route: [{destination: {host: a}}]
`))).toEqual(['ML3013 spec.http[0].match[1].headers.x-trace.regex@10', 'ML3013 spec.http[0].match[2].withoutHeaders.x-trace.regex@11']);
  });

  it('StringMatch sets at most one of exact/prefix/regex ({} is no condition, as Istio); query params take a prefix, as istiod compiles it, but not an empty one', () => {
    expect(check(rule(`  - match:
    - uri: {exact: /a, prefix: /b}
      method: {}
      queryParams: {q: {prefix: x}, r: {prefix: ""}}
    route: [{destination: {host: a}}]
`))).toEqual(['ML3019 spec.http[0].match[0].uri@9', 'ML3019 spec.http[0].match[0].queryParams.r.prefix@11']);
  });

  it('an empty prefix is refused where Envoy refuses it (headers, authority, CORS origins), not on the uri', () => {
    expect(check(rule(`  - match:
    - uri: {prefix: ""}
    - headers: {x-group: {prefix: ""}}
      authority: {prefix: ""}
    - withoutHeaders: {x-test: {prefix: ""}}
    route: [{destination: {host: a}}]
    corsPolicy: {allowOrigins: [{prefix: ""}]}
`))).toEqual([
      'ML3019 spec.http[0].match[1].authority.prefix@11',
      'ML3019 spec.http[0].match[1].headers.x-group.prefix@10',
      'ML3019 spec.http[0].match[2].withoutHeaders.x-test.prefix@12',
      'ML3019 spec.http[0].corsPolicy.allowOrigins[0].prefix@14',
    ]);
  });

  it('redirect codes, statuses and ports must be ones Envoy can express', () => {
    expect(check(rule(`  - redirect: {uri: /x, redirectCode: 304, port: 70000}
  - directResponse: {status: 700, body: {bytes: "not base64!"}}
  - route: [{destination: {host: a, port: {number: 0}}}]
    fault: {abort: {httpStatus: 100, percentage: {value: 100}}}
  - match: [{port: 65536}]
    route: [{destination: {host: a}}]
`))).toEqual([
      'ML3015 spec.http[0].redirect.redirectCode@8',
      'ML3017 spec.http[0].redirect.port@8',
      'ML3016 spec.http[1].directResponse.status@9',
      'ML3036 spec.http[1].directResponse.body.bytes@9',
      'ML3017 spec.http[2].route[0].destination.port.number@10',
      'ML3016 spec.http[2].fault.abort.httpStatus@11',
      'ML3017 spec.http[3].match[0].port@12',
    ]);
  });

  it('a redirect changes the URI, authority, scheme or port, to http or https only (as Istio)', () => {
    const r = loadOne(virtualService(rule(`  - match:
    - uri: {prefix: /}
    redirect:
      redirectCode: 301
  - redirect:
      uri: /v2
      scheme: ftp
  - redirect: {derivePort: FROM_REQUEST_PORT}
  - redirect: {scheme: https}
`)));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:10:5: error ML3039: a redirect must change the URI, authority, scheme or port (set uri, authority, scheme, port or derivePort); as it is, it would send clients back to the same URL [spec.http[0].redirect]',
      'config.yaml:14:7: error ML3039: redirect scheme "ftp" is not "http" or "https" (the only schemes Istio allows) [spec.http[1].redirect.scheme]',
    ]);
  });

  it('JWT claim routing (@request.auth.claims) is valid Istio meshlog does not support yet, not a bad header name', () => {
    const r = loadOne(virtualService(rule(`  - match:
    - headers:
        "@request.auth.claims.groups":
          exact: admin
    - withoutHeaders: {"@request.auth.claims[group][id]": {exact: x}}
    - headers: {"@request.auth.claims": {exact: x}}
    route: [{destination: {host: reviews, subset: v2}}]
`)));
    const why = 'routing on JWT claims (@request.auth.claims) is not supported by meshlog yet: Envoy reads the claims from the JWT authentication filter Istio adds for a RequestAuthentication, which meshlog does not compile; remove the condition, or match a header your authentication sets';
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      `config.yaml:10:9: error ML3024: "@request.auth.claims.groups": ${why} [spec.http[0].match[0].headers["@request.auth.claims.groups"]]`,
      `config.yaml:12:24: error ML3024: "@request.auth.claims[group][id]": ${why} [spec.http[0].match[1].withoutHeaders["@request.auth.claims[group][id]"]]`,
      'config.yaml:13:17: error ML3011: "@request.auth.claims" is not a valid HTTP header name [spec.http[0].match[2].headers["@request.auth.claims"]]',
    ]);
  });

  it('retryOn entries are read as written, as Istio splits them: spaces after commas are refused, with the list to write', () => {
    const r = loadOne(virtualService(rule(`  - route:
    - destination:
        host: reviews
        subset: v1
    retries:
      attempts: 3
      retryOn: "5xx, connect-failure"
`)));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:14:7: error ML3037: " connect-failure": Istio reads each entry between commas as written, spaces included, so it is no retry condition; remove the spaces: retryOn: "5xx,connect-failure" [spec.http[0].retries.retryOn]',
    ]);
  });

  it('a retry policy next to attempts 0 (or none), which turns retries off, is refused as Istio refuses it (an empty retryOn is no policy)', () => {
    const r = loadOne(virtualService(rule(`  - route: [{destination: {host: reviews}}]
    retries:
      attempts: 0
      perTryTimeout: 2s
      retryOn: 5xx
  - route: [{destination: {host: reviews}}]
    retries: {retryRemoteLocalities: false}
  - route: [{destination: {host: reviews}}]
    retries: {attempts: 0, backoff: 50ms}
  - route: [{destination: {host: reviews}}]
    retries: {attempts: 0, retryOn: ""}
`)));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:10:7: error ML3008: attempts 0 turns retries off, so perTryTimeout and retryOn would do nothing (Istio refuses it): set attempts to the number of retries, or remove them [spec.http[0].retries.attempts]',
      'config.yaml:14:5: error ML3008: no attempts (0) turns retries off, so retryRemoteLocalities would do nothing (Istio refuses it): set attempts to the number of retries, or remove it [spec.http[1].retries]',
    ]);
  });

  it('retries.backoff is a duration of whole milliseconds', () => {
    expect(check(rule(`  - route: [{destination: {host: a}}]
    retries: {attempts: 2, backoff: soon}
  - route: [{destination: {host: a}}]
    retries: {attempts: 2, backoff: 999us}
`))).toEqual(['ML3006 spec.http[0].retries.backoff@9', 'ML3006 spec.http[1].retries.backoff@11']);
  });

  it('a fault needs a delay or an abort; a delay needs fixedDelay', () => {
    expect(check(rule(`  - route: [{destination: {host: a}}]
    fault: {}
  - route: [{destination: {host: a}}]
    fault: {delay: {percentage: {value: 5}}, abort: {grpcStatus: NOPE, percentage: {value: 5}}}
`))).toEqual(['ML3018 spec.http[0].fault@9', 'ML3018 spec.http[1].fault.delay@11', 'ML3038 spec.http[1].fault.abort.grpcStatus@11']);
  });

  it('a delay or abort without percentage applies to no request, as in Istio: a warning says so', () => {
    const r = loadOne(virtualService(rule(`  - route: [{destination: {host: a}}]
    fault: {delay: {fixedDelay: 1s}, abort: {httpStatus: 503}}
  - route: [{destination: {host: a}}]
    fault: {delay: {fixedDelay: 1s, percentage: {value: 100}}, abort: {httpStatus: 503, percentage: {value: 0}}}
`)));
    expect(summary(r.diagnostics)).toEqual(['ML3049 spec.http[0].fault.delay@9', 'ML3049 spec.http[0].fault.abort@9']);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning']);
    expect(r.diagnostics[0]!.message).toMatch(/applies to no request; set percentage: \{value: 100\} to delay every request/);
    expect(r.resources.virtualServices).toHaveLength(1);
  });

  it('deprecated fields warn but still load; unsupported features are errors', () => {
    const r = loadOne(virtualService(rule(`  - route: [{destination: {host: a}}]
    fault: {delay: {fixedDelay: 1s, percent: 10}}
    corsPolicy: {allowOrigin: ["https://a.example"]}
`)));
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['ML3028 warning', 'ML3028 warning']);
    expect(r.resources.virtualServices).toHaveLength(1);
    expect(check(`  hosts: [a]\n  http: [{delegate: {name: other}}]\n`)).toEqual(['ML3024 spec.http[0].delegate@7']);
  });

  it('requires hosts and at least one http or tcp rule', () => {
    expect(check('  gateways: [mesh]\n')).toEqual(['ML3026 spec.hosts@5', 'ML3002 spec@5']);
    expect(check('  hosts: [a]\n  tcp: [{route: [{destination: {host: a}}]}]\n')).toEqual([]);
  });

  // Istio validation.go ValidateVirtualService: no hosts "must be delegate".
  it('calls a VirtualService without hosts the delegate Istio takes it for, which meshlog does not support yet', () => {
    const delegate = loadOne(virtualService('  http: [{route: [{destination: {host: reviews, subset: v1}}]}]\n')).diagnostics;
    expect(delegate.map((d) => [d.code, d.severity, d.field, d.message])).toEqual([
      [
        'ML3026',
        'error',
        'spec.hosts',
        "a VirtualService without hosts is a delegate VirtualService (the http rules a root VirtualService includes with `delegate`), which meshlog does not support yet, nor a root VirtualService's `delegate` (ML3024): give it hosts, or write its rules into the root VirtualService",
      ],
    ]);
    // With gateways or tcp/tls rules it is not even a delegate Istio would take.
    const notDelegate = loadOne(virtualService('  hosts: []\n  gateways: [gw]\n  tcp: [{route: [{destination: {host: db}}]}]\n')).diagnostics;
    expect(notDelegate.map((d) => [d.code, d.message])).toEqual([
      ['ML3026', 'a VirtualService needs at least one host: without hosts it is a delegate VirtualService, which takes no gateways or tcp rules (Istio refuses them), and which meshlog does not support yet'],
    ]);
  });

  it('checks tcp rules: a route, destinations and weights, match ports, labels and subnets', () => {
    expect(
      check(`  hosts: [db]
  tcp:
  - match: [{port: 70000, sourceLabels: {"bad key!": x}, destinationSubnets: [10.0.0.0/8, not-a-subnet], gateways: ["a/b/c"]}]
    route:
    - destination: {host: "db*", subset: v_1}
      weight: -1
    - destination: {host: db, port: {number: 0}}
      weight: 0
  - match: [{port: 5432}]
  - route:
    - destination: {host: db}
      weight: 0
    - destination: {host: db}
`),
    ).toEqual([
      'ML3017 spec.tcp[0].match[0].port@8',
      'ML3035 spec.tcp[0].match[0].gateways[0]@8',
      'ML3027 spec.tcp[0].match[0].sourceLabels["bad key!"]@8',
      'ML3029 spec.tcp[0].match[0].destinationSubnets[1]@8',
      'ML3010 spec.tcp[0].route[0].destination.host@10',
      'ML3009 spec.tcp[0].route[0].destination.subset@10',
      'ML3003 spec.tcp[0].route[0].weight@11',
      'ML3017 spec.tcp[0].route[1].destination.port.number@12',
      'ML3002 spec.tcp[1]@14',
      'ML3004 spec.tcp[2].route@15',
    ]);
    expect(check('  hosts: [db]\n  tcp: [{route: [{destination: {host: db}, headers: {}}]}]\n')).toEqual(['ML2001 spec.tcp[0].route[0].headers@7']);
  });

  it('checks tls rules: match entries with SNI names the VirtualService claims, and a route', () => {
    expect(check('  hosts: ["*.example.com"]\n  tls: [{match: [{sniHosts: [a.example.com]}], route: [{destination: {host: egress}}]}]\n')).toEqual([]);
    expect(
      check(`  hosts: ["*.example.com", api.example.org]
  tls:
  - match: []
    route: [{destination: {host: egress}}]
  - match:
    - sniHosts: []
    - sniHosts: [a.example.com, other.example.net, "bad host"]
      port: 0
`),
    ).toEqual([
      'ML3026 spec.tls[0].match@8',
      'ML3002 spec.tls[1]@10',
      'ML3026 spec.tls[1].match[0].sniHosts@11',
      'ML3017 spec.tls[1].match[1].port@13',
      'ML3010 spec.tls[1].match[1].sniHosts[1]@12',
      'ML3010 spec.tls[1].match[1].sniHosts[2]@12',
    ]);
    // Without match entries, Istio's schema rejects the rule.
    expect(check('  hosts: [a.example.com]\n  tls: [{route: [{destination: {host: egress}}]}]\n')).toEqual(['ML2004 spec.tls[0].match@7']);
  });

  // Istio validation.go validateSniHost: an IP address only warns, and need not be a host.
  it('warns about an IP address as SNI name, which clients never send, and keeps the rule', () => {
    const r = loadOne(virtualService('  hosts: [api.example.com]\n  tls:\n  - match: [{sniHosts: ["1.1.1.1", "fd00::1", api.example.com]}]\n    route: [{destination: {host: api.example.com}}]\n'));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.field])).toEqual([
      ['ML3053', 'warning', 'spec.tls[0].match[0].sniHosts[0]'],
      ['ML3053', 'warning', 'spec.tls[0].match[0].sniHosts[1]'],
    ]);
    expect(r.diagnostics[0]!.message).toBe(
      'SNI name "1.1.1.1" is an IP address: TLS clients send host names as SNI, never addresses (RFC 6066), so this entry only takes connections from a client that sends "1.1.1.1" as its SNI name; a client connecting to the address sends no SNI, and its connection is not matched by this entry',
    );
    expect(r.resources.virtualServices).toHaveLength(1);
    // A name the VirtualService does not claim stays an error, as in Istio.
    expect(check('  hosts: [api.example.com]\n  tls: [{match: [{sniHosts: [other.example.com]}], route: [{destination: {host: egress}}]}]\n')).toEqual(['ML3010 spec.tls[0].match[0].sniHosts[0]@7']);
  });
});

describe('valid rules that route differently from what they say (warnings)', () => {
  it('a uri exact/prefix without a leading "/" never matches; a prefix ending in "*" is literal', () => {
    const r = loadOne(virtualService(rule(`  - match:
    - uri: {prefix: api/v1}
    - uri: {exact: health}
    - uri: {prefix: /static/*}
    route: [{destination: {host: reviews}}]
`)));
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity} ${d.field}: ${d.message}`)).toEqual([
      'ML3040 warning spec.http[0].match[0].uri.prefix: uri prefix "api/v1" does not start with "/"; request paths always do, so this never matches',
      'ML3040 warning spec.http[0].match[1].uri.exact: uri exact "health" does not start with "/"; request paths always do, so this never matches',
      'ML3041 warning spec.http[0].match[2].uri.prefix: prefix "/static/*" ends with "*", but Istio prefixes are literal (no wildcards); write prefix: "/static/"',
    ]);
    expect(r.resources.virtualServices).toHaveLength(1); // warnings: still compiled
  });

  it('a destination without weight next to weighted ones gets 0%', () => {
    expect(check(rule(`  - route:
    - destination: {host: reviews, subset: v1}
      weight: 90
    - destination: {host: reviews, subset: v2}
`))).toEqual(['ML3042 spec.http[0].route[1].destination@11']);
    // One destination, or none weighted (ML3004's case), is not this.
    expect(check(rule(`  - route:\n    - destination: {host: reviews}\n`))).toEqual([]);
  });

  it('a perTryTimeout longer than the route timeout', () => {
    const r = loadOne(virtualService(rule(`  - route: [{destination: {host: reviews}}]
    timeout: 2s
    retries: {attempts: 3, perTryTimeout: 5s}
`)));
    expect(r.diagnostics.map((d) => `${d.code} ${d.field}: ${d.message}`)).toEqual([
      'ML3043 spec.http[0].retries.perTryTimeout: perTryTimeout 5s is longer than the route timeout 2s, which ends the request first; retries cannot help a slow upstream',
    ]);
    expect(check(rule(`  - route: [{destination: {host: reviews}}]\n    timeout: 10s\n    retries: {attempts: 3, perTryTimeout: 2s}\n`))).toEqual([]);
  });
});
