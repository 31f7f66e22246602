// networking.istio.io Gateway: ports and hosts a gateway workload (picked by `selector`) exposes.
import { z } from 'zod';
import { StringMapSchema, istioDocumentSchema } from './common.ts';

export const GatewayPortSchema = z.strictObject({
  number: z.int(),
  /** One of validate/ports.ts's PROTOCOLS (case-insensitive, checked in validate). */
  protocol: z.string(),
  name: z.string().optional(),
  targetPort: z.int().optional(),
});
export type GatewayPort = z.infer<typeof GatewayPortSchema>;

export const ServerTlsSchema = z.strictObject({
  httpsRedirect: z.boolean().optional(),
  mode: z.enum(['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL']).optional(),
  serverCertificate: z.string().optional(),
  privateKey: z.string().optional(),
  caCertificates: z.string().optional(),
  credentialName: z.string().optional(),
  subjectAltNames: z.array(z.string()).optional(),
  verifyCertificateSpki: z.array(z.string()).optional(),
  verifyCertificateHash: z.array(z.string()).optional(),
  minProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  maxProtocolVersion: z.enum(['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3']).optional(),
  cipherSuites: z.array(z.string()).optional(),
});
export type ServerTls = z.infer<typeof ServerTlsSchema>;

export const GatewayServerSchema = z.strictObject({
  /** Required by Istio; optional here so a missing one is a semantic error with a clear message. */
  port: GatewayPortSchema.optional(),
  bind: z.string().optional(),
  hosts: z.array(z.string()).optional(),
  tls: ServerTlsSchema.optional(),
  name: z.string().optional(),
  defaultEndpoint: z.string().optional(),
});
export type GatewayServer = z.infer<typeof GatewayServerSchema>;

export const GatewaySpecSchema = z.strictObject({
  selector: StringMapSchema.optional(),
  servers: z.array(GatewayServerSchema).optional(),
});
export type GatewaySpec = z.infer<typeof GatewaySpecSchema>;

export const GatewayDocumentSchema = istioDocumentSchema(GatewaySpecSchema);
