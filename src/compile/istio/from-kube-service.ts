// Kubernetes `Service` → registry entry.
//
// Host: `<name>.<namespace>.svc.<clusterDomain>`. Ports: the Service's ports (UDP left out),
// protocol from appProtocol or the port name prefix (protocols.ts).
//
// ENDPOINTS. In a cluster, a Service's endpoints come from Kubernetes (EndpointSlices) at run
// time, which a git repository does not have. meshlog lets a repository state them in an
// annotation on the Service (read by endpoints-annotation.ts):
//
//   metadata:
//     annotations:
//       meshlog.dev/endpoints: |
//         10.0.1.11 version=v1
//         10.0.1.12 version=v2
//
// The endpoint port is the Service port's numeric `targetPort` (else the port itself).
// A Service without the annotation gets EDS clusters with empty ClusterLoadAssignments.
// `type: ExternalName` becomes a DNS service resolving `spec.externalName`.
// Visibility: Istio's `networking.istio.io/exportTo` annotation (comma-separated).
// Addresses: `clusterIP` (or, dual stack, `clusterIPs`); none for a headless Service.
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { KubeServiceSpec } from '../schema/index.ts';
import { kubeServiceHost, visibilityOf } from './hosts.ts';
import { impliedHttpMessage, kubePortProtocol, kubeProtocolImplied, kubeUnsaid } from './protocols.ts';
import { parseEndpoints } from './endpoints-annotation.ts';
import type { RegistryPort, RegistryService } from './registry.ts';
import { kubeServiceAddresses } from './service-addresses.ts';
import { at } from './where.ts';

export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';


export function fromKubeService(
  svc: Loaded<'Service', KubeServiceSpec>,
  clusterDomain: string,
  diagnostics: Diagnostic[],
): RegistryService {
  const { name, namespace, annotations } = svc.metadata;
  const selector = svc.spec.selector ?? {};
  const ports: RegistryPort[] = [];
  (svc.spec.ports ?? []).forEach((p, i) => {
    if (kubeProtocolImplied(p)) diagnostics.push(diagnostic('ML4035', impliedHttpMessage(p.port, p.name, kubeUnsaid(p)), at(svc, ['spec', 'ports', i])));
  });
  for (const p of svc.spec.ports ?? []) {
    const protocol = kubePortProtocol(p);
    if (protocol === 'UDP' || protocol === 'SCTP') continue; // Envoy proxies neither
    const targetPort = typeof p.targetPort === 'number' ? p.targetPort : undefined;
    ports.push({ number: p.port, name: p.name ?? '', protocol, ...(targetPort !== undefined ? { targetPort } : {}) });
  }
  ports.sort((a, b) => a.number - b.number);

  const exportTo = annotations[EXPORT_TO_ANNOTATION]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const external = svc.spec.type === 'ExternalName' && svc.spec.externalName;
  return {
    host: kubeServiceHost(name, namespace, clusterDomain),
    namespace,
    ports,
    resolution: external ? 'dns' : 'static',
    endpoints: external
      ? [{ address: svc.spec.externalName ?? '', ports: {}, labels: {} }]
      : parseEndpoints(svc, selector, diagnostics),
    visibility: visibilityOf(exportTo, namespace),
    addresses: kubeServiceAddresses(svc.spec),
    origin: svc,
    rank: 0,
  };
}
