// Istio kinds meshlog does not compile (ML1013): a warning that says what proxies do
// differently, so a repository Istio manages (a mesh-wide PeerAuthentication, a few
// AuthorizationPolicies) can still have its routing validated; an error with MeshConfig
// `strictKinds: true`. Unknown kinds and apiVersions of Istio's groups stay errors.
import { describe, expect, it } from 'vitest';
import { compileYaml } from '../../support/compile-yaml.ts';
import { load, loadOne } from './helpers.ts';

const doc = (apiVersion: string, kind: string, name: string, spec = '{}', namespace?: string) =>
  `apiVersion: ${apiVersion}\nkind: ${kind}\nmetadata: {name: ${name}${namespace ? `, namespace: ${namespace}` : ''}}\nspec: ${spec}\n`;

const ROUTING = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: api, namespace: shop}
spec:
  hosts: [api.example.com]
  http:
  - route:
    - destination: {host: api.example.com}
`;

const STRICT_MESH = 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {strictKinds: true}\n';

describe('Istio kinds meshlog does not compile', () => {
  it('says, per kind, what the proxies do differently', () => {
    const r = loadOne(
      [
        doc('security.istio.io/v1', 'AuthorizationPolicy', 'deny-all'),
        doc('security.istio.io/v1', 'AuthorizationPolicy', 'ext', '{action: CUSTOM}'),
        doc('security.istio.io/v1', 'AuthorizationPolicy', 'audit', '{action: AUDIT}'),
        doc('security.istio.io/v1', 'PeerAuthentication', 'default', '{mtls: {mode: STRICT}}', 'istio-system'),
        doc('security.istio.io/v1', 'PeerAuthentication', 'permissive', '{mtls: {mode: PERMISSIVE}}'),
        doc('security.istio.io/v1', 'RequestAuthentication', 'jwt'),
        doc('networking.istio.io/v1', 'Sidecar', 'scope'),
        doc('networking.istio.io/v1alpha3', 'EnvoyFilter', 'patch'),
        doc('networking.istio.io/v1', 'WorkloadEntry', 'vm-1'),
        doc('networking.istio.io/v1', 'WorkloadGroup', 'vms'),
        doc('networking.istio.io/v1beta1', 'ProxyConfig', 'pc'),
        doc('telemetry.istio.io/v1', 'Telemetry', 'logs'),
        doc('extensions.istio.io/v1alpha1', 'WasmPlugin', 'wasm'),
      ].join('---\n'),
    );
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.line, d.field])).toEqual(
      [2, 7, 12, 17, 22, 27, 32, 37, 42, 47, 52, 57, 62].map((line) => ['ML1013', 'warning', line, 'kind']),
    );
    expect(r.diagnostics.map((d) => d.message)).toEqual([
      'AuthorizationPolicy default/deny-all is not enforced: meshlog does not compile authorization policies, so requests it would deny reach the workload',
      'AuthorizationPolicy default/ext is not enforced: meshlog does not compile authorization policies, so requests are not sent to its external authorizer, and those it would deny reach the workload',
      'AuthorizationPolicy default/audit is not enforced: meshlog does not compile authorization policies, so the requests it selects are not marked for audit logging (no effect on access)',
      'PeerAuthentication istio-system/default is not applied: meshlog does not compile peer authentication and configures no mutual TLS, so its STRICT mode does not hold: plaintext connections to the workloads it selects are not refused',
      'PeerAuthentication default/permissive is not applied: meshlog does not compile peer authentication and configures no mutual TLS, so its mutual TLS mode (PERMISSIVE) is not applied to the workloads it selects',
      'RequestAuthentication default/jwt is not applied: meshlog does not compile request authentication, so JWTs are not validated: a request with an invalid token, which Istio refuses (401), reaches the workload',
      'Sidecar default/scope is not applied: meshlog does not compile Sidecar resources, so its egress and ingress scoping is not applied: the proxies it selects see every exported host',
      "EnvoyFilter default/patch is not applied: meshlog does not compile EnvoyFilters, so its patches are not made to the proxies' configuration",
      'WorkloadEntry default/vm-1 is not in the registry: meshlog does not compile WorkloadEntries, so its address is not an endpoint of the ServiceEntries and Services that select it. This affects routing: traffic meshlog sends to those services never reaches this workload',
      'WorkloadGroup default/vms is not in the registry: meshlog does not compile WorkloadGroups, so the workloads that register through it are not endpoints of the services that select them. This affects routing: traffic meshlog sends to those services never reaches them',
      'ProxyConfig default/pc is not applied: meshlog does not compile ProxyConfig resources, so its proxy settings (concurrency, image, environment) are not applied (no effect on routing)',
      'Telemetry default/logs is not applied: meshlog does not compile Telemetry resources, so its metrics, access log and tracing settings do not reach the proxies (no effect on routing)',
      'WasmPlugin default/wasm is not applied: meshlog does not compile Wasm plugins, so the proxies do not load its module and whatever it does to requests does not happen (no effect on routing)',
    ]);
    expect(r.diagnostics[0]!.resource).toEqual({ kind: 'AuthorizationPolicy', namespace: 'default', name: 'deny-all' });
  });

  it('leaves the routing of the rest of the repository valid and compiled', () => {
    const result = compileYaml(`${ROUTING}---\n${doc('security.istio.io/v1', 'PeerAuthentication', 'default', '{mtls: {mode: STRICT}}', 'istio-system')}---\n${doc('security.istio.io/v1', 'AuthorizationPolicy', 'deny-all', '{}', 'shop')}`);
    expect(result.diagnostics.map((d) => `${d.severity} ${d.code}`)).toEqual(['warning ML1013', 'warning ML1013']);
    expect(result.valid).toBe(true);
    expect(result.snapshot).toBeDefined();
  });

  it('names resources in MeshConfig defaultNamespace when they name none, whichever file comes first', () => {
    const r = load({
      'a/policy.yaml': doc('security.istio.io/v1', 'AuthorizationPolicy', 'deny-all'),
      'z/meshlog.yaml': 'apiVersion: meshlog.dev/v1alpha1\nkind: MeshConfig\nmetadata: {name: mesh}\nspec: {defaultNamespace: shop}\n',
    });
    expect(r.diagnostics.map((d) => d.resource)).toEqual([{ kind: 'AuthorizationPolicy', namespace: 'shop', name: 'deny-all' }]);
  });

  it('are errors with strictKinds: true, saying where it is set', () => {
    const r = load({
      'meshlog.yaml': STRICT_MESH,
      'policies.yaml': `${doc('security.istio.io/v1', 'AuthorizationPolicy', 'deny-all')}---\napiVersion: v1\nkind: List\nitems:\n- apiVersion: networking.istio.io/v1\n  kind: Sidecar\n  metadata: {name: scope}\n`,
    });
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.file, d.field])).toEqual([
      ['ML1013', 'error', 'policies.yaml', 'kind'],
      ['ML1013', 'error', 'policies.yaml', 'items[0].kind'],
    ]);
    expect(r.diagnostics[0]!.message).toBe(
      'AuthorizationPolicy default/deny-all is not enforced: meshlog does not compile authorization policies, so requests it would deny reach the workload (an error because strictKinds is true in meshlog.yaml)',
    );
    const compiled = compileYaml(`${STRICT_MESH}---\n${ROUTING}---\n${doc('security.istio.io/v1', 'PeerAuthentication', 'default')}`);
    expect(compiled.valid).toBe(false);
  });

  it('keep unknown kinds and apiVersions of the Istio and meshlog groups errors, strictKinds or not', () => {
    const yaml = [
      doc('security.istio.io/v1', 'AuthorisationPolicy', 'a'),
      doc('networking.istio.io/v1', 'Sidecars', 'b'),
      doc('security.istio.io/v2', 'AuthorizationPolicy', 'c'),
      doc('policy.istio.io/v1', 'AuthorizationPolicy', 'd'),
      doc('meshlog.dev/v1alpha1', 'Sidecar', 'e'),
    ].join('---\n');
    const r = loadOne(yaml);
    expect(r.diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['ML1012', 'error'],
      ['ML1012', 'error'],
      ['ML1011', 'error'],
      ['ML1011', 'error'],
      ['ML1012', 'error'],
    ]);
    expect(r.diagnostics[0]!.message).toBe('unknown kind "AuthorisationPolicy" in security.istio.io; did you mean "AuthorizationPolicy"?');
  });

  it('still need a metadata.name, as kubectl does', () => {
    const r = loadOne('apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: {}\nspec: {}\n');
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.message])).toEqual([['ML1015', 'error', 'PeerAuthentication has no metadata.name']]);
  });
});
