// Per-resource semantic rules (Istio's validation), one file per kind. They see one
// resource at a time; rules that need several resources live in src/compile/istio.
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { AnyLoaded } from '../parse/types.ts';
import { checkMeshlogAnnotations } from './annotations.ts';
import { checkLabels, isDnsLabel, isDnsSubdomain } from './checks-values.ts';
import { ruleContext, type RuleContext } from './context.ts';
import { validateDestinationRule } from './destination-rule.ts';
import { validateGateway } from './gateway.ts';
import { validateKubeService } from './kube-service.ts';
import { validateMeshConfig } from './mesh-config.ts';
import { validateServiceEntry } from './service-entry.ts';
import { validateVirtualService } from './virtual-service.ts';

const METADATA_LABELS = ['metadata', 'labels'];

export function validateResource(resource: AnyLoaded): Diagnostic[] {
  const ctx = ruleContext(resource);
  checkMetadata(ctx, resource);
  switch (resource.kind) {
    case 'VirtualService':
      validateVirtualService(ctx, resource);
      break;
    case 'DestinationRule':
      validateDestinationRule(ctx, resource);
      break;
    case 'ServiceEntry':
      validateServiceEntry(ctx, resource);
      break;
    case 'Gateway':
      validateGateway(ctx, resource);
      break;
    case 'Service':
      validateKubeService(ctx, resource);
      break;
    case 'MeshConfig':
      validateMeshConfig(ctx, resource);
      break;
  }
  return ctx.diagnostics;
}

function checkMetadata(ctx: RuleContext, resource: AnyLoaded): void {
  const { name, namespace, labels } = resource.metadata;
  if (!isDnsSubdomain(name)) ctx.report('ML3025', `"${name}" is not a valid name (lower-case letters, digits, "-", "."; at most 253 characters)`, ['metadata', 'name']);
  // Stricter names for two kinds: a Gateway's is a DNS-1123 label (Istio's ValidateGateway:
  // VirtualServices name it as `namespace/name`), a Service's a DNS-1035 label (Kubernetes: it
  // becomes a DNS name, so it starts with a letter).
  else if (resource.kind === 'Gateway' && !isDnsLabel(name)) {
    ctx.report('ML3025', `"${name}" is not a valid Gateway name: Istio wants a DNS-1123 label (lower-case letters, digits, "-"; no "."; at most 63 characters)`, ['metadata', 'name']);
  } else if (resource.kind === 'Service' && !(isDnsLabel(name) && /^[a-z]/.test(name))) {
    ctx.report('ML3025', `"${name}" is not a valid Service name: Kubernetes wants a DNS-1035 label (lower-case letters, digits, "-", starting with a letter; no "."; at most 63 characters)`, ['metadata', 'name']);
  }
  if (!isDnsLabel(namespace)) ctx.report('ML3025', `"${namespace}" is not a valid namespace (DNS-1123 label)`, ['metadata', 'namespace']);
  checkLabels(ctx, labels, METADATA_LABELS);
  checkMeshlogAnnotations(ctx, resource);
}
