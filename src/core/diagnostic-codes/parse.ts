// ML1xxx — YAML and document structure.
import type { DiagnosticCodeInfo } from './types.ts';

export const PARSE_CODES: readonly DiagnosticCodeInfo[] = [
  {
    code: 'ML1001',
    severity: 'error',
    title: 'YAML syntax error',
    description:
      'The file is not valid YAML at the reported position. Fix the syntax there (a missing colon, an unclosed quote or bracket, wrong indentation); every other document in the file is still checked. For a key without its colon, a key indented unlike the other keys of its mapping and an unclosed quote, the message names the key or quote and says what to change, at its own line and column. A YAML merge key (`<<`) must merge a mapping, an alias of one (`<<: *defaults`) or a list of them.',
  },
  {
    code: 'ML1002',
    severity: 'error',
    title: 'Duplicate key',
    description:
      'A mapping has the same key twice. Kubernetes tools silently keep one of them; meshlog refuses to guess. The diagnostic is at the second occurrence, names the key and its field path, and says where the first one is. Remove or merge the duplicate. When a document repeats `apiVersion` or `kind` at the top level, two resources ran together because the `---` between them is missing: that is reported once, at the line where the second resource starts.',
  },
  {
    code: 'ML1003',
    severity: 'error',
    title: 'Tab used for indentation',
    description: 'YAML does not allow tab characters in indentation. Indent with spaces. The errors a tab causes further down the document are not reported separately.',
  },
  {
    code: 'ML1004',
    severity: 'error',
    title: 'Invalid UTF-8',
    description:
      'The file contains bytes that are not valid UTF-8 at the reported position. Re-save the file as UTF-8 (config files must be text).',
  },
  {
    code: 'ML1005',
    severity: 'error',
    title: 'File too large',
    description:
      'The file is larger than meshlog parses (8 MiB; parsed YAML takes many times its size in memory). ' +
      'Files read from a folder or a revision are held to the same limit when they are read (ML0004), ' +
      'so this is only reported for files given to the compiler otherwise. Mesh configuration files ' +
      'are small; split the file, or move the data that is not mesh config out of the repository.',
  },
  {
    code: 'ML1006',
    severity: 'error',
    title: 'Nesting too deep',
    description:
      'The document nests mappings/lists deeper than 100 levels. No Istio resource needs that; the document is probably generated wrongly. Flatten it.',
  },
  {
    code: 'ML1007',
    severity: 'error',
    title: 'Too many documents',
    description:
      'The repository holds more than 50,000 YAML documents (items of a `kind: List` count too); documents past the limit are not read. The error has no file of its own, so it is listed first; the message and `related` say where reading stopped. Split the mesh, or keep non-mesh manifests out of the config repository.',
  },
  {
    code: 'ML1008',
    severity: 'error',
    title: 'Too many alias expansions',
    description:
      'The document\'s YAML aliases (`*name`) would expand to more than 100,000 nodes — the shape of a "billion laughs" attack — or an alias sits inside the node it refers to (a cycle). The position is the alias that crossed the limit. Write the values out, or use fewer aliases; ordinary reuse (a route referenced a few hundred times) is fine.',
  },
  {
    code: 'ML1009',
    severity: 'error',
    title: 'Document is not a mapping',
    description:
      'Each YAML document must be a Kubernetes-style object (a mapping with apiVersion, kind, metadata, spec). A list, string or number at the top of a document is not one, nor is such a value among the `items` of a `kind: List` document.',
  },
  {
    code: 'ML1010',
    severity: 'error',
    title: 'Missing apiVersion or kind',
    description: 'A document meant for meshlog (an Istio or meshlog `apiVersion`, a kind meshlog reads such as `VirtualService` or `Service`, or the `metadata` and `spec` of a resource) lacks a string `kind` or `apiVersion`. Add it. YAML that is not a Kubernetes manifest at all (Helm `values.yaml` or `Chart.yaml`, `kustomization.yaml` without them) is skipped with an info note (ML1014).',
  },
  {
    code: 'ML1011',
    severity: 'error',
    title: 'Unknown apiVersion',
    description:
      'The apiVersion is in an Istio or meshlog API group but names a version meshlog does not know. Use `networking.istio.io/v1` (or `v1beta1`, `v1alpha3`), `security.istio.io/v1`, or `meshlog.dev/v1alpha1`.',
  },
  {
    code: 'ML1012',
    severity: 'error',
    title: 'Unknown kind',
    description:
      'The kind does not exist in its Istio or meshlog API group (check the spelling and capitalisation, e.g. `VirtualService`).',
  },
  {
    code: 'ML1013',
    severity: 'warning',
    title: 'Istio kind not compiled',
    description:
      'The kind is valid Istio but meshlog does not compile it yet (`Sidecar`, `WorkloadEntry`, `WorkloadGroup`, `EnvoyFilter`, `ProxyConfig`, `AuthorizationPolicy`, `PeerAuthentication`, `RequestAuthentication`, `Telemetry`, `WasmPlugin`), so the proxies do not behave as the document says; meshlog compiles VirtualService, DestinationRule, ServiceEntry, Gateway and Kubernetes Service. The document is skipped, and the message says what proxies then do differently: an AuthorizationPolicy is not enforced (requests it would deny reach the workload), a RequestAuthentication does not validate JWTs, a PeerAuthentication\'s mutual TLS mode is not applied, a Sidecar\'s egress and ingress scoping is not applied (the proxies it selects see every exported host), an EnvoyFilter\'s patches are not made; a WorkloadEntry\'s address (or a WorkloadGroup\'s registered workloads) is not an endpoint of the services that select it, which changes where traffic goes; Telemetry, ProxyConfig and WasmPlugin have no effect on routing. It is a warning, so a repository that also holds these kinds can still have its routing checked; set `strictKinds: true` in MeshConfig to make it an error, so nothing in the repository is skipped. An unknown kind or apiVersion in an Istio or meshlog API group stays an error (ML1011, ML1012).',
  },
  {
    code: 'ML1014',
    severity: 'info',
    title: 'Document skipped',
    description:
      'The document is a Kubernetes kind meshlog does not use (Deployment, ConfigMap, ...), or YAML that is not a Kubernetes manifest (no `apiVersion`/`kind`, or an `apiVersion` outside Istio\'s and meshlog\'s API groups without a `kind`, as in Helm charts and kustomizations), or a JSON patch (a list of `op`/`path` operations, as kustomize overlays use). It is ignored, so repositories can hold whole application manifests. Nothing to fix.',
  },
  {
    code: 'ML1015',
    severity: 'error',
    title: 'Missing metadata.name',
    description: 'Every resource needs a string `metadata.name`.',
  },
  {
    code: 'ML1016',
    severity: 'error',
    title: 'More than one MeshConfig',
    description:
      'A repository has at most one MeshConfig (by convention in `meshlog.yaml`). Merge the settings into one document and delete the others.',
  },
  {
    code: 'ML1017',
    severity: 'warning',
    title: 'YAML warning',
    description:
      'The YAML parser found something legal but suspicious (for example an unknown tag, which is read as a plain value). Check the reported position.',
  },
  {
    code: 'ML1018',
    severity: 'error',
    title: 'Duplicate resource',
    description:
      'Two documents define the same kind, namespace and name. Kubernetes would keep only the last one applied; meshlog reports both. Rename or delete one of them.',
  },
  {
    code: 'ML1019',
    severity: 'warning',
    title: 'Kubernetes Gateway API resource not compiled',
    description:
      'The document belongs to the Kubernetes Gateway API (`gateway.networking.k8s.io` or `gateway.networking.x-k8s.io`: `Gateway`, `HTTPRoute`, `GRPCRoute`, `ReferenceGrant`, ...). Istio applies these, but meshlog does not compile them: the document is skipped, and the routing it defines (backend weights, matches, filters) is not in the compiled configuration, so what meshlog validates and explains is not what the mesh would do. Express the routing with Istio VirtualService and Gateway resources to have meshlog check it, or keep the Gateway API resources outside the repository meshlog reads.',
  },
  {
    code: 'ML1020',
    severity: 'error',
    title: 'kubectl cannot read or send this value',
    description:
      'kubectl reads YAML with go-yaml (YAML 1.1), and this unquoted value is one it cannot turn into the JSON it sends, or cannot read as written: `.inf` or `.nan` (JSON has no infinity), a null key (`~:` or `null:`), or, inside `[ ]` or `{ }`, a value with a `?` in it (`[/search?q=1]`: go-yaml ends the value at `?`) or starting with `:` (`[::1]`). `kubectl apply` would fail on the document. Quote the value as the message shows (`["/search?q=1"]`, `["::1"]`). Reported for documents meshlog checks; the resource is not compiled.',
  },
  {
    code: 'ML1021',
    severity: 'warning',
    title: 'kubectl reads this value otherwise than it looks',
    description:
      'kubectl reads YAML with go-yaml (YAML 1.1), and meshlog reads it the same way, which for this unquoted value is probably not what was meant: a number with a leading zero is octal (`port: 010` is 8, not 10), and a key written `on`, `off`, `yes`, `no`, `y`, `n` is sent as "true" or "false", a numeric key as the number (`010:` as "8"). Write the number you mean, or quote the key (`"on":`). A leading-zero number where a string belongs is ML2002 instead. Reported for documents meshlog checks.',
  },
  {
    code: 'ML1022',
    severity: 'warning',
    title: 'Misspelt Service',
    description:
      'The document looks like a Kubernetes Service that Kubernetes would not take: a kind one or two letters off `Service` (`kind: Servce`, `kind: service`) in the core API, or `kind: Service` with a core `apiVersion` other than `v1` (`apiVersion: v1beta1`). kubectl would refuse it. meshlog skips it, as it skips other Kubernetes objects, but says so as a warning: the service\'s ports and endpoints are missing, and the errors about routes to its host do not point here. Other kinds the core API does not have (a kubeconfig\'s `Config`, OpenShift\'s legacy `v1` kinds) stay info notes (ML1014).',
  },
];
