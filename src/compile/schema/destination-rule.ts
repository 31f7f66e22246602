// networking.istio.io DestinationRule. TLS modes MUTUAL / ISTIO_MUTUAL are in the enum (they
// are valid Istio) so validate can report them as "not supported yet".
import { z } from 'zod';
import { DurationSchema, ExportToSchema, PortSelectorSchema, StringMapSchema, WorkloadSelectorSchema, istioDocumentSchema } from './common.ts';

export const LoadBalancerSchema = z.strictObject({
  /** LEAST_CONN is Istio's deprecated name for LEAST_REQUEST. */
  simple: z.enum(['UNSPECIFIED', 'ROUND_ROBIN', 'LEAST_REQUEST', 'RANDOM', 'PASSTHROUGH', 'LEAST_CONN']).optional(),
  consistentHash: z
    .strictObject({
      httpHeaderName: z.string().optional(),
      httpCookie: z
        .strictObject({
          name: z.string(),
          path: z.string().optional(),
          ttl: DurationSchema.optional(),
          /** Set-Cookie attributes (`SameSite`, `Secure`, ...) of the cookie Envoy generates. */
          attributes: z.array(z.strictObject({ name: z.string(), value: z.string().optional() })).optional(),
        })
        .optional(),
      useSourceIp: z.boolean().optional(),
      httpQueryParameterName: z.string().optional(),
      /** Deprecated: use ringHash.minimumRingSize. */
      minimumRingSize: z.int().optional(),
      ringHash: z.strictObject({ minimumRingSize: z.int().optional() }).optional(),
      maglev: z.strictObject({ tableSize: z.int().optional() }).optional(),
    })
    .optional(),
});
export type LoadBalancer = z.infer<typeof LoadBalancerSchema>;

export const ConnectionPoolSchema = z.strictObject({
  tcp: z
    .strictObject({
      maxConnections: z.int().optional(),
      connectTimeout: DurationSchema.optional(),
      tcpKeepalive: z
        .strictObject({ probes: z.int().optional(), time: DurationSchema.optional(), interval: DurationSchema.optional() })
        .optional(),
      maxConnectionDuration: DurationSchema.optional(),
      idleTimeout: DurationSchema.optional(),
    })
    .optional(),
  http: z
    .strictObject({
      http1MaxPendingRequests: z.int().optional(),
      http2MaxRequests: z.int().optional(),
      maxRequestsPerConnection: z.int().optional(),
      maxRetries: z.int().optional(),
      idleTimeout: DurationSchema.optional(),
      h2UpgradePolicy: z.enum(['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE']).optional(),
      useClientProtocol: z.boolean().optional(),
      maxConcurrentStreams: z.int().optional(),
    })
    .optional(),
});
export type ConnectionPool = z.infer<typeof ConnectionPoolSchema>;

export const OutlierDetectionSchema = z.strictObject({
  splitExternalLocalOriginErrors: z.boolean().optional(),
  consecutiveLocalOriginFailures: z.int().optional(),
  consecutiveGatewayErrors: z.int().optional(),
  consecutive5xxErrors: z.int().optional(),
  /** Deprecated alias of consecutive5xxErrors in older Istio. */
  consecutiveErrors: z.int().optional(),
  interval: DurationSchema.optional(),
  baseEjectionTime: DurationSchema.optional(),
  maxEjectionPercent: z.int().optional(),
  minHealthPercent: z.int().optional(),
});
export type OutlierDetection = z.infer<typeof OutlierDetectionSchema>;

export const ClientTlsSchema = z.strictObject({
  mode: z.enum(['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL']).optional(),
  clientCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  sni: z.string().optional(),
  insecureSkipVerify: z.boolean().optional(),
});
export type ClientTls = z.infer<typeof ClientTlsSchema>;

const policyShape = {
  loadBalancer: LoadBalancerSchema.optional(),
  connectionPool: ConnectionPoolSchema.optional(),
  outlierDetection: OutlierDetectionSchema.optional(),
  tls: ClientTlsSchema.optional(),
};

export const PortTrafficPolicySchema = z.strictObject({ port: PortSelectorSchema.optional(), ...policyShape });
export type PortTrafficPolicy = z.infer<typeof PortTrafficPolicySchema>;

/** Istio's TrafficPolicy.RetryBudget (not in portLevelSettings); `budgetInterval` is not supported yet (not-yet-fields.ts). */
export const RetryBudgetSchema = z.strictObject({
  percent: z.number().optional(),
  minRetryConcurrency: z.int().optional(),
});
export type RetryBudget = z.infer<typeof RetryBudgetSchema>;

export const TrafficPolicySchema = z.strictObject({
  ...policyShape,
  portLevelSettings: z.array(PortTrafficPolicySchema).optional(),
  retryBudget: RetryBudgetSchema.optional(),
});
export type TrafficPolicy = z.infer<typeof TrafficPolicySchema>;

export const SubsetSchema = z.strictObject({
  name: z.string(),
  labels: StringMapSchema.optional(),
  trafficPolicy: TrafficPolicySchema.optional(),
});
export type Subset = z.infer<typeof SubsetSchema>;

export const DestinationRuleSpecSchema = z.strictObject({
  host: z.string(),
  trafficPolicy: TrafficPolicySchema.optional(),
  subsets: z.array(SubsetSchema).optional(),
  exportTo: ExportToSchema.optional(),
  workloadSelector: WorkloadSelectorSchema.optional(),
});
export type DestinationRuleSpec = z.infer<typeof DestinationRuleSpecSchema>;

export const DestinationRuleDocumentSchema = istioDocumentSchema(DestinationRuleSpecSchema);
