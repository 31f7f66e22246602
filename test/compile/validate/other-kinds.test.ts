// DestinationRule, ServiceEntry, Gateway, Service, MeshConfig and metadata rules.
import { describe, expect, it } from 'vitest';
import { loadOne, summary } from '../parse/helpers.ts';

const doc = (kind: string, spec: string, meta = 'name: x') =>
  `apiVersion: ${kind === 'Service' ? 'v1' : kind === 'MeshConfig' ? 'meshlog.dev/v1alpha1' : 'networking.istio.io/v1'}\nkind: ${kind}\nmetadata: {${meta}}\nspec:\n${spec}`;
const check = (kind: string, spec: string, meta?: string) => summary(loadOne(doc(kind, spec, meta)).diagnostics);

describe('DestinationRule rules', () => {
  it('accepts subsets and every traffic policy part', () => {
    const r = loadOne(doc('DestinationRule', `  host: reviews
  trafficPolicy:
    loadBalancer: {consistentHash: {httpCookie: {name: user, ttl: 0s, attributes: [{name: SameSite, value: Lax}, {name: HttpOnly}]}, ringHash: {minimumRingSize: 1024}}}
    connectionPool:
      tcp: {maxConnections: 100, connectTimeout: 250ms, tcpKeepalive: {time: 7200s, interval: 75s}}
      http: {http1MaxPendingRequests: 10, maxRequestsPerConnection: 1, h2UpgradePolicy: UPGRADE}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s, maxEjectionPercent: 50}
    tls: {mode: SIMPLE, sni: reviews.example.com}
    portLevelSettings:
    - port: {number: 9080}
      loadBalancer: {simple: LEAST_REQUEST}
  subsets:
  - {name: v1, labels: {version: v1}}
  - name: v2
    labels: {version: v2}
    trafficPolicy: {loadBalancer: {simple: RANDOM}}
`));
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.destinationRules[0]!.spec.subsets?.map((s) => s.name)).toEqual(['v1', 'v2']);
  });

  it('checks cookie attributes: named, once each, without control characters', () => {
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy:
    loadBalancer:
      consistentHash:
        httpCookie:
          name: user
          attributes: [{name: ""}, {name: Secure}, {name: Secure}, {name: SameSite, value: "a\\nb"}]
`)).toEqual([
      'ML3039 spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[0].name@11',
      'ML3039 spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[2].name@11',
      'ML3012 spec.trafficPolicy.loadBalancer.consistentHash.httpCookie.attributes[3].value@11',
    ]);
  });

  it('checks a retry budget; budgetInterval is valid Istio not supported yet', () => {
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy: {retryBudget: {percent: 25.5, minRetryConcurrency: 4}}
  subsets: [{name: v1, trafficPolicy: {retryBudget: {}}}]
`)).toEqual([]);
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy: {retryBudget: {percent: 120, minRetryConcurrency: -1}}
`)).toEqual(['ML3005 spec.trafficPolicy.retryBudget.percent@6', 'ML3031 spec.trafficPolicy.retryBudget.minRetryConcurrency@6']);
    expect(check('DestinationRule', `  host: reviews
  subsets: [{name: v1, trafficPolicy: {retryBudget: {budgetInterval: 10s}}}]
`)).toEqual(['ML3024 spec.subsets[0].trafficPolicy.retryBudget.budgetInterval@6']);
  });

  it('reports duplicate and non-DNS subset names', () => {
    expect(check('DestinationRule', `  host: reviews
  subsets:
  - {name: v1}
  - {name: V_2}
  - {name: v1}
`)).toEqual(['ML3009 spec.subsets[1].name@8', 'ML3023 spec.subsets[2].name@9']);
  });

  it('checks load balancer, pool, outlier and TLS settings', () => {
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy:
    loadBalancer: {simple: RANDOM, consistentHash: {httpHeaderName: x, useSourceIp: true, maglev: {tableSize: 100}}}
    connectionPool: {tcp: {maxConnections: -1, connectTimeout: 0ms, tcpKeepalive: {time: 500ms}}}
    outlierDetection: {maxEjectionPercent: 150, interval: 1x}
    tls: {mode: ISTIO_MUTUAL}
    portLevelSettings:
    - {loadBalancer: {simple: LEAST_CONN}}
    - {port: {number: 80}}
    - {port: {number: 80}}
`)).toEqual([
      'ML3030 spec.trafficPolicy.loadBalancer.consistentHash@7',
      'ML3030 spec.trafficPolicy.loadBalancer.consistentHash@7',
      'ML3031 spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize@7',
      'ML3031 spec.trafficPolicy.connectionPool.tcp.maxConnections@8',
      'ML3007 spec.trafficPolicy.connectionPool.tcp.connectTimeout@8',
      'ML3007 spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.time@8',
      'ML3006 spec.trafficPolicy.outlierDetection.interval@9',
      'ML3005 spec.trafficPolicy.outlierDetection.maxEjectionPercent@9',
      'ML3024 spec.trafficPolicy.tls.mode@10',
      'ML3017 spec.trafficPolicy.portLevelSettings[0]@12',
      'ML3028 spec.trafficPolicy.portLevelSettings[0].loadBalancer.simple@12',
      'ML3056 spec.trafficPolicy.portLevelSettings[1]@13',
      'ML3034 spec.trafficPolicy.portLevelSettings[2].port.number@14',
      'ML3056 spec.trafficPolicy.portLevelSettings[2]@14',
    ]);
  });
});

describe('integer fields that Envoy holds in 32 bits', () => {
  it('refuses values Envoy would wrap around, and oversized Maglev tables, at the field', () => {
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy:
    loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 5000021}}}
    connectionPool:
      tcp: {maxConnections: 4294967296, tcpKeepalive: {probes: 4294967296}}
      http: {http1MaxPendingRequests: 2147483648}
    outlierDetection: {consecutive5xxErrors: 2147483648}
`)).toEqual([
      'ML3031 spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize@7',
      'ML3031 spec.trafficPolicy.connectionPool.tcp.maxConnections@9',
      'ML3031 spec.trafficPolicy.connectionPool.tcp.tcpKeepalive.probes@9',
      'ML3031 spec.trafficPolicy.connectionPool.http.http1MaxPendingRequests@10',
      'ML3031 spec.trafficPolicy.outlierDetection.consecutive5xxErrors@11',
    ]);
    // The largest values that fit are fine (4,999,999 is the largest prime Istio takes: it
    // refuses 5,000,011 and above).
    expect(check('DestinationRule', `  host: reviews
  trafficPolicy:
    loadBalancer: {consistentHash: {httpHeaderName: x, maglev: {tableSize: 4999999}}}
    connectionPool: {tcp: {maxConnections: 2147483647, tcpKeepalive: {probes: 4294967295}}}
`)).toEqual([]);
    expect(check('VirtualService', `  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews}}]
    retries: {attempts: 2147483648}
`)).toEqual(['ML3031 spec.http[0].retries.attempts@8']);
  });
});

describe('ServiceEntry rules', () => {
  it('accepts DNS and STATIC entries', () => {
    const r = loadOne(`${doc('ServiceEntry', `  hosts: [api.example.com]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
`)}---\n${doc('ServiceEntry', `  hosts: [db.internal]
  addresses: [10.1.0.0/16]
  ports: [{number: 5432, name: pg, protocol: tcp}]
  resolution: STATIC
  endpoints: [{address: 10.1.2.3, ports: {pg: 5433}, labels: {zone: a}}]
`, 'name: z')}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.serviceEntries).toHaveLength(2);
  });

  it('STATIC endpoints are IPs (no endpoints at all: info ML4037); DNS cannot resolve wildcards', () => {
    // STATIC without endpoints: Istio accepts it (validation.go checks the endpoints there are); info ML4037.
    const noEndpoints = loadOne(doc('ServiceEntry', '  hosts: [a.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n'));
    expect(summary(noEndpoints.diagnostics, true)).toEqual(['ML4037 spec.resolution@7']);
    expect(noEndpoints.diagnostics[0]!.severity).toBe('info');
    expect(summary(loadOne(doc('ServiceEntry', '  hosts: [a.example.com]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n  workloadSelector: {labels: {app: a}}\n')).diagnostics, true)).toEqual([]);
    expect(check('ServiceEntry', `  hosts: [a.example.com]
  resolution: STATIC
  ports: [{number: 80, name: http}]
  endpoints: [{address: a.example.com}, {address: 10.0.0.1, ports: {web: 8080}}]
`)).toEqual(['ML3021 spec.endpoints[0].address@8', 'ML3021 spec.endpoints[1].ports.web@8']);
    expect(check('ServiceEntry', '  hosts: ["*.example.com"]\n  ports: [{number: 80, name: http}]\n  resolution: DNS\n')).toEqual(['ML3022 spec.hosts[0]@5']);
  });

  // Istio validation.go validateWorkloadEntry (STATIC) and ValidateServiceEntry (DNS): a Unix
  // socket is an absolute path (or @name), without endpoint ports, on an entry with one port; DNS
  // resolution refuses it ("not a valid FQDN or an IP address").
  it('accepts STATIC Unix socket endpoints as Istio does, and refuses them for DNS resolution', () => {
    const se = (resolution: string, endpoints: string, ports = '[{number: 80, name: http, protocol: HTTP}]') =>
      check('ServiceEntry', `  hosts: [example.unix.local]\n  ports: ${ports}\n  resolution: ${resolution}\n  endpoints: ${endpoints}\n`);
    expect(se('STATIC', '[{address: "unix:///var/run/example/socket"}]')).toEqual([]);
    expect(se('STATIC', '[{address: "unix://@abstract"}]')).toEqual([]);
    expect(se('DNS', '[{address: "unix:///var/run/example/socket"}]')).toEqual(['ML3021 spec.endpoints[0].address@8']);
    expect(se('DNS_ROUND_ROBIN', '[{address: "unix:///var/run/example/socket"}]')).toEqual(['ML3021 spec.endpoints[0].address@8']);
    expect(se('STATIC', '[{address: "unix://"}, {address: "unix://relative/x"}, {address: "unix:///dir/"}]')).toEqual([
      'ML3021 spec.endpoints[0].address@8',
      'ML3021 spec.endpoints[1].address@8',
      'ML3021 spec.endpoints[2].address@8',
    ]);
    expect(se('STATIC', '[{address: "unix:///s", ports: {http: 8080}}]')).toEqual(['ML3021 spec.endpoints[0].ports@8']);
    expect(se('STATIC', '[{address: "unix:///s"}]', '[{number: 80, name: http}, {number: 81, name: b}]')).toEqual(['ML3021 spec.endpoints[0].address@8']);
    const dns = loadOne(doc('ServiceEntry', '  hosts: [example.unix.local]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  endpoints: [{address: "unix:///var/run/example/socket"}]\n'));
    expect(dns.diagnostics.map((d) => d.message)).toEqual([
      'endpoint address "unix:///var/run/example/socket" is not a valid FQDN or an IP address: resolution DNS resolves host names; a Unix domain socket needs resolution STATIC',
    ]);
  });

  // Istio validation.go validateWorkloadEntry: "address is unset with network" is a warning
  // (STATIC); without a network, or for DNS (ValidateFQDN("")), an endpoint needs an address.
  it('warns about a STATIC endpoint with a network and no address, and leaves it out', () => {
    const se = (resolution: string, endpoints: string) =>
      loadOne(doc('ServiceEntry', `  hosts: [www.example.com]\n  ports: [{number: 443, name: https-example, protocol: HTTPS}]\n  resolution: ${resolution}\n  endpoints: ${endpoints}\n`));
    const only = se('STATIC', '[{network: cluster-1}]');
    expect(only.diagnostics.map((d) => [d.code, d.severity, d.field, d.message])).toEqual([
      [
        'ML3054',
        'warning',
        'spec.endpoints[0]',
        'endpoint has no address, only network "cluster-1": Istio sends it to proxies in other networks as the address of that network\'s gateway, and leaves it out for the rest; meshlog compiles no networks, so it is left out of the entry\'s endpoints, which leaves the entry\'s clusters without endpoints: requests to its hosts fail (503, no healthy upstream)',
      ],
    ]);
    expect(only.resources.serviceEntries).toHaveLength(1);
    const mixed = se('STATIC', '[{address: 10.0.0.1}, {network: cluster-1}]');
    expect(mixed.diagnostics.map((d) => [d.code, d.field])).toEqual([['ML3054', 'spec.endpoints[1]']]);
    expect(mixed.diagnostics[0]!.message).toMatch(/left out of the entry's endpoints$/);
    expect(summary(se('STATIC', '[{labels: {app: a}}]').diagnostics)).toEqual(['ML3021 spec.endpoints[0]@8']);
    expect(se('DNS', '[{network: cluster-1}]').diagnostics.map((d) => [d.code, d.message])).toEqual([
      ['ML3021', 'an endpoint needs an address with resolution DNS (only resolution STATIC takes an endpoint with just a network)'],
    ]);
  });

  // Istio's CRD requires ports[].name (required: [number, name]), and ValidateServiceEntry holds
  // it to ValidatePortName: labels.IsDNS1123Label, upper case allowed.
  it('requires a ServiceEntry port name, a DNS-1123 label, as Istio does', () => {
    const se = (ports: string) => check('ServiceEntry', `  hosts: [a.example.com]\n  ports: ${ports}\n  resolution: DNS\n`);
    expect(se('[{number: 80, protocol: HTTP}]')).toEqual(['ML2004 spec.ports[0].name@6']);
    expect(se('[{number: 80, name: "", protocol: HTTP}, {number: 81, name: web_1, protocol: HTTP}, {number: 82, name: HTTP-Web, protocol: HTTP}]')).toEqual([
      'ML3039 spec.ports[0].name@6',
      'ML3039 spec.ports[1].name@6',
    ]);
    expect(se(`[{number: 80, name: ${'a'.repeat(64)}, protocol: HTTP}]`)).toEqual(['ML3039 spec.ports[0].name@6']);
  });

  // Istio's ServiceEntry workloadSelector is networking WorkloadSelector{labels} (service_entry.proto,
  // sidecar.proto; the CRD allows `labels` only), checked by ValidateAlphaWorkloadSelector.
  it('takes workloadSelector.labels, as Istio, and checks them as Istio does', () => {
    const se = (selector: string) => check('ServiceEntry', `  hosts: [details.bookinfo.com]\n  location: MESH_INTERNAL\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n  workloadSelector: ${selector}\n`);
    expect(se('{labels: {app: details}}')).toEqual([]);
    expect(se('{labels: {app: "a value Kubernetes would refuse", "x/y/z": ok}}')).toEqual([]);
    expect(se('{matchLabels: {app: details}}')).toEqual(['ML2001 spec.workloadSelector.matchLabels@9']);
    expect(se(`{labels: {"": x, a: "*", "b*": v, c: ${'v'.repeat(64)}}}`)).toEqual([
      'ML3027 spec.workloadSelector.labels[""]@9',
      'ML3027 spec.workloadSelector.labels.a@9',
      'ML3027 spec.workloadSelector.labels["b*"]@9',
      'ML3027 spec.workloadSelector.labels.c@9',
    ]);
    expect(check('ServiceEntry', '  hosts: [a.example.com]\n  ports: [{number: 80, name: http}]\n  resolution: STATIC\n  workloadSelector: {labels: {app: a}}\n  endpoints: [{address: 10.0.0.1}]\n')).toEqual(['ML3030 spec.workloadSelector@8']);
  });

  // Istio's ValidateProtocol: "Empty string is used for protocol sniffing" (validation.go).
  it('takes an empty port protocol as no protocol: served as HTTP, with the info ML4035', () => {
    const r = loadOne(doc('ServiceEntry', `  hosts: [example.com]
  ports: [{number: 7070, name: auto, protocol: ""}, {number: 7071, name: none}]
  resolution: STATIC
  location: MESH_INTERNAL
  endpoints: [{address: 1.1.1.1, labels: {security.istio.io/tlsMode: istio}}]
`));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.field])).toEqual([
      ['ML4035', 'info', 'spec.ports[0]'],
      ['ML4035', 'info', 'spec.ports[1]'],
    ]);
    expect(r.diagnostics[0]!.message).toContain('an empty protocol says what it carries');
    expect(check('ServiceEntry', '  hosts: [a.example.com]\n  ports: [{number: 80, name: x, protocol: " "}]\n')).toEqual(['ML3033 spec.ports[0].protocol@6']);
  });

  // Istio's ValidateServiceEntry: ValidateWildcardDomain takes `*x` (IsWildcardDNS1123Label) and
  // ValidatePartialWildCard only warns. Envoy refuses partial wildcards in SNI server_names.
  it('warns about a partial wildcard host, and refuses one on a TLS or HTTPS port', () => {
    const se = (hosts: string, ports = '[{number: 80, name: http, protocol: HTTP}]') => check('ServiceEntry', `  hosts: ${hosts}\n  ports: ${ports}\n`);
    expect(summary(loadOne(doc('ServiceEntry', '  hosts: ["*x"]\n')).diagnostics)).toEqual(['ML3052 spec.hosts[0]@5', 'ML3044 spec.hosts@5']);
    expect(se('["*x", "*-api.example.com"]')).toEqual(['ML3052 spec.hosts[0]@5', 'ML3052 spec.hosts[1]@5']);
    expect(se('["*x.bad_label", "x*", "**"]')).toEqual(['ML3010 spec.hosts[0]@5', 'ML3010 spec.hosts[1]@5', 'ML3010 spec.hosts[2]@5']);
    expect(se('["*x"]', '[{number: 443, name: tls, protocol: TLS}]')).toEqual(['ML3010 spec.hosts[0]@5']);
    expect(se('["*x"]', '[{number: 443, name: https, protocol: https}]')).toEqual(['ML3010 spec.hosts[0]@5']);
  });

  it('warns about a ServiceEntry without ports: its hosts get no listener, route or cluster', () => {
    expect(check('ServiceEntry', '  hosts: [a.example.com]\n  resolution: DNS\n')).toEqual(['ML3044 spec.hosts@5']);
  });

  it('checks hosts, addresses, ports and protocols', () => {
    expect(check('ServiceEntry', `  hosts: ["*", ok.example.com]
  addresses: [10.0.0.0/33, not-an-ip]
  ports:
  - {number: 80, name: http, protocol: HTTP}
  - {number: 80, name: http, protocol: SCTP}
  - {number: 0, name: zero}
`)).toEqual([
      'ML3010 spec.hosts[0]@5',
      'ML3029 spec.addresses[0]@6',
      'ML3029 spec.addresses[1]@6',
      'ML3033 spec.ports[1].protocol@9',
      'ML3017 spec.ports[2].number@10',
      'ML3034 spec.ports[1].number@9',
      'ML3023 spec.ports[1].name@9',
    ]);
  });
});

describe('Gateway rules', () => {
  it('servers need a port and hosts; TLS modes beyond SIMPLE are not supported yet', () => {
    expect(check('Gateway', `  selector: {istio: ingressgateway}
  servers:
  - hosts: ["*"]
  - port: {number: 80, protocol: HTTP, name: http}
  - port: {number: 443, protocol: HTTPS, name: https}
    hosts: ["bad/name/x", "shop/*.example.com"]
  - port: {number: 8443, protocol: HTTPS, name: mtls}
    hosts: ["*"]
    tls: {mode: ISTIO_MUTUAL}
  - port: {number: 9443, protocol: HTTPS, name: partners}
    hosts: ["*"]
    tls: {mode: MUTUAL, serverCertificate: /c/tls.crt, privateKey: /c/tls.key}
`)).toEqual([
      'ML3020 spec.servers[0]@7',
      'ML3020 spec.servers[1]@8',
      'ML3020 spec.servers[2].port.protocol@9',
      'ML3010 spec.servers[2].hosts[0]@10',
      'ML3024 spec.servers[3].tls.mode@13',
      'ML3020 spec.servers[4].tls.mode@16',
    ]);
  });

  it("a MUTUAL server's pins and names must be what Envoy takes: a malformed one would make it reject the listener", () => {
    expect(check('Gateway', `  servers:
  - port: {number: 443, protocol: HTTPS, name: a}
    hosts: [a.example.com]
    tls:
      mode: MUTUAL
      serverCertificate: /c/a.crt
      privateKey: /c/a.key
      caCertificates: /c/ca.crt
      subjectAltNames: [spiffe://partners/acme, ""]
      verifyCertificateSpki: [NvqYIYSbgK2vCJpQhObf77vv+bQWtc5ek5RIOwPiC9A=, NvqYIYSbgK2vCJpQhObf77vv+bQWtc5ek5RIOwPiC9A]
      verifyCertificateHash:
      - DF6FF72FE9116521268F6F2DD4966F51DF479883FE7037B39F75916AC3049D1A
      - df:6f:f7:2f:e9:11:65:21:26:8f:6f:2d:d4:96:6f:51:df:47:98:83:fe:70:37:b3:9f:75:91:6a:c3:04:9d:1a
      - DF6FF72FE9116521
`)).toEqual(['ML3039 spec.servers[0].tls.subjectAltNames[1]@13', 'ML3039 spec.servers[0].tls.verifyCertificateSpki[1]@14', 'ML3039 spec.servers[0].tls.verifyCertificateHash[2]@18']);
  });

  it('a SIMPLE server needs its certificate files (or credentialName), a version range and ciphers Envoy knows', () => {
    expect(check('Gateway', `  servers:
  - port: {number: 443, protocol: HTTPS, name: a}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, serverCertificate: /certs/a.crt}
  - port: {number: 443, protocol: HTTPS, name: b}
    hosts: [b.example.com]
    tls: {mode: SIMPLE, credentialName: b-cert}
  - port: {number: 443, protocol: HTTPS, name: c}
    hosts: [c.example.com]
    tls:
      mode: SIMPLE
      serverCertificate: /certs/c.crt
      privateKey: /certs/c.key
      minProtocolVersion: TLSV1_3
      maxProtocolVersion: TLSV1_2
      cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256, TLS_AES_128_GCM_SHA256, ecdhe-rsa-aes256-gcm-sha384]
`)).toEqual([
      'ML3020 spec.servers[0].tls.privateKey@8',
      'ML3030 spec.servers[2].tls.minProtocolVersion@18',
      'ML3045 spec.servers[2].tls.cipherSuites[1]@20',
      'ML3045 spec.servers[2].tls.cipherSuites[2]@20',
    ]);
  });

  it('compares the versions the listener gets: an unset minimum is TLS 1.2; only servers that terminate TLS are checked', () => {
    expect(check('Gateway', `  servers:
  - port: {number: 443, protocol: HTTPS, name: a}
    hosts: [a.example.com]
    tls: {mode: SIMPLE, serverCertificate: /c/a.crt, privateKey: /c/a.key, maxProtocolVersion: TLSV1_1}
  - port: {number: 443, protocol: HTTPS, name: b}
    hosts: [b.example.com]
    tls: {mode: SIMPLE, serverCertificate: /c/b.crt, privateKey: /c/b.key, minProtocolVersion: TLSV1_0, maxProtocolVersion: TLSV1_1}
  - port: {number: 8443, protocol: TLS, name: c}
    hosts: [c.example.com]
    tls: {mode: PASSTHROUGH, maxProtocolVersion: TLSV1_0, cipherSuites: [BOGUS]}
`)).toEqual(['ML3030 spec.servers[0].tls.maxProtocolVersion@8']);
  });
});

// Istio's webhook rules for servers (pkg/config/validation/validation.go:433-501; the cases of
// its validation_test.go TestValidateGateway, TestValidateServer).
describe('Gateway server rules, as Istio\'s webhook', () => {
  const server = (fields: string) => `  servers:\n  - hosts: [foo.bar.com]\n${fields}`;

  it('a Unix socket bind takes port 0, every other server 1-65535; the socket path is absolute or @name', () => {
    expect(check('Gateway', server('    port: {number: 0, name: http, protocol: HTTP}\n    bind: unix://@foobar\n'))).toEqual([]);
    expect(check('Gateway', server('    port: {number: 0, name: http, protocol: HTTP}\n    bind: unix:///var/run/gw.sock\n'))).toEqual([]);
    expect(check('Gateway', server('    port: {number: 7, name: http, protocol: HTTP}\n    bind: unix://@foobar\n'))).toEqual(['ML3017 spec.servers[0].port.number@7']);
    expect(check('Gateway', server('    port: {number: 0, name: http, protocol: HTTP}\n'))).toEqual(['ML3017 spec.servers[0].port.number@7']);
    expect(check('Gateway', server('    port: {number: 0, name: http, protocol: HTTP}\n    bind: unix://var/gw.sock\n'))).toEqual(['ML3029 spec.servers[0].bind@8']);
    expect(check('Gateway', server('    port: {number: 0, name: http, protocol: HTTP}\n    bind: "unix://"\n'))).toEqual(['ML3029 spec.servers[0].bind@8']);
    const message = loadOne(doc('Gateway', server('    port: {number: 7, name: http, protocol: HTTP}\n    bind: unix://@foobar\n'))).diagnostics[0]?.message;
    expect(message).toBe('port 7: a server bound to a Unix domain socket (bind: unix://@foobar) has no port; write number: 0, as Istio requires');
  });

  it('a port needs a name, unique in the Gateway (other Gateways may repeat it)', () => {
    expect(check('Gateway', server('    port: {number: 80, protocol: HTTP}\n'))).toEqual(['ML3020 spec.servers[0].port.name@7']);
    expect(check('Gateway', server('    port: {number: 80, name: "", protocol: HTTP}\n'))).toEqual(['ML3020 spec.servers[0].port.name@7']);
    expect(loadOne(doc('Gateway', server('    port: {number: 80, protocol: HTTP}\n'))).diagnostics[0]?.message).toBe(
      "the server's port needs a name, unique in the Gateway (Istio requires it), e.g. name: http-80",
    );
    expect(check('Gateway', `  servers:
  - port: {number: 80, name: foo, protocol: HTTP}
    hosts: [foo.bar.com]
  - port: {number: 8080, name: foo, protocol: HTTP}
    hosts: [scooby.doo.com]
`)).toEqual(['ML3023 spec.servers[1].port.name@8']);
  });

  it('tls belongs to HTTPS and TLS servers; a plain HTTP server takes only a redirect', () => {
    const certs = 'serverCertificate: /c/tls.crt, privateKey: /c/tls.key';
    expect(check('Gateway', server(`    port: {number: 80, name: http, protocol: HTTP}\n    tls: {mode: SIMPLE, ${certs}}\n`))).toEqual(['ML3030 spec.servers[0].tls.mode@8']);
    expect(check('Gateway', server(`    port: {number: 80, name: http, protocol: HTTP}\n    tls: {httpsRedirect: true, mode: MUTUAL, ${certs}, caCertificates: /c/ca.crt}\n`))).toEqual(['ML3030 spec.servers[0].tls.mode@8']);
    expect(check('Gateway', server('    port: {number: 80, name: http, protocol: GRPC}\n    tls: {httpsRedirect: true, serverCertificate: /c/tls.crt}\n'))).toEqual(['ML3030 spec.servers[0].tls.serverCertificate@8']);
    expect(check('Gateway', server(`    port: {number: 5432, name: tcp, protocol: TCP}\n    tls: {mode: SIMPLE, ${certs}}\n`))).toEqual(['ML3030 spec.servers[0].tls@8']);
    // What Istio accepts on a plain HTTP port: a redirect, or tls that asks for nothing.
    expect(check('Gateway', server('    port: {number: 80, name: http, protocol: HTTP}\n    tls: {httpsRedirect: true}\n'))).toEqual([]);
    expect(check('Gateway', server('    port: {number: 80, name: http, protocol: http}\n    tls: {mode: PASSTHROUGH}\n'))).toEqual([]);
    expect(loadOne(doc('Gateway', server(`    port: {number: 80, name: http, protocol: HTTP}\n    tls: {mode: SIMPLE, ${certs}}\n`))).diagnostics[0]?.message).toBe(
      'a plain HTTP server takes no tls.mode SIMPLE (Istio refuses TLS settings on plain HTTP ports, a redirect aside): set port.protocol: HTTPS to terminate TLS on this port, or keep only tls.httpsRedirect: true to redirect clients to HTTPS',
    );
  });

  it('ML3024 (TLS mode not supported yet) is for HTTPS and TLS servers; a plain HTTP server\'s tls is ML3030\'s', () => {
    // Istio accepts AUTO_PASSTHROUGH beside a redirect on a plain HTTP port; meshlog compiles the redirect.
    expect(check('Gateway', server('    port: {number: 80, name: http, protocol: HTTP}\n    tls: {httpsRedirect: true, mode: AUTO_PASSTHROUGH}\n'))).toEqual([]);
    // ISTIO_MUTUAL on a plain HTTP port: one finding, not two.
    expect(check('Gateway', server('    port: {number: 80, name: http, protocol: HTTP}\n    tls: {mode: ISTIO_MUTUAL}\n'))).toEqual(['ML3030 spec.servers[0].tls.mode@8']);
    expect(check('Gateway', server('    port: {number: 443, name: https, protocol: HTTPS}\n    tls: {mode: ISTIO_MUTUAL}\n'))).toEqual(['ML3024 spec.servers[0].tls.mode@8']);
    expect(check('Gateway', server('    port: {number: 443, name: tls, protocol: TLS}\n    tls: {mode: AUTO_PASSTHROUGH}\n'))).toEqual(['ML3024 spec.servers[0].tls.mode@8']);
  });

  it('a host\'s namespace part is a namespace, "." or "*": "~/" is for Gateway API conversions only', () => {
    expect(check('Gateway', '  servers:\n  - hosts: ["~/foo.bar.com"]\n    port: {number: 80, name: http, protocol: HTTP}\n')).toEqual(['ML3010 spec.servers[0].hosts[0]@6']);
  });
});

describe('Service, MeshConfig and metadata rules', () => {
  it('checks Service ports, MeshConfig defaults and resource names', () => {
    expect(check('Service', '  ports: [{port: 70000, targetPort: 0}]\n')).toEqual(['ML3017 spec.ports[0].port@5', 'ML3017 spec.ports[0].targetPort@5']);
  });

  it('warns about a misspelt Service spec field at its key, with the field meant', () => {
    const r = loadOne(doc('Service', '  selector: {app: details}\n  prots:\n  - {name: http, port: 9080}\n'));
    expect(r.diagnostics.map((d) => [d.severity, d.code, d.message, d.line, d.column, d.field])).toEqual([
      ['warning', 'ML3046', '"prots" is not a field of a Kubernetes Service spec, so it is ignored; did you mean "ports"?', 6, 3, 'spec.prots'],
      ['warning', 'ML3047', expect.stringContaining('this Service has no ports'), 4, 1, 'spec'],
    ]);
    // A warning: the Service is still loaded.
    expect(r.resources.services.map((s) => s.metadata.name)).toEqual(['x']);
  });

  it('warns about meshlog.dev annotations meshlog does not read on the kind, with the one meant', () => {
    const r = loadOne(`apiVersion: v1
kind: Service
metadata:
  name: reviews
  annotations:
    meshlog.dev/endpoint: "10.0.0.1 version=v1"
    Meshlog.dev/endpoints: "10.0.0.2"
    meshlog.dev/colour: blue
    example.com/anything: ok
spec:
  ports: [{port: 80}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: ext
  annotations: {meshlog.dev/endpoints: "10.0.0.1"}
spec:
  hosts: [ext.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
`);
    expect(r.diagnostics.filter((d) => d.code === 'ML3048').map((d) => [d.severity, d.message, d.line, d.column])).toEqual([
      ['warning', 'unknown meshlog annotation "meshlog.dev/endpoint", so it is ignored; did you mean "meshlog.dev/endpoints"?', 6, 5],
      ['warning', 'unknown meshlog annotation "Meshlog.dev/endpoints", so it is ignored; did you mean "meshlog.dev/endpoints"?', 7, 5],
      ['warning', 'unknown meshlog annotation "meshlog.dev/colour", so it is ignored (meshlog reads "meshlog.dev/endpoints")', 8, 5],
      ['warning', '"meshlog.dev/endpoints" is read on a Kubernetes Service only; on a ServiceEntry it is ignored', 17, 17],
    ]);
  });

  it('accepts every Kubernetes ServiceSpec field, and an ExternalName Service without ports', () => {
    expect(check('Service', `  ports: [{port: 80}]
  selector: {app: a}
  clusterIP: 10.0.0.1
  clusterIPs: [10.0.0.1]
  type: LoadBalancer
  externalIPs: [1.2.3.4]
  sessionAffinity: ClientIP
  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}
  loadBalancerIP: 1.2.3.5
  loadBalancerSourceRanges: [10.0.0.0/8]
  loadBalancerClass: x
  externalTrafficPolicy: Local
  internalTrafficPolicy: Cluster
  healthCheckNodePort: 30000
  publishNotReadyAddresses: true
  ipFamilies: [IPv4]
  ipFamilyPolicy: SingleStack
  allocateLoadBalancerNodePorts: true
  trafficDistribution: PreferClose
`)).toEqual([]);
    expect(check('Service', '  type: ExternalName\n  externalName: db.example.com\n')).toEqual([]);
    expect(check('Service', '  selector: {app: a}\n  ports: []\n')).toEqual(['ML3047 spec@4']);
    expect(check('MeshConfig', `  defaultNamespace: Prod
  defaults: {connectTimeout: 0s, retries: {retryOn: "5xx,never"}}
  listeners: {bindAddress: localhost}
`)).toEqual([
      'ML3025 spec.defaultNamespace@5',
      'ML3007 spec.defaults.connectTimeout@6',
      'ML3037 spec.defaults.retries.retryOn@6',
      'ML3029 spec.listeners.bindAddress@7',
    ]);
    expect(check('Gateway', '  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n', 'name: My_GW, namespace: Edge, labels: {"bad key!": x}')).toEqual([
      'ML3025 metadata.name@3',
      'ML3025 metadata.namespace@3',
      'ML3027 metadata.labels["bad key!"]@3',
    ]);
  });
});
