// Config Istio's admission checks refuse (pkg/config/validation), which meshlog must refuse
// too: a repository meshlog calls valid should apply. Each case is also checked against a
// form of it that Istio accepts, so a check that fires on everything fails here.
import { describe, expect, it } from 'vitest';
import { loadOne, summary } from '../parse/helpers.ts';

const doc = (kind: string, spec: string, meta = 'name: x') =>
  `apiVersion: ${kind === 'Service' ? 'v1' : 'networking.istio.io/v1'}\nkind: ${kind}\nmetadata: {${meta}}\nspec:\n${spec}`;
const check = (kind: string, spec: string, meta?: string) => summary(loadOne(doc(kind, spec, meta)).diagnostics.filter((d) => d.severity === 'error'));
const vs = (http: string, hosts = '[a]') => check('VirtualService', `  hosts: ${hosts}\n  http:\n${http}`);
const dr = (policy: string) => check('DestinationRule', `  host: a\n${policy}`);

describe('VirtualService refusals', () => {
  it('a redirect or direct response with a fault or a rewrite', () => {
    expect(vs('  - redirect: {uri: /b}\n    fault: {abort: {httpStatus: 500, percentage: {value: 1}}}\n')).toEqual(['ML3030 spec.http[0].fault@8']);
    expect(vs('  - directResponse: {status: 200}\n    fault: {delay: {fixedDelay: 1s, percentage: {value: 1}}}\n')).toEqual(['ML3030 spec.http[0].fault@8']);
    expect(vs('  - directResponse: {status: 200}\n    rewrite: {uri: /b}\n')).toEqual(['ML3030 spec.http[0].rewrite@8']);
    expect(vs('  - route: [{destination: {host: a}}]\n    fault: {abort: {httpStatus: 500, percentage: {value: 1}}}\n    rewrite: {uri: /b}\n')).toEqual([]);
  });

  it('a rewrite that rewrites nothing', () => {
    expect(vs('  - route: [{destination: {host: a}}]\n    rewrite: {}\n')).toEqual(['ML3056 spec.http[0].rewrite@8']);
    expect(vs('  - route: [{destination: {host: a}}]\n    rewrite: {uri: ""}\n')).toEqual(['ML3056 spec.http[0].rewrite@8']);
    expect(vs('  - route: [{destination: {host: a}}]\n    rewrite: {authority: b}\n')).toEqual([]);
  });

  it('hosts that match each other, a wildcard covering a name included', () => {
    const route = '  - route: [{destination: {host: api.example.com}}]\n';
    expect(vs(route, '["*.example.com", api.example.com]')).toEqual(['ML3023 spec.hosts[1]@5']);
    expect(vs(route, '[a, a]')).toEqual(['ML3023 spec.hosts[1]@5']);
    expect(vs(route, '["*.example.com", api.example.org]')).toEqual([]);
  });

  it('retryOn status codes Go has no name for', () => {
    const retry = (on: string) => vs(`  - route: [{destination: {host: a}}]\n    retries: {attempts: 2, retryOn: "${on}"}\n`);
    expect(retry('5xx,599')).toEqual(['ML3037 spec.http[0].retries.retryOn@8']);
    expect(retry('306')).toEqual(['ML3037 spec.http[0].retries.retryOn@8']);
    expect(retry('5xx,503,429,425,511')).toEqual([]);
  });

  it('CORS methods Istio does not list, an empty origin, a max-age not in whole seconds', () => {
    const cors = (c: string) => vs(`  - route: [{destination: {host: a}}]\n    corsPolicy: ${c}\n`);
    expect(cors('{allowOrigins: [{exact: x.example}], allowMethods: [get, PROPFIND]}')).toEqual([
      'ML3039 spec.http[0].corsPolicy.allowMethods[0]@8',
      'ML3039 spec.http[0].corsPolicy.allowMethods[1]@8',
    ]);
    expect(cors('{allowOrigins: [{exact: ""}]}')).toEqual(['ML3039 spec.http[0].corsPolicy.allowOrigins[0]@8']);
    expect(cors('{allowOrigins: [{exact: x.example}], maxAge: 1500ms}')).toEqual(['ML3006 spec.http[0].corsPolicy.maxAge@8']);
    expect(cors('{allowOrigins: [{exact: x.example}], maxAge: 0s}')).toEqual(['ML3007 spec.http[0].corsPolicy.maxAge@8']);
    expect(cors('{allowOrigins: [{exact: x.example}], allowMethods: [GET, PATCH, "*"], maxAge: 24h}')).toEqual([]);
  });
});

describe('DestinationRule refusals', () => {
  it('policies with nothing in them', () => {
    expect(dr('  trafficPolicy: {}\n')).toEqual(['ML3056 spec.trafficPolicy@6']);
    expect(dr('  subsets: [{name: v1, labels: {v: "1"}, trafficPolicy: {}}]\n')).toEqual(['ML3056 spec.subsets[0].trafficPolicy@6']);
    expect(dr('  trafficPolicy: {connectionPool: {}}\n')).toEqual(['ML3056 spec.trafficPolicy.connectionPool@6']);
    expect(dr('  trafficPolicy: {portLevelSettings: [{port: {number: 80}}]}\n')).toEqual(['ML3056 spec.trafficPolicy.portLevelSettings[0]@6']);
    expect(dr('  trafficPolicy: {portLevelSettings: [{port: {number: 80}, connectionPool: {tcp: {maxConnections: 1}}}]}\n')).toEqual([]);
  });

  it('local-origin failures without the split, maglev without a table size, HTTP/2 upgrade with the client\'s protocol', () => {
    expect(dr('  trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3}}\n')).toEqual(['ML3030 spec.trafficPolicy.outlierDetection.consecutiveLocalOriginFailures@6']);
    expect(dr('  trafficPolicy: {outlierDetection: {consecutiveLocalOriginFailures: 3, splitExternalLocalOriginErrors: true}}\n')).toEqual([]);
    expect(dr('  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {}}}}\n')).toEqual(['ML3039 spec.trafficPolicy.loadBalancer.consistentHash.maglev@6']);
    expect(dr('  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE, useClientProtocol: true}}}\n')).toEqual([
      'ML3030 spec.trafficPolicy.connectionPool.http.useClientProtocol@6',
    ]);
    expect(dr('  trafficPolicy: {connectionPool: {http: {h2UpgradePolicy: UPGRADE}}}\n')).toEqual([]);
    // Istio refuses a table of 5000011 (Envoy's own limit) and above.
    expect(dr('  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, maglev: {tableSize: 5000011}}}}\n')).toEqual(['ML3031 spec.trafficPolicy.loadBalancer.consistentHash.maglev.tableSize@6']);
    expect(dr('  trafficPolicy: {portLevelSettings: []}\n')).toEqual(['ML3056 spec.trafficPolicy@6']);
  });
});

describe('ServiceEntry, Gateway and Service refusals', () => {
  const se = (rest: string) => check('ServiceEntry', `  hosts: [a.example.com, b.example.com]\n${rest}`);

  it('a CIDR address with DNS resolution', () => {
    expect(se('  addresses: [10.10.0.0/24]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n')).toEqual(['ML3030 spec.addresses[0]@6']);
    expect(se('  addresses: [10.10.0.0/24]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: STATIC\n  endpoints: [{address: 10.10.0.1}]\n')).toEqual([]);
  });

  it('several hosts with a TCP port (or one without a protocol), unless resolution is NONE', () => {
    expect(se('  ports: [{number: 5432, name: tcp, protocol: TCP}]\n  resolution: DNS\n')).toEqual(['ML3030 spec.ports[0]@6']);
    expect(se('  ports: [{number: 80, name: web}]\n  resolution: DNS\n')).toEqual(['ML3030 spec.ports[0]@6']);
    expect(se('  ports: [{number: 443, name: tls, protocol: TLS}, {number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n')).toEqual([]);
    expect(se('  ports: [{number: 5432, name: tcp, protocol: TCP}]\n  resolution: NONE\n')).toEqual([]);
  });

  it('a Gateway server with two sources of its certificate; client TLS that skips verification but names CAs', () => {
    const server = (tls: string) => check('Gateway', `  servers: [{port: {number: 443, name: https, protocol: HTTPS}, hosts: ["*"], tls: {mode: SIMPLE, ${tls}}}]\n`);
    expect(server('credentialName: cert, serverCertificate: /c.pem, privateKey: /k.pem')).toEqual(['ML3030 spec.servers[0].tls.credentialName@5']);
    expect(server('serverCertificate: /c.pem, privateKey: /k.pem')).toEqual([]);
    expect(dr('  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true, caCertificates: /ca.pem}}\n')).toEqual(['ML3030 spec.trafficPolicy.tls.caCertificates@6']);
    expect(dr('  trafficPolicy: {tls: {mode: SIMPLE, insecureSkipVerify: true}}\n')).toEqual([]);
  });

  it('a Gateway name that is no DNS label, a Service name that is no DNS-1035 label', () => {
    const server = '  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]\n';
    expect(check('Gateway', server, 'name: my.gateway')).toEqual(['ML3025 metadata.name@3']);
    expect(check('Gateway', server, 'name: my-gateway')).toEqual([]);
    const ports = '  ports: [{name: http, port: 80}]\n';
    expect(check('Service', ports, 'name: my.svc')).toEqual(['ML3025 metadata.name@3']);
    expect(check('Service', ports, 'name: "123"')).toEqual(['ML3025 metadata.name@3']);
    expect(check('Service', ports, 'name: svc-1')).toEqual([]);
  });

  it('host names: no IP or numeric last label as a destination, DestinationRule or ServiceEntry host; no short names on a Gateway', () => {
    expect(vs('  - route: [{destination: {host: 10.0.0.1}}]\n')).toEqual(['ML3010 spec.http[0].route[0].destination.host@7']);
    expect(vs('  - route: [{destination: {host: db.internal}}]\n')).toEqual([]);
    expect(check('DestinationRule', '  host: db.123\n')).toEqual(['ML3010 spec.host@5']);
    expect(check('ServiceEntry', '  hosts: [10.1.2.3]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n')).toEqual(['ML3010 spec.hosts[0]@5']);
    // A VirtualService's own hosts may be IP addresses, as Istio falls back to them there.
    expect(vs('  - route: [{destination: {host: a}}]\n', '[10.0.0.1]')).toEqual([]);
    const server = (hosts: string) => check('Gateway', `  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ${hosts}}]\n`);
    expect(server('[reviews]')).toEqual(['ML3010 spec.servers[0].hosts[0]@5']);
    expect(server('["bookinfo/reviews"]')).toEqual(['ML3010 spec.servers[0].hosts[0]@5']);
    expect(server('["*", "bookinfo/reviews.example.com", "*.example.com"]')).toEqual([]);
  });

  it('a Gateway port.targetPort; a sourceNamespace that is no namespace name', () => {
    expect(check('Gateway', '  servers: [{port: {number: 80, name: http, protocol: HTTP, targetPort: 8080}, hosts: ["*"]}]\n')).toEqual(['ML3030 spec.servers[0].port.targetPort@5']);
    expect(vs('  - match: [{sourceNamespace: Bad_ns}]\n    route: [{destination: {host: a}}]\n')).toEqual(['ML3025 spec.http[0].match[0].sourceNamespace@7']);
    expect(vs('  - match: [{sourceNamespace: shop}]\n    route: [{destination: {host: a}}]\n')).toEqual([]);
  });
});

describe('what Istio accepts and meshlog must too', () => {
  it('an empty string match for the uri, method, authority or scheme: no condition that any request fails', () => {
    expect(vs('  - match: [{uri: {}, method: {}, authority: {}, scheme: {}}]\n    route: [{destination: {host: a}}]\n')).toEqual([]);
  });

  it('consistentHash without a hash key (Istio compiles no hash policy); two keys stay an error', () => {
    expect(dr('  trafficPolicy: {loadBalancer: {consistentHash: {ringHash: {minimumRingSize: 1024}}}}\n')).toEqual([]);
    expect(dr('  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: false}}}\n')).toEqual([]);
    expect(dr('  trafficPolicy: {loadBalancer: {consistentHash: {useSourceIp: true, httpHeaderName: x}}}\n')).toEqual(['ML3030 spec.trafficPolicy.loadBalancer.consistentHash@6']);
  });

  it('Gateway servers with the same name (Istio does not check server names)', () => {
    const server = (port: number) => `{name: web, port: {number: ${port}, name: http-${port}, protocol: HTTP}, hosts: ["*"]}`;
    expect(check('Gateway', `  servers: [${server(80)}, ${server(8080)}]\n`)).toEqual([]);
  });

  it('protocol HTTP_PROXY is said to be valid Istio not compiled yet (ML3024), not an unknown protocol', () => {
    expect(check('ServiceEntry', '  hosts: [proxy.example.com]\n  ports: [{number: 3128, name: proxy, protocol: HTTP_PROXY}]\n  resolution: DNS\n')).toEqual(['ML3024 spec.ports[0].protocol@6']);
  });

  it('upper-case subset names (Istio\'s DNS label check takes them)', () => {
    expect(check('DestinationRule', '  host: a\n  subsets: [{name: V1, labels: {v: "1"}}]\n')).toEqual([]);
    expect(vs('  - route: [{destination: {host: a, subset: V1}}]\n')).toEqual([]);
    expect(vs('  - route: [{destination: {host: a, subset: v_1}}]\n')).toEqual(['ML3009 spec.http[0].route[0].destination.subset@7']);
  });
});
