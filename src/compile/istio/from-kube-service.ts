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
// The endpoint port is the Service port's numeric `targetPort` (else the port itself; a named
// one, which only the pods resolve, is reported: ML4044).
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
import { ENDPOINTS_ANNOTATION } from '../annotations.ts';
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
  const external = svc.spec.type === 'ExternalName' && svc.spec.externalName;
  for (const p of svc.spec.ports ?? []) {
    const protocol = kubePortProtocol(p);
    if (protocol === 'UDP' || protocol === 'SCTP') continue; // Envoy proxies neither
    const targetPort = typeof p.targetPort === 'number' ? p.targetPort : undefined;
    ports.push({ number: p.port, name: p.name ?? '', protocol, ...(targetPort !== undefined ? { targetPort } : {}) });
  }
  ports.sort((a, b) => a.number - b.number);
  const endpoints = external ? [{ address: svc.spec.externalName ?? '', ports: {}, labels: {} }] : parseEndpoints(svc, selector, diagnostics);
  if (!external && endpoints.length > 0) reportNamedTargetPorts(svc, diagnostics);

  const exportTo = annotations[EXPORT_TO_ANNOTATION]?.split(',').map((s) => s.trim()).filter((s) => s !== '');
  return {
    host: kubeServiceHost(name, namespace, clusterDomain),
    namespace,
    ports,
    resolution: external ? 'dns' : 'static',
    endpoints,
    visibility: visibilityOf(exportTo, namespace),
    addresses: kubeServiceAddresses(svc.spec),
    origin: svc,
    rank: 0,
  };
}

/**
 * ML4044: stated endpoints get a named targetPort's Service port instead (Kubernetes resolves
 * the name from the pods, which the repository does not hold). UDP and SCTP ports are left out
 * of the registry, so they are not reported. An empty targetPort is the port, as Kubernetes
 * defaults it: nothing to say.
 */
function reportNamedTargetPorts(svc: Loaded<'Service', KubeServiceSpec>, diagnostics: Diagnostic[]): void {
  (svc.spec.ports ?? []).forEach((p, i) => {
    const target = p.targetPort;
    if (typeof target !== 'string' || target === '') return;
    const protocol = kubePortProtocol(p);
    if (protocol === 'UDP' || protocol === 'SCTP') return;
    const consequence = `the endpoints in ${ENDPOINTS_ANNOTATION} get port ${p.port}, the Service port, so if the pods listen on another port every request to them fails`;
    // A port name has a letter (Kubernetes' IANA_SVC_NAME): `"8080"` is a number in quotes,
    // which Kubernetes refuses, not a name.
    const message = /[a-z]/i.test(target)
      ? `targetPort "${target}" is a container port name, which only the pods' specs resolve: ${consequence}. Write the port's number as targetPort`
      : `targetPort "${target}" is a string, and not a port name (a name has a letter; Kubernetes refuses this Service): ${consequence}. Write the number without quotes`;
    diagnostics.push(diagnostic('ML4044', message, at(svc, ['spec', 'ports', i, 'targetPort'])));
  });
}
