// Istio kinds meshlog reads past without compiling them (ML1013), and what the proxies then do
// differently from Istio's. A repository Istio manages usually holds a few of them (a
// mesh-wide PeerAuthentication, some AuthorizationPolicies), so they are a warning by default:
// the routing meshlog does compile can still be checked. MeshConfig `strictKinds: true` makes
// them errors, for teams that want every document to reach the proxies as written.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';

/** Real Istio kinds meshlog does not compile yet, by API group. */
export const ISTIO_NOT_COMPILED: Readonly<Record<string, readonly string[]>> = {
  'networking.istio.io': ['Sidecar', 'WorkloadEntry', 'WorkloadGroup', 'EnvoyFilter', 'ProxyConfig'],
  'security.istio.io': ['AuthorizationPolicy', 'PeerAuthentication', 'RequestAuthentication'],
  'telemetry.istio.io': ['Telemetry'],
  'extensions.istio.io': ['WasmPlugin'],
};

/** A document of one of those kinds, as its file gives it (namespace still to be defaulted). */
export interface NotCompiledDocument {
  readonly kind: string;
  readonly name: string;
  /** metadata.namespace when the document sets it. */
  readonly namespace: string | undefined;
  /** `spec` as written (not checked: only read for the words of the message). */
  readonly spec: unknown;
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface StrictKinds {
  readonly strict: boolean;
  /** The file of the MeshConfig that set strictKinds, for the message. */
  readonly file: string | undefined;
}

/** ML1013 for a document of a kind meshlog does not compile: a warning, an error with strictKinds. */
export function notCompiledDiagnostic(doc: NotCompiledDocument, defaultNamespace: string, strictKinds: StrictKinds): Diagnostic {
  const namespace = doc.namespace ?? defaultNamespace;
  const strict = strictKinds.strict ? ` (an error because strictKinds is true in ${strictKinds.file ?? 'MeshConfig'})` : '';
  return diagnostic(
    'ML1013',
    `${doc.kind} ${namespace}/${doc.name} ${effectOf(doc.kind, doc.spec)}${strict}`,
    { file: doc.file, line: doc.line, column: doc.column, field: 'kind', resource: { kind: doc.kind, namespace, name: doc.name } },
    strictKinds.strict ? 'error' : undefined,
  );
}

/**
 * What is missing from the proxies, after "<Kind> <ns>/<name>". meshlog compiles outbound
 * routing only (no inbound listeners, no mutual TLS, no authentication or authorization
 * filters), which is why each of these kinds has no meshlog counterpart.
 */
function effectOf(kind: string, spec: unknown): string {
  switch (kind) {
    case 'AuthorizationPolicy':
      return authorizationEffect(stringField(spec, 'action'));
    case 'PeerAuthentication': {
      const head = 'is not applied: meshlog does not compile peer authentication and configures no mutual TLS, so';
      const mode = stringField(objectField(spec, 'mtls'), 'mode');
      if (mode === 'STRICT') return `${head} its STRICT mode does not hold: plaintext connections to the workloads it selects are not refused`;
      return `${head} its mutual TLS mode${mode === undefined ? '' : ` (${mode})`} is not applied to the workloads it selects`;
    }
    case 'RequestAuthentication':
      return 'is not applied: meshlog does not compile request authentication, so JWTs are not validated: a request with an invalid token, which Istio refuses (401), reaches the workload';
    case 'Sidecar':
      return 'is not applied: meshlog does not compile Sidecar resources, so its egress and ingress scoping is not applied: the proxies it selects see every exported host';
    case 'EnvoyFilter':
      return 'is not applied: meshlog does not compile EnvoyFilters, so its patches are not made to the proxies\' configuration';
    case 'WorkloadEntry':
      // Istio adds a WorkloadEntry's address to the endpoints of every ServiceEntry (and
      // Kubernetes Service) whose selector matches its labels.
      return 'is not in the registry: meshlog does not compile WorkloadEntries, so its address is not an endpoint of the ServiceEntries and Services that select it. This affects routing: traffic meshlog sends to those services never reaches this workload';
    case 'WorkloadGroup':
      // Istio creates a WorkloadEntry from the group's template for each VM that registers.
      return 'is not in the registry: meshlog does not compile WorkloadGroups, so the workloads that register through it are not endpoints of the services that select them. This affects routing: traffic meshlog sends to those services never reaches them';
    case 'Telemetry':
      return 'is not applied: meshlog does not compile Telemetry resources, so its metrics, access log and tracing settings do not reach the proxies (no effect on routing)';
    case 'ProxyConfig':
      return 'is not applied: meshlog does not compile ProxyConfig resources, so its proxy settings (concurrency, image, environment) are not applied (no effect on routing)';
    case 'WasmPlugin':
      return 'is not applied: meshlog does not compile Wasm plugins, so the proxies do not load its module and whatever it does to requests does not happen (no effect on routing)';
    default:
      return 'is not compiled by meshlog, so proxies do not get it';
  }
}

/** AuthorizationPolicy actions (security/v1beta1/authorization_policy.proto): ALLOW (the default), DENY, AUDIT, CUSTOM. */
function authorizationEffect(action: string | undefined): string {
  const head = 'is not enforced: meshlog does not compile authorization policies, so ';
  if (action === 'AUDIT') return `${head}the requests it selects are not marked for audit logging (no effect on access)`;
  if (action === 'CUSTOM') return `${head}requests are not sent to its external authorizer, and those it would deny reach the workload`;
  return `${head}requests it would deny reach the workload`;
}

function objectField(value: unknown, key: string): unknown {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>)[key] : undefined;
}

function stringField(value: unknown, key: string): string | undefined {
  const v = objectField(value, key);
  return typeof v === 'string' && v !== '' ? v : undefined;
}
