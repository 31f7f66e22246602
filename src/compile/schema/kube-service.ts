// Kubernetes core/v1 Service, read as service-registry input. Deliberately permissive
// (`loose`): it is Kubernetes' API, a repository may hold full manifests, and we only read
// the fields that matter for routing.
import { z } from 'zod';
import { MetadataSchema, StringMapSchema } from './common.ts';

export const KubeServicePortSchema = z.looseObject({
  name: z.string().optional(),
  port: z.int(),
  /** A number, or the name of a container port (named target ports resolve at run time). */
  targetPort: z.union([z.int(), z.string()]).optional(),
  protocol: z.string().optional(),
  appProtocol: z.string().optional(),
});
export type KubeServicePort = z.infer<typeof KubeServicePortSchema>;

export const KubeServiceSpecSchema = z.looseObject({
  selector: StringMapSchema.optional(),
  ports: z.array(KubeServicePortSchema).optional(),
  clusterIP: z.string().optional(),
  /** Dual stack: one address per IP family, the first equal to `clusterIP`. */
  clusterIPs: z.array(z.string()).optional(),
  type: z.string().optional(),
  externalName: z.string().optional(),
});
export type KubeServiceSpec = z.infer<typeof KubeServiceSpecSchema>;

export const KubeServiceDocumentSchema = z.looseObject({
  apiVersion: z.string(),
  kind: z.string(),
  metadata: MetadataSchema,
  spec: KubeServiceSpecSchema.prefault({}),
});
