// networking.istio.io ServiceEntry: services outside the Kubernetes registry.
import { z } from 'zod';
import { ExportToSchema, StringMapSchema, istioDocumentSchema } from './common.ts';

/**
 * A service port. `protocol` is Istio's (HTTP, HTTPS, GRPC, HTTP2, TCP, TLS, ...;
 * case-insensitive). `name` is required, as Istio's CRD requires it (`required: [number, name]`).
 */
export const ServicePortSchema = z.strictObject({
  number: z.int(),
  protocol: z.string().optional(),
  name: z.string(),
  targetPort: z.int().optional(),
});
export type ServicePort = z.infer<typeof ServicePortSchema>;

/** A WorkloadEntry inlined in a ServiceEntry. `ports` maps service port NAME → endpoint port. */
export const WorkloadEntrySchema = z.strictObject({
  address: z.string().optional(),
  ports: z.record(z.string(), z.int()).optional(),
  labels: StringMapSchema.optional(),
  network: z.string().optional(),
  locality: z.string().optional(),
  weight: z.int().optional(),
  serviceAccount: z.string().optional(),
});
export type WorkloadEntry = z.infer<typeof WorkloadEntrySchema>;

/**
 * Istio's networking WorkloadSelector (sidecar.proto): `labels` only, as the ServiceEntry CRD
 * allows. (A DestinationRule's `workloadSelector` is the type.v1beta1 one, with `matchLabels`.)
 */
export const ServiceEntryWorkloadSelectorSchema = z.strictObject({ labels: StringMapSchema.optional() });

export const ServiceEntrySpecSchema = z.strictObject({
  hosts: z.array(z.string()),
  addresses: z.array(z.string()).optional(),
  ports: z.array(ServicePortSchema).optional(),
  location: z.enum(['MESH_EXTERNAL', 'MESH_INTERNAL']).optional(),
  resolution: z.enum(['NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN']).optional(),
  endpoints: z.array(WorkloadEntrySchema).optional(),
  workloadSelector: ServiceEntryWorkloadSelectorSchema.optional(),
  exportTo: ExportToSchema.optional(),
  subjectAltNames: z.array(z.string()).optional(),
});
export type ServiceEntrySpec = z.infer<typeof ServiceEntrySpecSchema>;

export const ServiceEntryDocumentSchema = istioDocumentSchema(ServiceEntrySpecSchema);
