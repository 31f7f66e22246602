import { describe, expect, it } from 'vitest';
import { codes, load, loadOne, summary } from './helpers.ts';

const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts: [reviews]
  http:
  - route:
    - destination: {host: reviews}
`;

describe('document classification', () => {
  it('loads the Istio kinds in every accepted apiVersion', () => {
    const docs = ['v1', 'v1beta1', 'v1alpha3'].map((v, i) => VS.replace('networking.istio.io/v1', `networking.istio.io/${v}`).replace('name: reviews', `name: r${i}`));
    const r = loadOne(docs.join('---\n'));
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.virtualServices.map((v) => [v.apiVersion, v.metadata.name])).toEqual([
      ['networking.istio.io/v1', 'r0'],
      ['networking.istio.io/v1beta1', 'r1'],
      ['networking.istio.io/v1alpha3', 'r2'],
    ]);
  });

  it('skips other Kubernetes kinds with an info note, and keeps going', () => {
    const r = loadOne(`apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec: {replicas: 2}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
---
${VS}`);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['ML1014', 'info', 2],
      ['ML1014', 'info', 7],
    ]);
    expect(r.resources.virtualServices).toHaveLength(1);
  });

  it('rejects unknown kinds and apiVersions inside the Istio and meshlog groups', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: VirtualServce
metadata: {name: a}
---
apiVersion: networking.istio.io/v2
kind: VirtualService
metadata: {name: b}
---
apiVersion: meshlog.dev/v1
kind: MeshConfig
metadata: {name: c}
---
apiVersion: meshlog.dev/v1alpha1
kind: Mesh
metadata: {name: d}
`);
    expect(summary(r.diagnostics)).toEqual(['ML1012 kind@2', 'ML1011 apiVersion@5', 'ML1011 apiVersion@9', 'ML1012 kind@14']);
    expect(r.diagnostics[0]!.message).toBe('unknown kind "VirtualServce" in networking.istio.io; did you mean "VirtualService"?');
  });

  it('suggests the kind a differently-cased one was meant to be, and lists the kinds when none is close', () => {
    const r = loadOne('apiVersion: networking.istio.io/v1\nkind: Virtualservice\nmetadata: {name: a}\n---\napiVersion: networking.istio.io/v1\nkind: Route\nmetadata: {name: b}\n');
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'unknown kind "Virtualservice" in networking.istio.io; did you mean "VirtualService"?',
      'unknown kind "Route" in networking.istio.io; known kinds: VirtualService, DestinationRule, ServiceEntry, Gateway, Sidecar, WorkloadEntry, WorkloadGroup, EnvoyFilter, ProxyConfig',
    ]);
  });

  it('reports real Istio kinds meshlog cannot compile yet with a warning, not silently', () => {
    const r = loadOne(`apiVersion: networking.istio.io/v1
kind: Sidecar
metadata: {name: a}
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: {name: b}
`);
    expect(codes(r.diagnostics)).toEqual(['ML1013', 'ML1013']);
    expect(r.diagnostics.every((d) => d.severity === 'warning')).toBe(true);
    expect(r.diagnostics[0]!.message).toBe(
      'Sidecar default/a is not applied: meshlog does not compile Sidecar resources, so its egress and ingress scoping is not applied: the proxies it selects see every exported host',
    );
  });

  it('warns that Gateway API resources are not compiled, in both Gateway API groups', () => {
    const r = loadOne(`apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: {name: r}
spec: {}
---
apiVersion: gateway.networking.x-k8s.io/v1alpha1
kind: XBackendTrafficPolicy
metadata: {name: p}
spec: {}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
`);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line])).toEqual([
      ['ML1019', 'warning', 2],
      ['ML1019', 'warning', 7],
      ['ML1014', 'info', 12],
    ]);
    expect(r.diagnostics[0]!.message).toBe(
      'HTTPRoute (gateway.networking.k8s.io/v1) is Kubernetes Gateway API, which meshlog does not compile; skipped, and any routing it defines is not applied',
    );
  });

  it('reads CRLF files and reports positions on the right lines; unknown tags only warn', () => {
    const crlf = VS.replace('host: reviews}', 'host: reviews, port: {number: "80"}}').replaceAll('\n', '\r\n');
    expect(summary(loadOne(crlf).diagnostics)).toEqual(['ML2002 spec.http[0].route[0].destination.port.number@9']);
    const tagged = loadOne(VS.replace('hosts: [reviews]', 'hosts: [!custom reviews]'));
    expect(summary(tagged.diagnostics)).toEqual(['ML1017@6']);
    expect(tagged.resources.virtualServices[0]!.spec.hosts).toEqual(['reviews']);
  });

  it('requires apiVersion, kind and metadata.name', () => {
    const r = loadOne(`kind: VirtualService
metadata: {name: a}
---
apiVersion: networking.istio.io/v1
metadata: {name: b}
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {namespace: x}
spec: {}
`);
    expect(summary(r.diagnostics)).toEqual(['ML1010 apiVersion@1', 'ML1010 kind@4', 'ML1015 metadata.name@9']);
    expect(r.diagnostics.find((d) => d.code === 'ML1015')?.message).toBe('Gateway has no metadata.name');
  });

  it('says a name that is not a string may be an unrendered template', () => {
    // `{{ .Release.Name }}` is a valid YAML flow mapping, so the YAML parses.
    const templated = loadOne(`apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: {{ .Release.Name }}\nspec: {}\n`);
    expect(templated.diagnostics.map((d) => d.message)).toEqual([
      "Gateway's metadata.name must be a string, not a mapping (an unrendered Helm/Go template, {{ … }}? commit the rendered manifests)",
    ]);
    const listed = loadOne(`apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata:\n  name: [a]\nspec: {}\n`);
    expect(listed.diagnostics.map((d) => d.message)).toEqual(["Gateway's metadata.name must be a string, not a list"]);
  });
});

describe('YAML that is not a Kubernetes manifest', () => {
  it('Helm values, Chart.yaml and a kustomization without apiVersion/kind are skipped with a note saying why', () => {
    const r = load({
      'chart/values.yaml': 'replicaCount: 2\nimage: {repository: nginx}\n',
      'chart/Chart.yaml': 'apiVersion: v2\nname: bookinfo\nversion: 0.1.0\n',
      'kustomization.yaml': 'resources: [routing/reviews.yaml]\n',
    });
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.diagnostics.map((d) => `${d.file} ${d.code} ${d.message}`)).toEqual([
      'chart/Chart.yaml ML1014 not a Kubernetes manifest (apiVersion v2 but no kind); skipped',
      'chart/values.yaml ML1014 not a Kubernetes manifest (no apiVersion/kind); skipped',
      'kustomization.yaml ML1014 not a Kubernetes manifest (no apiVersion/kind); skipped',
    ]);
  });

  it('a kustomize JSON patch (a list of op/path operations) is skipped with a note; any other list is an error', () => {
    const r = load({
      'overlays/patch.yaml': '- op: replace\n  path: /spec/http/0/route/0/weight\n  value: 50\n- op: remove\n  path: /spec/http/1\n',
      'list.yaml': '- a\n- b\n',
    });
    expect(r.diagnostics.map((d) => `${d.file} ${d.code} ${d.severity}`)).toEqual(['list.yaml ML1009 error', 'overlays/patch.yaml ML1014 info']);
  });

  it('an Istio kind without apiVersion, or an Istio/meshlog apiVersion without kind, is still an error', () => {
    const r = loadOne('kind: DestinationRule\nmetadata: {name: a}\n---\napiVersion: networking.istio.io/v1\nmetadata: {name: b}\n---\napiVersion: meshlog.dev/v1alpha1\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.message}`)).toEqual([
      'ML1010 document 1 has no string apiVersion',
      'ML1010 document 2 has no string kind',
      'ML1010 document 3 has no string kind',
    ]);
  });

  it('a resource that lost its apiVersion and kind lines (metadata and spec left) is an error, not skipped', () => {
    const r = loadOne('metadata: {name: reviews, namespace: shop}\nspec:\n  hosts: [reviews]\n  http: [{route: [{destination: {host: reviews}}]}]\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.severity} ${d.message}`)).toEqual(['ML1010 error document 1 has no string apiVersion']);
  });
});

describe('JSON manifests', () => {
  it('reads *.json Kubernetes objects (positions from the full parser), and skips other JSON with a note', () => {
    const r = load({
      'vs.json': `{
  "apiVersion": "networking.istio.io/v1",
  "kind": "VirtualService",
  "metadata": {"name": "reviews"},
  "spec": {"hosts": ["reviews"],
    "http": [{"route": [{"destination": {"host": "reviews", "subset": "v1"}}]}]}
}
`,
      'bad.json': '{"apiVersion": "networking.istio.io/v1", "kind": "DestinationRule", "metadata": {"name": "r"},\n "spec": {"host": "r", "subsets": [{"name": "v1", "lables": {"v": "1"}}]}}\n',
      'package.json': '{"name": "x", "kind": "module", "scripts": {"test": "vitest"}}\n',
      'tsconfig.json': '{\n  // JSONC, not YAML\n  "compilerOptions": {"strict": true,},\n}\n',
      // A manifest that lost its apiVersion is an error, as in a .yaml file: not skipped unread.
      'lost.json': '{"kind": "VirtualService", "metadata": {"name": "x"}, "spec": {"hosts": ["a"]}}\n',
      // JSONC with some tool's nested "kind": no YAML, no apiVersion: skipped, not an error.
      'tasks.json': '{\n  // see: x\n  "group": {"kind": "build"}\n}\n',
    });
    expect(r.resources.virtualServices.map((v) => [v.metadata.name, v.file])).toEqual([['reviews', 'vs.json']]);
    expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.field}`)).toEqual([
      'ML1010 lost.json:1:1 apiVersion',
      'ML2001 bad.json:2:51 spec.subsets[0].lables',
    ]);
    expect(r.diagnostics.filter((d) => d.severity === 'info').map((d) => `${d.code} ${d.file}: ${d.message}`)).toEqual([
      'ML1014 package.json: not a Kubernetes manifest (kind module but no apiVersion); skipped',
      'ML1014 tasks.json: not a Kubernetes manifest (JSON without "apiVersion" that does not parse, such as JSON with comments); skipped',
      'ML1014 tsconfig.json: not a Kubernetes manifest (JSON without "apiVersion" or "kind"); skipped',
    ]);
  });
});

describe('namespaces', () => {
  it('reads metadata fields written with no value (null) as absent, as Kubernetes does', () => {
    const r = loadOne(`apiVersion: v1
kind: Service
metadata:
  name: kiali
  namespace:
  labels:
  annotations:
spec:
  ports: [{name: http, port: 20001}]
---
${VS.replace('  name: reviews\n', '  name: reviews\n  namespace: bookinfo\n  labels:\n  annotations:\n')}---
apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata:
  name: mesh
  labels:
`);
    expect(summary(r.diagnostics)).toEqual([]);
    expect(r.resources.services.map((s) => [s.metadata.namespace, s.metadata.labels, s.metadata.annotations])).toEqual([['default', {}, {}]]);
    expect(r.resources.virtualServices.map((v) => [v.metadata.namespace, v.metadata.labels])).toEqual([['bookinfo', {}]]);
  });

  it('reads spec fields written with no value as absent, as the API server prunes them; a null map entry or list item stays an error', () => {
    const spec = loadOne(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: r}
spec:
  host: reviews
  trafficPolicy:
  subsets:
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  gateways:
  http:
  - retries:
    corsPolicy: {allowOrigins: [{exact: a.example}], allowCredentials: null}
    route: [{destination: {host: reviews}}]
`);
    expect(summary(spec.diagnostics)).toEqual([]);
    expect(spec.resources.destinationRules.map((d) => d.spec)).toEqual([{ host: 'reviews' }]);
    expect(spec.resources.virtualServices.map((v) => v.spec.http?.[0]?.retries)).toEqual([undefined]);
    // `headers: {end-user: }` would match every request once pruned: refused instead.
    const header = loadOne('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [reviews]\n  http:\n  - match: [{headers: {end-user: }}]\n    route: [{destination: {host: reviews}}]\n');
    expect(summary(header.diagnostics)).toEqual(['ML2002 spec.http[0].match[0].headers.end-user@7']);
    // Nor `{exact: }`, which pruned would be `{}`: "the header is present".
    const exact = loadOne('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [reviews]\n  http:\n  - match: [{headers: {end-user: {exact: }}}]\n    route: [{destination: {host: reviews}}]\n');
    expect(summary(exact.diagnostics)).toEqual(['ML2002 spec.http[0].match[0].headers.end-user.exact@7']);
    const item = loadOne('apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: v}\nspec:\n  hosts: [reviews, null]\n');
    expect(summary(item.diagnostics)).toEqual(['ML2002 spec.hosts[1]@5']);
  });

  it('defaults to "default", or to MeshConfig defaultNamespace (whichever file it is in)', () => {
    const plain = loadOne(VS);
    expect(plain.resources.virtualServices[0]!.metadata.namespace).toBe('default');
    const withMesh = load({
      'a/routes.yaml': VS,
      'z/meshlog.yaml': 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {defaultNamespace: shop}\n',
    });
    expect(withMesh.diagnostics).toEqual([]);
    expect(withMesh.resources.virtualServices[0]!.metadata.namespace).toBe('shop');
    expect(withMesh.resources.meshConfig?.spec.clusterDomain).toBe('cluster.local');
  });

  it('reports two MeshConfigs, each naming the other', () => {
    const mc = 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\n';
    const r = load({ 'meshlog.yaml': mc, 'other/meshlog.yaml': mc });
    expect(summary(r.diagnostics)).toEqual(['ML1016 kind@2', 'ML1016 kind@2']);
    // Each names its own MeshConfig, and points at the other one where the other's own
    // diagnostic points (its kind), so the two locations agree.
    const mesh = { kind: 'MeshConfig', namespace: 'default', name: 'mesh' };
    expect(r.diagnostics.map((d) => [d.file, d.line, d.column, d.resource, d.related])).toEqual([
      ['meshlog.yaml', 2, 1, mesh, [{ resource: mesh, file: 'other/meshlog.yaml', line: 2, column: 1 }]],
      ['other/meshlog.yaml', 2, 1, mesh, [{ resource: mesh, file: 'meshlog.yaml', line: 2, column: 1 }]],
    ]);
    expect(r.resources.meshConfig).toBeUndefined();
  });
});

describe('multi-document files and ordering', () => {
  it('skips empty documents, rejects non-mapping ones, keeps loading the rest', () => {
    const r = loadOne(`---
# only a comment
---
- a list
---
just a string
---
${VS}`);
    expect(summary(r.diagnostics)).toEqual(['ML1009@4', 'ML1009@6']);
    expect(r.resources.virtualServices[0]!.docIndex).toBe(3);
  });

  it('sorts resources by namespace, name, file — whatever order the files come in', () => {
    const mk = (name: string, ns: string) => VS.replace('name: reviews', `name: ${name}\n  namespace: ${ns}`);
    const a = { 'b.yaml': mk('x', 'b') + '---\n' + mk('a', 'b'), 'a.yml': mk('z', 'a') };
    const reversed = Object.fromEntries(Object.entries(a).reverse());
    const ids = (m: Record<string, string>) => load(m).resources.virtualServices.map((v) => `${v.metadata.namespace}/${v.metadata.name}@${v.file}`);
    expect(ids(a)).toEqual(['a/z@a.yml', 'b/a@b.yaml', 'b/x@b.yaml']);
    expect(ids(reversed)).toEqual(ids(a));
  });

  it('groups copies by kind, namespace and name, reporting groups in order of first appearance', () => {
    const vs = (name: string) => VS.replace('name: reviews', `name: ${name}`);
    const dr = (name: string) => `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: ${name}}\nspec: {host: ${name}}\n`;
    const r = load({ 'a.yaml': `${vs('z')}---\n${vs('x')}---\n${dr('x')}`, 'b.yaml': `${vs('x')}---\n${vs('z')}`, 'c.yaml': vs('x') });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file} ${d.message}`)).toEqual([
      'ML1018 a.yaml VirtualService default/z is defined 2 times',
      'ML1018 b.yaml VirtualService default/z is defined 2 times',
      'ML1018 a.yaml VirtualService default/x is defined 3 times',
      'ML1018 b.yaml VirtualService default/x is defined 3 times',
      'ML1018 c.yaml VirtualService default/x is defined 3 times',
    ]);
    expect(r.resources.virtualServices).toEqual([]);
    expect(r.resources.destinationRules.map((d) => d.metadata.name)).toEqual(['x']); // another kind: not a copy
  });

  it('reports a resource defined twice at both places and keeps neither', () => {
    const r = load({ 'a.yaml': VS, 'b.yaml': `\n\n${VS}` });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(['ML1018 a.yaml:4', 'ML1018 b.yaml:6']);
    expect(r.diagnostics[0]!.related?.[0]).toMatchObject({ file: 'b.yaml', line: 6 });
    expect(r.resources.virtualServices).toEqual([]);
  });

  it('locate() points at fields, and at the nearest ancestor for missing ones', () => {
    const r = loadOne(VS);
    const vs = r.resources.virtualServices[0]!;
    expect(vs.locate(['spec', 'http', 0, 'route', 0, 'destination', 'host'])).toEqual({ line: 9, column: 21 });
    expect(vs.locate(['spec', 'http', 0])).toEqual({ line: 8, column: 5 });
    expect(vs.locate(['spec', 'http', 3, 'timeout'])).toEqual({ line: 7, column: 3 });
  });

  it('leaves a broken document out but returns its valid neighbours', () => {
    const r = loadOne(`${VS}---\n${VS.replace('name: reviews', 'name: broken').replace('host: reviews}', 'host: reviews, wat: 1}')}`);
    expect(summary(r.diagnostics)).toEqual(['ML2001 spec.http[0].route[0].destination.wat@19']);
    expect(r.resources.virtualServices.map((v) => v.metadata.name)).toEqual(['reviews']);
  });
});

describe('typos that would otherwise change routing without a word', () => {
  const service = (meta: string, extra = '') => `apiVersion: v1
kind: Service
metadata:
  name: ratings
  namespace: shop
${meta}spec:
  selector: {app: ratings}
  ports:
  - name: http
    port: 9080
${extra}`;

  it('an unknown metadata field is an error naming the closest one, on Istio kinds and Services alike', () => {
    const r = load({
      'svc.yaml': service('  annotatons: {meshlog.dev/endpoints: "10.0.0.1"}\n'),
      'dr.yaml': 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r, namespce: shop}\nspec: {host: r}\n',
    });
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.file}:${d.line} ${d.field}: ${d.message}`)).toEqual([
      'ML2001 dr.yaml:3 metadata.namespce: unknown field "namespce" in metadata; did you mean "namespace"?',
      'ML2001 svc.yaml:6 metadata.annotatons: unknown field "annotatons" in metadata; did you mean "annotations"?',
    ]);
    expect(r.resources.services).toEqual([]);
  });

  it('server-set metadata from kubectl get -o yaml still loads', () => {
    const r = load({
      'svc.yaml': service(
        '  uid: 6f1c2a8e-0000-4000-8000-000000000000\n  resourceVersion: "12345"\n  creationTimestamp: null\n  generation: 2\n  managedFields: [{manager: kubectl}]\n  finalizers: [x/y]\n  ownerReferences: []\n  generateName: r-\n  selfLink: /api/v1/x\n  deletionGracePeriodSeconds: 30\n  deletionTimestamp: "2026-01-01T00:00:00Z"\n',
      ),
    });
    expect(r.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    expect(r.resources.services.map((s) => s.metadata.name)).toEqual(['ratings']);
  });

  it('a misspelt field of a Service port is a warning naming the field it meant (ML3046)', () => {
    const r = load({ 'svc.yaml': service('', '    targetPrt: 8080\n') });
    expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.severity} ${d.line} ${d.field}: ${d.message}`)).toEqual([
      'ML3046 warning 11 spec.ports[0].targetPrt: "targetPrt" is not a field of a Kubernetes Service port, so it is ignored; did you mean "targetPort"?',
    ]);
  });

  it('a misspelt Service (kind or apiVersion) is a warning pointing at the document (ML1022), not an info note', () => {
    const r = load({
      'kind.yaml': service('').replace('kind: Service', 'kind: Servce'),
      'version.yaml': service('').replace('apiVersion: v1', 'apiVersion: v1beta1'),
      'deploy.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n',
    });
    expect(r.diagnostics.filter((d) => d.severity !== 'info').map((d) => `${d.code} ${d.severity} ${d.file}:${d.line} ${d.message}`)).toEqual([
      'ML1022 warning kind.yaml:2 "Servce" is not a kind of Kubernetes\' core API (v1), so it is skipped; did you mean "Service"?',
      'ML1022 warning version.yaml:1 Service with apiVersion "v1beta1": Kubernetes\' core API (no group) has only v1, so this is not read as a Service; skipped',
    ]);
    expect(r.diagnostics.filter((d) => d.severity === 'info').map((d) => `${d.code} ${d.file}`)).toEqual(['ML1014 deploy.yaml', 'ML1014 deploy.yaml']);
    // Other kinds the core API does not list are no misspelt Service: info notes, as before.
    const other = load({ 'kubeconfig.yaml': 'apiVersion: v1\nkind: Config\nclusters: []\n', 'route.yaml': 'apiVersion: v1\nkind: Route\nmetadata: {name: r}\nspec: {}\n' });
    expect(other.diagnostics.map((d) => `${d.code} ${d.severity} ${d.file}`)).toEqual(['ML1014 info kubeconfig.yaml', 'ML1014 info route.yaml']);
  });
});
