// networking.istio.io VirtualService (HTTP, TCP and TLS routes). Field names and nesting follow
// Istio's reference; delegate is accepted by the schema so the validator can say "not
// supported yet" instead of "unknown field".
import { z } from 'zod';
import {
  DurationSchema,
  ExportToSchema,
  PercentSchema,
  PortSelectorSchema,
  StringMapSchema,
  StringMatchSchema,
  istioDocumentSchema,
} from './common.ts';

export const DestinationSchema = z.strictObject({
  host: z.string(),
  subset: z.string().optional(),
  port: PortSelectorSchema.optional(),
});
export type Destination = z.infer<typeof DestinationSchema>;

const HeaderOperationsSchema = z.strictObject({
  set: StringMapSchema.optional(),
  add: StringMapSchema.optional(),
  remove: z.array(z.string()).optional(),
});
export type HeaderOperations = z.infer<typeof HeaderOperationsSchema>;

export const HeadersSchema = z.strictObject({
  request: HeaderOperationsSchema.optional(),
  response: HeaderOperationsSchema.optional(),
});
export type Headers = z.infer<typeof HeadersSchema>;

export const HttpMatchRequestSchema = z.strictObject({
  name: z.string().optional(),
  uri: StringMatchSchema.optional(),
  scheme: StringMatchSchema.optional(),
  method: StringMatchSchema.optional(),
  authority: StringMatchSchema.optional(),
  /** An empty StringMatch (`{}`) means "header present". */
  headers: z.record(z.string(), StringMatchSchema).optional(),
  withoutHeaders: z.record(z.string(), StringMatchSchema).optional(),
  queryParams: z.record(z.string(), StringMatchSchema).optional(),
  port: z.int().optional(),
  ignoreUriCase: z.boolean().optional(),
  gateways: z.array(z.string()).optional(),
  sourceLabels: StringMapSchema.optional(),
  sourceNamespace: z.string().optional(),
});
export type HttpMatchRequest = z.infer<typeof HttpMatchRequestSchema>;

export const HttpRouteDestinationSchema = z.strictObject({
  destination: DestinationSchema,
  /** Relative weight (integer ≥ 0); a single destination may omit it. */
  weight: z.number().optional(),
  headers: HeadersSchema.optional(),
});
export type HttpRouteDestination = z.infer<typeof HttpRouteDestinationSchema>;

export const HttpRedirectSchema = z.strictObject({
  uri: z.string().optional(),
  authority: z.string().optional(),
  port: z.int().optional(),
  derivePort: z.enum(['FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT']).optional(),
  scheme: z.string().optional(),
  redirectCode: z.int().optional(),
});
export type HttpRedirect = z.infer<typeof HttpRedirectSchema>;

export const HttpDirectResponseSchema = z.strictObject({
  status: z.int(),
  body: z.strictObject({ string: z.string().optional(), bytes: z.string().optional() }).optional(),
});
export type HttpDirectResponse = z.infer<typeof HttpDirectResponseSchema>;

export const HttpRewriteSchema = z.strictObject({
  uri: z.string().optional(),
  authority: z.string().optional(),
  uriRegexRewrite: z.strictObject({ match: z.string(), rewrite: z.string() }).optional(),
});
export type HttpRewrite = z.infer<typeof HttpRewriteSchema>;

export const HttpRetrySchema = z.strictObject({
  attempts: z.int().optional(),
  perTryTimeout: DurationSchema.optional(),
  retryOn: z.string().optional(),
  retryRemoteLocalities: z.boolean().optional(),
  /** Base interval of Envoy's exponential back-off between retries (Envoy's default: 25ms). */
  backoff: DurationSchema.optional(),
  /** Retry on other hosts than the ones tried; absent: Istio's choice (IrRetry.previousHosts). */
  retryIgnorePreviousHosts: z.boolean().optional(),
});
export type HttpRetry = z.infer<typeof HttpRetrySchema>;

export const HttpFaultSchema = z.strictObject({
  delay: z
    .strictObject({
      fixedDelay: DurationSchema.optional(),
      percentage: PercentSchema.optional(),
      /** Deprecated integer percent; `percentage` wins when both are set (validate rejects both). */
      percent: z.int().optional(),
    })
    .optional(),
  abort: z
    .strictObject({
      httpStatus: z.int().optional(),
      grpcStatus: z.string().optional(),
      percentage: PercentSchema.optional(),
    })
    .optional(),
});
export type HttpFault = z.infer<typeof HttpFaultSchema>;

export const CorsPolicySchema = z.strictObject({
  allowOrigins: z.array(StringMatchSchema).optional(),
  /** Deprecated: exact origins. */
  allowOrigin: z.array(z.string()).optional(),
  allowMethods: z.array(z.string()).optional(),
  allowHeaders: z.array(z.string()).optional(),
  exposeHeaders: z.array(z.string()).optional(),
  maxAge: DurationSchema.optional(),
  allowCredentials: z.boolean().optional(),
});
export type CorsPolicy = z.infer<typeof CorsPolicySchema>;

export const HttpRouteSchema = z.strictObject({
  name: z.string().optional(),
  match: z.array(HttpMatchRequestSchema).optional(),
  route: z.array(HttpRouteDestinationSchema).optional(),
  redirect: HttpRedirectSchema.optional(),
  directResponse: HttpDirectResponseSchema.optional(),
  delegate: z.strictObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  rewrite: HttpRewriteSchema.optional(),
  timeout: DurationSchema.optional(),
  retries: HttpRetrySchema.optional(),
  fault: HttpFaultSchema.optional(),
  mirror: DestinationSchema.optional(),
  mirrorPercentage: PercentSchema.optional(),
  mirrors: z
    .array(z.strictObject({ destination: DestinationSchema, percentage: PercentSchema.optional() }))
    .optional(),
  corsPolicy: CorsPolicySchema.optional(),
  headers: HeadersSchema.optional(),
});
export type HttpRoute = z.infer<typeof HttpRouteSchema>;

/** Istio's L4MatchAttributes: which connections a tcp rule takes. */
export const L4MatchSchema = z.strictObject({
  destinationSubnets: z.array(z.string()).optional(),
  port: z.int().optional(),
  sourceLabels: StringMapSchema.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type L4Match = z.infer<typeof L4MatchSchema>;

/** Istio's RouteDestination (a tcp rule's destination: no header operations). */
export const RouteDestinationSchema = z.strictObject({
  destination: DestinationSchema,
  weight: z.number().optional(),
});
export type RouteDestination = z.infer<typeof RouteDestinationSchema>;

export const TcpRouteSchema = z.strictObject({
  match: z.array(L4MatchSchema).optional(),
  route: z.array(RouteDestinationSchema).optional(),
});
export type TcpRoute = z.infer<typeof TcpRouteSchema>;

/** Istio's TLSMatchAttributes: which TLS connections (by the SNI name the client sends) a tls rule takes. */
export const TlsMatchSchema = z.strictObject({
  sniHosts: z.array(z.string()),
  destinationSubnets: z.array(z.string()).optional(),
  port: z.int().optional(),
  sourceLabels: StringMapSchema.optional(),
  gateways: z.array(z.string()).optional(),
  sourceNamespace: z.string().optional(),
});
export type TlsMatch = z.infer<typeof TlsMatchSchema>;

export const TlsRouteSchema = z.strictObject({
  match: z.array(TlsMatchSchema),
  route: z.array(RouteDestinationSchema).optional(),
});
export type TlsRoute = z.infer<typeof TlsRouteSchema>;

export const VirtualServiceSpecSchema = z.strictObject({
  hosts: z.array(z.string()).optional(),
  gateways: z.array(z.string()).optional(),
  exportTo: ExportToSchema.optional(),
  http: z.array(HttpRouteSchema).optional(),
  tcp: z.array(TcpRouteSchema).optional(),
  tls: z.array(TlsRouteSchema).optional(),
});
export type VirtualServiceSpec = z.infer<typeof VirtualServiceSpecSchema>;

export const VirtualServiceDocumentSchema = istioDocumentSchema(VirtualServiceSpecSchema);
