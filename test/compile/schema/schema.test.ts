import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { DEFAULT_MESH_CONFIG, durationToWholeMs, parseDurationMs } from '../../../src/compile/schema/index.ts';
import { loadOne, summary, virtualService } from '../parse/helpers.ts';

describe('schemas', () => {
  it('names unknown fields with their path and line', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - match:
    - uri: {prefix: /api}
      header: {x: {exact: y}}
    route:
    - destination: {host: reviews}
    retry: {attempts: 3}
`));
    expect(summary(r.diagnostics)).toEqual(['ML2001 spec.http[0].match[0].header@10', 'ML2001 spec.http[0].retry@13']);
    expect(r.diagnostics[0]!.message).toBe('unknown field "header" in spec.http[0].match[0]; did you mean "headers"?');
    expect(r.diagnostics[0]!.resource).toEqual({ kind: 'VirtualService', namespace: 'default', name: 'reviews' });
    expect(r.resources.virtualServices).toEqual([]);
  });

  it('suggests the field an unknown one was meant to be, and then does not also call that field missing', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - route:
    - destination: {hots: reviews}
    timout: 5s
    retries: {atempts: 2, zzz: 1}
`));
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'ML2001 unknown field "hots" in spec.http[0].route[0].destination; did you mean "host"?',
      'ML2001 unknown field "atempts" in spec.http[0].retries; did you mean "attempts"?',
      'ML2001 unknown field "zzz" in spec.http[0].retries',
      'ML2001 unknown field "timout" in spec.http[0]; did you mean "timeout"?',
    ]);
  });

  it('says "not supported yet" (ML3024), not "unknown field", for valid Istio fields meshlog lacks', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer:
      localityLbSetting: {enabled: true}
      warmup: {duration: 30s}
  subsets:
  - name: v1
    trafficPolicy:
      portLevelSettings:
      - port: {number: 80}
        loadBalancer: {warmupDurationSecs: 10s, bogus: 1}
`);
    expect(summary(r.diagnostics)).toEqual([
      'ML3024 spec.trafficPolicy.loadBalancer.localityLbSetting@8',
      'ML3024 spec.trafficPolicy.loadBalancer.warmup@9',
      'ML3024 spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer.warmupDurationSecs@15',
      'ML2001 spec.subsets[0].trafficPolicy.portLevelSettings[0].loadBalancer.bogus@15',
    ]);
    expect(r.diagnostics[0]!.message).toBe('localityLbSetting is valid Istio but not supported by meshlog yet; remove it until meshlog supports it');
    const vs = loadOne(virtualService(`  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /}, statPrefix: api}]
    route: [{destination: {host: reviews}}]
    mirrorPercent: 5
`));
    expect(summary(vs.diagnostics)).toEqual(['ML3024 spec.http[0].match[0].statPrefix@8', 'ML3024 spec.http[0].mirrorPercent@10']);
  });

  it('never offers "did you mean" for a released Istio field, nor calls the field it resembles missing', () => {
    const gw = loadOne(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: [a.example.com]
    tls:
      mode: SIMPLE
      credentialNames: [a-rsa, a-ecdsa]
      ecdhCurves: [P-256]
  - port: {number: 8443, name: https2, protocol: HTTPS}
    hosts: [b.example.com]
    tls:
      mode: SIMPLE
      tlsCertificates: [{serverCertificate: /c.pem, privateKey: /k.pem}]
      caCertCredentialName: b-ca
      insecureSkipVerify: true
`);
    expect(summary(gw.diagnostics)).toEqual([
      'ML3024 spec.servers[0].tls.credentialNames@10',
      'ML3024 spec.servers[0].tls.ecdhCurves@11',
      'ML3024 spec.servers[1].tls.tlsCertificates@16',
      'ML3024 spec.servers[1].tls.caCertCredentialName@17',
      'ML3024 spec.servers[1].tls.insecureSkipVerify@18',
    ]);
    expect(gw.diagnostics.map((d) => d.message).filter((m) => m.includes('did you mean'))).toEqual([]);
    const dr = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: r}
spec:
  host: r
  trafficPolicy:
    connectionPool:
      http: {http2KeepAlive: {time: 10s}}
    loadBalancer: {zoneAwareLbSetting: {enabled: true}}
    outlierDetection: {outlierDetectionHttpErrorCodes: [503]}
    tunnel: {protocol: CONNECT, targetHost: proxy, targetPort: 8080}
`);
    expect(summary(dr.diagnostics)).toEqual([
      'ML3024 spec.trafficPolicy.loadBalancer.zoneAwareLbSetting@9',
      'ML3024 spec.trafficPolicy.connectionPool.http.http2KeepAlive@8',
      'ML3024 spec.trafficPolicy.outlierDetection.outlierDetectionHttpErrorCodes@10',
      'ML3024 spec.trafficPolicy.tunnel@11',
    ]);
    const vs = loadOne(virtualService(`  hosts: [reviews]
  http:
  - match: [{uri: {prefix: /old}}]
    redirect: {uri: /new, prefixRewrite: /new}
  tcp:
  - match: [{port: 31400, sourceSubnet: 10.0.0.0/8}]
    route: [{destination: {host: reviews}}]
  tls:
  - match: [{port: 443, sniHosts: [reviews], statPrefix: x}]
    route: [{destination: {host: reviews}}]
`));
    // statPrefix is Istio's only in HTTP matches: in a tls match it is a plain unknown field.
    expect(summary(vs.diagnostics)).toEqual([
      'ML3024 spec.http[0].redirect.prefixRewrite@9',
      'ML3024 spec.tcp[0].match[0].sourceSubnet@11',
      'ML2001 spec.tls[0].match[0].statPrefix@14',
    ]);
  });

  it('reports wrong types, saying what was written', () => {
    const r = loadOne(virtualService(`  hosts: reviews
  http:
  - route:
    - destination: {host: reviews, port: {number: "9080"}}
      weight: 1.5
    timeout: 10
`));
    expect(summary(r.diagnostics)).toEqual(['ML2002 spec.hosts@6', 'ML2002 spec.http[0].route[0].destination.port.number@9', 'ML2002 spec.http[0].timeout@11']);
    expect(r.diagnostics[0]!.message).toBe('spec.hosts must be a list, not a string ("reviews")');
    expect(r.diagnostics[1]!.message).toContain('must be a number, not a string ("9080")');
  });

  it('for a bare number where a duration belongs, suggests the unit (quoting "1.5" would not help)', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - timeout: 1.5
    retries: {attempts: 2, perTryTimeout: 2}
    route: [{destination: {host: reviews}}]
`));
    expect(r.diagnostics.map((d) => [d.code, d.field, d.message])).toEqual([
      ['ML2002', 'spec.http[0].timeout', 'spec.http[0].timeout must be a duration with a unit, such as 1.5s or 1.5ms; kubectl reads 1.5 as a number'],
      ['ML2002', 'spec.http[0].retries.perTryTimeout', 'spec.http[0].retries.perTryTimeout must be a duration with a unit, such as 2s or 2ms; kubectl reads 2 as a number'],
    ]);
  });

  it('for a bare number where a percentage belongs, shows the mapping to write', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - route: [{destination: {host: reviews, subset: v1}}]
    fault:
      abort:
        httpStatus: 503
        percentage: 10
    mirror: {host: reviews, subset: v2}
    mirrorPercentage: 50
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:12:9: error ML2002: spec.http[0].fault.abort.percentage must be a mapping, not the number 10; write percentage: {value: 10} [spec.http[0].fault.abort.percentage]',
      'config.yaml:14:5: error ML2002: spec.http[0].mirrorPercentage must be a mapping, not the number 50; write mirrorPercentage: {value: 50} [spec.http[0].mirrorPercentage]',
    ]);
  });

  it('a field indented under a map of labels says where it belongs (one diagnostic: the field is not also missing)', () => {
    const gateway = loadOne(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
  namespace: bookinfo
spec:
  selector:
    istio: ingressgateway
    servers:
    - port: {number: 80, name: http, protocol: HTTP}
      hosts: ["bookinfo.example.com"]
`);
    expect(gateway.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:9:5: error ML2002: "servers" is indented under "selector", so YAML reads it as an entry of selector; it belongs to spec: indent "servers" as far as "selector" [spec.selector.servers]',
    ]);
    const rule = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: v1
      trafficPolicy: {loadBalancer: {simple: RANDOM}}
      tier: [a, b]
`);
    expect(rule.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '10:7 "trafficPolicy" is indented under "labels", so YAML reads it as an entry of labels; it belongs to spec.subsets[0]: indent "trafficPolicy" as far as "labels"',
      '11:7 spec.subsets[0].labels.tier must be a string, not a list',
    ]);
  });

  it('quotes a number or boolean where a string belongs as written, and says to quote it', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, labels: {track: 2.50}}
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      version: 1.10   # a release number
`);
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'metadata.labels.track must be a string; kubectl reads 2.50 as the number 2.5; quote it: "2.50"',
      'spec.subsets[0].labels.version must be a string; kubectl reads 1.10 as the number 1.1; quote it: "1.10"',
    ]);
    const vs = loadOne(virtualService(`  hosts: [reviews]
  http:
  - match: [{headers: {canary: {exact: true}}}]
    route: [{destination: {host: reviews}}]
`));
    expect(vs.diagnostics.map((d) => d.message)).toEqual(['spec.http[0].match[0].headers.canary.exact must be a string; kubectl reads true as the boolean true; quote it: "true"']);
  });

  it('lists the allowed values of an enum, quotes what was written and suggests the closest value', () => {
    const dr = (simple: string) =>
      loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: x}
spec:
  host: x
  trafficPolicy:
    loadBalancer:
      simple: ${simple}
`);
    const values = '"UNSPECIFIED", "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH", "LEAST_CONN"';
    const typo = dr('ROUND_ROBINN');
    expect(summary(typo.diagnostics)).toEqual(['ML2003 spec.trafficPolicy.loadBalancer.simple@8']);
    expect(typo.diagnostics[0]!.message).toBe(`spec.trafficPolicy.loadBalancer.simple must be one of ${values}; got "ROUND_ROBINN"; did you mean "ROUND_ROBIN"?`);
    expect(dr('least_conn').diagnostics[0]!.message).toBe(`spec.trafficPolicy.loadBalancer.simple must be one of ${values}; got "least_conn"; did you mean "LEAST_CONN"?`);
    expect(dr('MAGLEV').diagnostics[0]!.message).toBe(`spec.trafficPolicy.loadBalancer.simple must be one of ${values}; got "MAGLEV"`);
    expect(dr('3').diagnostics[0]!.message).toBe(`spec.trafficPolicy.loadBalancer.simple must be one of ${values}; got the number 3`);
  });

  it('says "not supported yet" (ML3024), not "must be one of", for an enum value Istio accepts and meshlog lacks', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ext}
spec:
  hosts: [api.example.com]
  ports: [{number: 443, name: tls, protocol: TLS}]
  resolution: DYNAMIC_DNS
`);
    // ServiceEntry's schema is another change's to extend: once it accepts DYNAMIC_DNS, no diagnostic is right too.
    expect(r.diagnostics.filter((d) => d.code === 'ML2003')).toEqual([]);
    for (const d of r.diagnostics.filter((d) => d.field === 'spec.resolution')) {
      expect([d.code, d.message]).toEqual(['ML3024', 'spec.resolution DYNAMIC_DNS is valid Istio but not supported by meshlog yet; use one of "NONE", "STATIC", "DNS", "DNS_ROUND_ROBIN" until meshlog supports it']);
    }
  });

  it('reports missing required fields at the parent', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  subsets:
  - labels: {version: v1}
`);
    expect(summary(r.diagnostics)).toEqual(['ML2004 spec.host@4', 'ML2004 spec.subsets[0].name@6']);
  });

  it('accepts kubectl output: server-set metadata and status', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: gw
  namespace: edge
  uid: 0b9f
  resourceVersion: "42"
  labels: {app.kubernetes.io/name: gw}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*"]
status: {}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.gateways[0]!.metadata).toEqual({ name: 'gw', namespace: 'edge', labels: { 'app.kubernetes.io/name': 'gw' }, annotations: {} });
  });

  it('is permissive for Kubernetes Services (a foreign API)', () => {
    const r = loadOne(`apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo}
spec:
  type: ClusterIP
  sessionAffinity: None
  selector: {app: reviews}
  ports:
  - {name: http, port: 9080, targetPort: 9080, protocol: TCP, nodePort: 30080}
  - {name: admin, port: 9090, targetPort: admin}
`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.services[0]!.spec.ports?.map((p) => p.targetPort)).toEqual([9080, 'admin']);
  });

  it('fills MeshConfig defaults and rejects unknown MeshConfig fields', () => {
    const ok = loadOne('apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec:\n  defaults: {retries: {attempts: 5}}\n');
    expect(ok.diagnostics).toEqual([]);
    expect(ok.resources.meshConfig!.spec).toEqual({
      ...DEFAULT_MESH_CONFIG,
      defaults: { ...DEFAULT_MESH_CONFIG.defaults, retries: { ...DEFAULT_MESH_CONFIG.defaults.retries, attempts: 5 } },
    });
    expect(DEFAULT_MESH_CONFIG.defaults.connectTimeout).toBe('10s');
    const bad = loadOne('apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {clusterDomian: x}\n');
    expect(summary(bad.diagnostics)).toEqual(['ML2001 spec.clusterDomian@4']);
  });
});

describe('durations', () => {
  it('parses Istio (Go) duration syntax to milliseconds', () => {
    expect(parseDurationMs('1.5s')).toBe(1500);
    expect(parseDurationMs('300ms')).toBe(300);
    expect(parseDurationMs('1h30m')).toBe(5_400_000);
    expect(parseDurationMs('0')).toBe(0);
    expect(parseDurationMs('250us')).toBeCloseTo(0.25);
    expect(durationToWholeMs('250us')).toBe(1);
    for (const bad of ['', '10', '-1s', '1 s', 's', '1.5', '1d', '1e3s']) expect(parseDurationMs(bad), bad).toBeUndefined();
  });
});
