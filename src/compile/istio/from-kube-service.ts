// Kubernetes `Service` → registry entry.
//
// Host: `<name>.<namespace>.svc.<clusterDomain>`. Ports: the Service's ports (UDP left out),
// protocol from appProtocol or the port name prefix (protocols.ts).
//
// ENDPOINTS. In a cluster, a Service's endpoints come from Kubernetes (EndpointSlices) at run
// time, which a git repository does not have. meshlog lets a repository state them in an
// annotation on the Service, one endpoint per line (or separated by `;`): an IP address, then
// optional `key=value` labels. Each endpoint also carries the Service's selector labels (the
// pods it stands for match the selector), so DestinationRule subsets select them as usual:
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
import type { Diagnostic } from '../../core/diagnostics.ts';
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Loaded } from '../parse/load-resources.ts';
import type { KubeServiceSpec } from '../schema/index.ts';
import { kubeServiceHost, visibilityOf } from './hosts.ts';
import { impliedHttpMessage, kubePortProtocol, kubeProtocolImplied } from './protocols.ts';
import type { RegistryEndpoint, RegistryPort, RegistryService } from './registry.ts';
import { at } from './where.ts';

export const ENDPOINTS_ANNOTATION = 'meshlog.dev/endpoints';
export const EXPORT_TO_ANNOTATION = 'networking.istio.io/exportTo';

const IP = /^(\d{1,3}(\.\d{1,3}){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;
const LABEL = /^([A-Za-z0-9][-A-Za-z0-9_./]*)=([-A-Za-z0-9_.]*)$/;

export function fromKubeService(
  svc: Loaded<'Service', KubeServiceSpec>,
  clusterDomain: string,
  diagnostics: Diagnostic[],
): RegistryService {
  const { name, namespace, annotations } = svc.metadata;
  const selector = svc.spec.selector ?? {};
  const ports: RegistryPort[] = [];
  (svc.spec.ports ?? []).forEach((p, i) => {
    if (kubeProtocolImplied(p)) diagnostics.push(diagnostic('ML4035', impliedHttpMessage(p.port, p.name, 'neither its name (http-…, tcp-…, grpc…) nor appProtocol'), at(svc, ['spec', 'ports', i])));
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
    origin: svc,
    rank: 0,
  };
}

function parseEndpoints(
  svc: Loaded<'Service', KubeServiceSpec>,
  selector: Readonly<Record<string, string>>,
  diagnostics: Diagnostic[],
): RegistryEndpoint[] {
  const text = svc.metadata.annotations[ENDPOINTS_ANNOTATION];
  if (text === undefined) return [];
  const out: RegistryEndpoint[] = [];
  const where = () => at(svc, ['metadata', 'annotations', ENDPOINTS_ANNOTATION]); // lazy: locating costs a YAML walk
  for (const entry of text.split(/[\n;]/)) {
    const words = entry.trim().split(/\s+/).filter((w) => w !== '');
    const [address, ...rest] = words;
    if (address === undefined) continue;
    if (!IP.test(address)) {
      diagnostics.push(diagnostic('ML4015', `endpoint "${address}" is not an IP address`, where()));
      continue;
    }
    const labels: Record<string, string> = { ...selector };
    let ok = true;
    for (const word of rest) {
      const m = LABEL.exec(word);
      if (!m) {
        diagnostics.push(diagnostic('ML4015', `endpoint ${address}: "${word}" is not a key=value label`, where()));
        ok = false;
        break;
      }
      labels[m[1] ?? ''] = m[2] ?? '';
    }
    if (ok) out.push({ address, ports: {}, labels });
  }
  return out;
}
