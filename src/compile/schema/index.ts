// The front end's output contract: one zod schema (and inferred type) per kind. The loader
// (src/compile/parse/load-resources.ts) validates documents against these; the Istio → IR
// translator (src/compile/istio) consumes the inferred types.
import type { z } from 'zod';
import { DestinationRuleDocumentSchema } from './destination-rule.ts';
import { GatewayDocumentSchema } from './gateway.ts';
import { KubeServiceDocumentSchema } from './kube-service.ts';
import { MeshConfigDocumentSchema } from './mesh-config.ts';
import { ServiceEntryDocumentSchema } from './service-entry.ts';
import { VirtualServiceDocumentSchema } from './virtual-service.ts';

export * from './common.ts';
export * from './destination-rule.ts';
export * from './duration.ts';
export * from './gateway.ts';
export * from './kube-service.ts';
export * from './mesh-config.ts';
export * from './service-entry.ts';
export * from './virtual-service.ts';

/** The kinds meshlog reads, by kind name. */
export const DOCUMENT_SCHEMAS = {
  VirtualService: VirtualServiceDocumentSchema,
  DestinationRule: DestinationRuleDocumentSchema,
  ServiceEntry: ServiceEntryDocumentSchema,
  Gateway: GatewayDocumentSchema,
  Service: KubeServiceDocumentSchema,
  MeshConfig: MeshConfigDocumentSchema,
} as const satisfies Record<string, z.ZodType>;

export type SupportedKind = keyof typeof DOCUMENT_SCHEMAS;
