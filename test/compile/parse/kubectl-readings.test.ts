// The loader reads mesh config as kubectl does (YAML 1.1 scalars, go-yaml's colons in flow
// collections), and says where kubectl's reading is not what the text seems to say: at the
// file, line and column, with the field and what to write.
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { parseYamlFile } from '../../../src/compile/parse/yaml-documents.ts';
import { loadOne, virtualService } from './helpers.ts';

const messages = (yaml: string) => loadOne(yaml).diagnostics.map(formatDiagnostic);

describe('mesh config read as kubectl reads it', () => {
  it("loads Istio's own valid ServiceEntry with an IPv6 address in a flow list (serviceentry-valid.yaml)", () => {
    // istio/istio pkg/config/validation/testdata/crds/serviceentry-valid.yaml, first document:
    // Istio's tests require the API server to accept it, so kubectl sends "001:db8::" as a string.
    const yaml = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata:
  name: full
  namespace: default
spec:
  hosts: ["example.com"]
  workloadSelector:
    labels:
      foo: bar
  addresses: [1.2.3.4, 001:db8::]
  exportTo: [foo, .]
  location: MESH_EXTERNAL
  ports:
    - name: foo
      protocol: HTTP
      number: 1234
      targetPort: 2345
  subjectAltNames: [sa]
  resolution: DNS
`;
    const r = loadOne(yaml);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.resources.serviceEntries[0]!.spec.addresses).toEqual(['1.2.3.4', '001:db8::']);
    // The full YAML path reads it the same way.
    expect(parseYamlFile('se.yaml', yaml, 10, { fast: false }).documents[0]!.value).toMatchObject({ spec: { addresses: ['1.2.3.4', '001:db8::'] } });
  });

  it('reads an IPv6 address ending in :: first in a flow list, and in a multi-line one', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: v6, namespace: default}
spec:
  hosts: [v6.example.com]
  addresses: [2001:db8::, 10.0.0.1]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 2001:db8::1}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: v6-split, namespace: default}
spec:
  hosts: [v6-split.example.com]
  addresses: [
    2001:db8::,
    10.0.0.2]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.1.1.1}]
`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.resources.serviceEntries.map((s) => s.spec.addresses)).toEqual([
      ['2001:db8::', '10.0.0.1'],
      ['2001:db8::', '10.0.0.2'],
    ]);
  });

  it('accepts YAML 1.1 booleans in boolean fields, as kubectl sends them', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw, namespace: default}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["*.example.com"]
    tls:
      httpsRedirect: yes
---
${virtualService(`  hosts: [reviews]
  http:
  - match:
    - uri: {prefix: /api}
      ignoreUriCase: on
    route:
    - destination: {host: reviews}
    corsPolicy:
      allowOrigins: [{exact: "https://a.example.com"}]
      allowCredentials: Yes
    retries: {attempts: 2, retryRemoteLocalities: N}
`)}`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([]);
    expect(r.resources.gateways[0]!.spec.servers![0]!.tls!.httpsRedirect).toBe(true);
    const http = r.resources.virtualServices[0]!.spec.http![0]!;
    expect([http.match![0]!.ignoreUriCase, http.corsPolicy!.allowCredentials, http.retries!.retryRemoteLocalities]).toEqual([true, true, false]);
  });

  it('refuses a YAML 1.1 boolean where a string belongs, as the API server would, and says to quote it', () => {
    expect(
      messages(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: reviews
  labels: {canary: yes}
spec:
  host: reviews
  subsets:
  - name: v1
    labels:
      track: off
`),
    ).toEqual([
      'config.yaml:5:12: error ML2002: metadata.labels.canary must be a string; kubectl reads yes as the boolean true; quote it: "yes" [metadata.labels.canary]',
      'config.yaml:11:7: error ML2002: spec.subsets[0].labels.track must be a string; kubectl reads off as the boolean false; quote it: "off" [spec.subsets[0].labels.track]',
    ]);
  });

  it('says what kubectl reads for a name written as a YAML 1.1 boolean or an octal number', () => {
    expect(messages(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: y\nspec: {host: r}\n---\napiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: 0755}\nspec: {host: r}\n`)).toEqual([
      'config.yaml:4:3: error ML1015: DestinationRule\'s metadata.name must be a string; kubectl reads y as the boolean true; quote it: "y" [metadata.name]',
      'config.yaml:9:12: error ML1015: DestinationRule\'s metadata.name must be a string; kubectl reads 0755 as the number 493; quote it: "0755" [metadata.name]',
    ]);
  });

  it('names the YAML 1.1 boolean written where an enum value belongs', () => {
    expect(messages(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  trafficPolicy: {loadBalancer: {simple: NO}}\n`)).toEqual([
      'config.yaml:6:34: error ML2003: spec.trafficPolicy.loadBalancer.simple must be one of "UNSPECIFIED", "ROUND_ROBIN", "LEAST_REQUEST", "RANDOM", "PASSTHROUGH", "LEAST_CONN"; got NO, which kubectl reads as the boolean false [spec.trafficPolicy.loadBalancer.simple]',
    ]);
  });

  it('warns of a number kubectl reads as octal, and compiles the value kubectl sends', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews, port: {number: 010}}
      weight: 100
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:9:43: warning ML1021: kubectl reads 010 as an octal number: 8, not 10; write 8 or 10, whichever you mean [spec.http[0].route[0].destination.port.number]',
    ]);
    expect(r.resources.virtualServices[0]!.spec.http![0]!.route![0]!.destination.port!.number).toBe(8);
  });

  it('reports a leading-zero number where a string belongs once, as the string to quote', () => {
    expect(messages(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n  subsets:\n  - name: v1\n    labels: {build: 0755}\n`)).toEqual([
      'config.yaml:8:14: error ML2002: spec.subsets[0].labels.build must be a string; kubectl reads 0755 as the number 493; quote it: "0755" [spec.subsets[0].labels.build]',
    ]);
  });

  it('warns of a key kubectl sends as another string', () => {
    expect(messages(`apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: r\n  labels:\n    on: duty\n    "y": ok\nspec: {host: r}\n`)).toEqual([
      'config.yaml:6:5: warning ML1021: kubectl reads the key on as the boolean true and sends the key "true"; quote it ("on") to keep it as written [metadata.labels.true]',
    ]);
  });

  it('refuses what kubectl cannot read or send, and does not compile the resource', () => {
    const r = loadOne(virtualService(`  hosts: [reviews]
  http:
  - match:
    - uri: {exact: /search?q=1}
    - uri: {exact: "/search?q=2"}
    route:
    - destination: {host: reviews}
`));
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:9:13: error ML1020: kubectl reads a ? in an unquoted value inside [ ] or { } as YAML syntax, so it does not read /search?q=1 there as written; quote it: "/search?q=1" [spec.http[0].match[0].uri.exact]',
    ]);
    expect(r.resources.virtualServices).toEqual([]);
    expect(
      messages(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: local, namespace: default}
spec:
  hosts: [local.example.com]
  addresses: [::1]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: "::1"}]
`),
    ).toEqual([
      'config.yaml:6:15: error ML1020: kubectl reads a : at its start in an unquoted value inside [ ] or { } as YAML syntax, so it does not read ::1 there as written; quote it: "::1" [spec.addresses[0]]',
    ]);
    expect(messages(virtualService(`  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n      weight: .inf\n`))).toEqual([
      'config.yaml:10:7: error ML1020: kubectl reads .inf as infinity, which JSON cannot carry, and cannot send it; write a number, or quote it (".inf") for text [spec.http[0].route[0].weight]',
    ]);
  });

  it('notes only in documents meshlog checks: a Deployment means its octal file mode', () => {
    const r = loadOne(`apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      volumes: [{name: conf, configMap: {name: conf, defaultMode: 0644}}]
      containers: [{name: web, image: web, args: [--url=/p?q]}]
---
${virtualService(`  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
    retries: {attempts: 010, perTryTimeout: 2s}
`)}`);
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity} ${d.line}`)).toEqual(['ML1014 info 2', 'ML1021 warning 19']);
  });

  it('reports a List item at its place in the List', () => {
    const r = loadOne(`apiVersion: v1
kind: List
items:
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: a}
  spec: {host: a}
- apiVersion: networking.istio.io/v1
  kind: DestinationRule
  metadata: {name: b}
  spec:
    host: b
    trafficPolicy: {connectionPool: {tcp: {maxConnections: 0100}}}
`);
    expect(r.diagnostics.map(formatDiagnostic)).toEqual([
      'config.yaml:13:44: warning ML1021: kubectl reads 0100 as an octal number: 64, not 100; write 64 or 100, whichever you mean [items[1].spec.trafficPolicy.connectionPool.tcp.maxConnections]',
    ]);
  });
});
