// Decides what a document is from apiVersion + kind: a kind meshlog reads, a real Istio kind
// meshlog does not compile (ML1013: a warning, or an error with strictKinds; decided once
// MeshConfig is read), a Kubernetes object to skip (info), or an error (an unknown kind or
// apiVersion inside the Istio or meshlog API groups, where a typo must not silently drop
// routing config).
import type { SupportedKind } from '../schema/index.ts';
import { closestName } from '../../core/closest-name.ts';
import { ISTIO_NOT_COMPILED } from './not-compiled-kinds.ts';

export type Classification =
  | { readonly action: 'load'; readonly kind: SupportedKind }
  | { readonly action: 'not-compiled'; readonly kind: string }
  | { readonly action: 'skip'; readonly message: string; readonly code?: 'ML1019' | 'ML1022'; readonly field?: 'apiVersion' }
  | { readonly action: 'reject'; readonly code: string; readonly message: string; readonly field: 'apiVersion' | 'kind' };

const ISTIO_NETWORKING_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];
const ISTIO_NETWORKING_SUPPORTED = ['VirtualService', 'DestinationRule', 'ServiceEntry', 'Gateway'] as const;
const ISTIO_GROUP_VERSIONS: Record<string, readonly string[]> = {
  'networking.istio.io': ISTIO_NETWORKING_VERSIONS,
  'security.istio.io': ['v1', 'v1beta1'],
  'telemetry.istio.io': ['v1', 'v1alpha1'],
  'extensions.istio.io': ['v1alpha1'],
};
export const MESHLOG_API_VERSION = 'meshlog.dev/v1alpha1';

export function classify(apiVersion: string, kind: string): Classification {
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1);

  if (group === 'meshlog.dev') {
    if (version !== 'v1alpha1') return reject('ML1011', `unknown apiVersion "${apiVersion}"; meshlog's is "${MESHLOG_API_VERSION}"`, 'apiVersion');
    if (kind !== 'MeshConfig') return reject('ML1012', `unknown kind "${kind}" in ${apiVersion}; the only kind is MeshConfig`, 'kind');
    return { action: 'load', kind: 'MeshConfig' };
  }

  if (group === 'istio.io' || group.endsWith('.istio.io')) {
    const versions = ISTIO_GROUP_VERSIONS[group];
    if (!versions) return reject('ML1011', `unknown Istio API group in apiVersion "${apiVersion}"`, 'apiVersion');
    if (!versions.includes(version)) {
      return reject('ML1011', `unknown apiVersion "${apiVersion}"; ${group} has ${versions.map((v) => `${group}/${v}`).join(', ')}`, 'apiVersion');
    }
    const supported: readonly string[] = group === 'networking.istio.io' ? ISTIO_NETWORKING_SUPPORTED : [];
    if (supported.includes(kind)) return { action: 'load', kind: kind as SupportedKind };
    if (ISTIO_NOT_COMPILED[group]?.includes(kind)) return { action: 'not-compiled', kind };
    const known = [...supported, ...(ISTIO_NOT_COMPILED[group] ?? [])];
    const meant = closestName(kind, known);
    const hint = meant === undefined ? `known kinds: ${known.join(', ')}` : `did you mean "${meant}"?`;
    return reject('ML1012', `unknown kind "${kind}" in ${group}; ${hint}`, 'kind');
  }

  if (group === '' && version === 'v1' && kind === 'Service') return { action: 'load', kind: 'Service' };
  if (group === '' && looksLikeService(kind)) {
    // A misspelt Service (`kind: Servce`, `apiVersion: v1beta1`) would be skipped like any
    // other Kubernetes object, taking its host's ports and endpoints with it, and the errors
    // that follow would name only the routes that used them: said as a warning, here. Other
    // kinds outside the core API's list stay info notes (a kubeconfig's `Config`, OpenShift's
    // legacy `v1` kinds).
    if (version !== 'v1') {
      return { action: 'skip', code: 'ML1022', field: 'apiVersion', message: `${kind} with apiVersion "${apiVersion}": Kubernetes' core API (no group) has only v1, so this is not read as a Service; skipped` };
    }
    if (kind !== 'Service') return { action: 'skip', code: 'ML1022', message: `"${kind}" is not a kind of Kubernetes' core API (v1), so it is skipped; did you mean "Service"?` };
  }

  if (group === 'gateway.networking.k8s.io' || group === 'gateway.networking.x-k8s.io') {
    // Routing config Istio does apply, but not Istio's own API: a warning, since the traffic
    // the repository describes is not what meshlog compiles.
    return {
      action: 'skip',
      code: 'ML1019',
      message: `${kind} (${apiVersion}) is Kubernetes Gateway API, which meshlog does not compile; skipped, and any routing it defines is not applied`,
    };
  }
  return { action: 'skip', message: `${kind} (${apiVersion}) is not mesh configuration; skipped` };
}

/**
 * A document without a string apiVersion or kind. Repositories also hold YAML that is not a
 * Kubernetes manifest at all (Helm's values.yaml and Chart.yaml, kustomization.yaml, CI
 * files): those are skipped. It is an error when what is there says it is meant for meshlog:
 * a kind meshlog knows (Istio's, MeshConfig, Service), an Istio/meshlog apiVersion, or the
 * `metadata` and `spec` of a resource (a manifest that lost its first lines would otherwise
 * vanish without a word, and its routes with it).
 */
export function classifyIncomplete(apiVersion: string | undefined, kind: string | undefined, hasMetadataAndSpec = false): Classification {
  if (hasMetadataAndSpec && (apiVersion === undefined || kind === undefined)) {
    return apiVersion === undefined ? reject('ML1010', 'has no string apiVersion', 'apiVersion') : reject('ML1010', 'has no string kind', 'kind');
  }
  if (kind !== undefined) {
    if (KNOWN_KINDS.has(kind)) return reject('ML1010', 'has no string apiVersion', 'apiVersion');
    return { action: 'skip', message: `not a Kubernetes manifest (kind ${kind} but no apiVersion); skipped` };
  }
  if (apiVersion !== undefined) {
    const group = apiVersion.slice(0, Math.max(apiVersion.indexOf('/'), 0));
    if (group === 'meshlog.dev' || group === 'istio.io' || group.endsWith('.istio.io')) return reject('ML1010', 'has no string kind', 'kind');
    return { action: 'skip', message: `not a Kubernetes manifest (apiVersion ${apiVersion} but no kind); skipped` };
  }
  return { action: 'skip', message: 'not a Kubernetes manifest (no apiVersion/kind); skipped' };
}

/** `Service`, or a kind one or two letters off it that the core API does not have. */
function looksLikeService(kind: string): boolean {
  return kind === 'Service' || (!CORE_V1_KINDS.has(kind) && closestName(kind, ['Service']) !== undefined);
}

/** Kinds of Kubernetes' core API close to `Service` in spelling, which are no typo of it. */
const CORE_V1_KINDS: ReadonlySet<string> = new Set(['Secret', 'Event', 'Node']);

/** Kinds that, written without an apiVersion, are still clearly meant for meshlog. */
const KNOWN_KINDS: ReadonlySet<string> = new Set(['MeshConfig', 'Service', ...ISTIO_NETWORKING_SUPPORTED, ...Object.values(ISTIO_NOT_COMPILED).flat()]);

function reject(code: string, message: string, field: 'apiVersion' | 'kind'): Classification {
  return { action: 'reject', code, message, field };
}
