// meshlog.dev/v1alpha1 MeshConfig — mesh-wide settings, at most one per repository
// (conventionally `meshlog.yaml` at the root, but any file may hold it).
//
// ```yaml
// apiVersion: meshlog.dev/v1alpha1
// kind: MeshConfig
// metadata: { name: mesh }
// spec:
//   clusterDomain: cluster.local     # suffix of short Kubernetes host names (default cluster.local)
//   trustDomain: cluster.local       # SPIFFE trust domain (default cluster.local)
//   defaultNamespace: default        # namespace of documents without metadata.namespace
//   strictHosts: false               # true: a host missing from the registry (destination, DestinationRule, sidecar VirtualService) is an error, not a warning
//   strictKinds: false               # true: an Istio kind meshlog does not compile (AuthorizationPolicy, Sidecar, ...) is an error, not a warning
//   defaults:
//     connectTimeout: 10s            # upstream connect timeout when a DestinationRule sets none (Istio: 10s)
//     timeout: 15s                   # route timeout when a rule sets none (default: none, as in Istio)
//     retries:                       # retry policy when a rule sets none (Istio's defaults)
//       attempts: 2
//       retryOn: connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes
//       perTryTimeout: 2s            # default: none
//     caCertificates: /etc/ssl/certs/ca-certificates.crt
//                                    # CA bundle on the proxy that TLS origination (DestinationRule
//                                    # tls SIMPLE) checks servers against when the rule names none,
//                                    # as Istio checks against the OS's CAs; "" = do not check
//   listeners:
//     bindAddress: 0.0.0.0           # address sidecar and gateway listeners bind to
// ```
//
// Every field is optional; absent fields take the defaults above, so F's translator always
// sees a complete object (`DEFAULT_MESH_CONFIG` when there is no MeshConfig at all).
// Durations are checked by validate (ML3xxx) like the Istio kinds' durations.
import { z } from 'zod';
import { DurationSchema, istioDocumentSchema } from './common.ts';

/** Where Debian, Ubuntu (Envoy's own images), Alpine and Istio's proxy images keep the OS's CA bundle. */
const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

export const ISTIO_DEFAULT_RETRY_ON = 'connect-failure,refused-stream,unavailable,cancelled,retriable-status-codes';

// zod 4: `.prefault({})` parses the default through the schema (so nested defaults apply);
// `.default({})` would return `{}` as-is.
export const MeshConfigSpecSchema = z.strictObject({
  clusterDomain: z.string().default('cluster.local'),
  trustDomain: z.string().default('cluster.local'),
  defaultNamespace: z.string().default('default'),
  strictHosts: z.boolean().default(false),
  strictKinds: z.boolean().default(false),
  defaults: z
    .strictObject({
      connectTimeout: DurationSchema.default('10s'),
      timeout: DurationSchema.optional(),
      retries: z
        .strictObject({
          attempts: z.int().default(2),
          retryOn: z.string().default(ISTIO_DEFAULT_RETRY_ON),
          perTryTimeout: DurationSchema.optional(),
        })
        .prefault({}),
      caCertificates: z.string().default(SYSTEM_CA_BUNDLE),
    })
    .prefault({}),
  listeners: z.strictObject({ bindAddress: z.string().default('0.0.0.0') }).prefault({}),
});
export type MeshConfigSpec = z.output<typeof MeshConfigSpecSchema>;

export const DEFAULT_MESH_CONFIG: MeshConfigSpec = Object.freeze(MeshConfigSpecSchema.parse({}));

export const MeshConfigDocumentSchema = istioDocumentSchema(MeshConfigSpecSchema.prefault({}));
