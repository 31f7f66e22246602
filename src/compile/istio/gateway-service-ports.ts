// The port a Gateway server's listener binds. In Istio, a server's `port.number` is a port of
// the gateway's Kubernetes Service, and istiod binds the gateway's listener to that Service
// port's targetPort: the usual ingress Service sends 80 to 8080 and 443 to 8443, since gateway
// pods run without root and cannot bind ports below 1024 (pilot/pkg/model/gateway.go:287 and
// resolvePorts, :499-534; the listener is named and bound after the resolved port,
// pilot/pkg/networking/core/gateway.go:134-184). meshlog does the same with the Services in the
// repository:
//
// - The gateway's Services. Istio takes the Services of the gateway pod's namespace whose
//   selector the pod's labels satisfy (pilot/pkg/serviceregistry/kube/controller/util.go:127
//   getPodServices; a Service without selector selects nothing, pkg/config/labels/instance.go:79).
//   The repository holds neither the pods' labels nor their namespace, only the Gateway's
//   selector, so a Service counts when its selector and the Gateway's agree on every label
//   both name and one holds all of the other's: the Service's ⊆ the Gateway's (it selects
//   every pod the Gateway does), or the Gateway's ⊆ the Service's (it selects only such pods:
//   Istio's own charts select `app` and `istio`, where Gateways name `istio` alone). Services
//   of every namespace count; a Gateway without selector has none.
// - Istio skips a Service labelled `experimental.istio.io/disable-gateway-port-translation`
//   (pilot/pkg/model/gateway.go:164-173, :508).
// - The first of the gateway's Service ports numbered `port.number` decides (a Gateway that
//   selects by labels is in Istio's legacy selector mode, pilot/pkg/model/push_context.go:2476-2483,
//   which returns the first match, gateway.go:515-521): Services by namespace, then
//   name, their ports in order. Istio lists the Services in no defined order, so ports of
//   several Services that send one number to different targetPorts are reported (ML4040).
//   As Istio lists a Service's ports, a port whose targetPort and protocol an earlier port of
//   the same Service already has is left out
//   (pilot/pkg/serviceregistry/kube/controller/controller.go:1135-1145).
// - A numeric targetPort (Kubernetes defaults an unset one to the port) is the listener port.
//   A named one is a container port of the pods, which the repository does not hold
//   (controller/util.go:53 FindPort): the listener keeps `port.number` and ML4039 says so.
// - No gateway Service port with that number: the listener binds `port.number` itself
//   (gateway.go:526-529), as before meshlog read Services; ML4041 when the gateway has Services
//   and none of them sends traffic there.
//
// Only the listener moves: VirtualService `match.port`, a destination's default port and the
// virtual host names keep the Service port (`port.number`), as Istio's gateway routes do
// (pilot/pkg/networking/core/gateway.go:438, :490, :519, :1125).
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { LoadedGateway, LoadedService } from '../parse/types.ts';
import { hasLabels } from './labels.ts';
import { kubePortProtocol, kubeProtocolImplied } from './protocols.ts';
import { at, cmp, compareResources, describe, relatedOf } from './where.ts';

/** Istio's opt-out: the Service's ports are never translated for a Gateway. */
export const DISABLE_PORT_TRANSLATION_LABEL = 'experimental.istio.io/disable-gateway-port-translation';

/** One port of one of the gateway's Services. */
export interface GatewayServicePort {
  readonly service: LoadedService;
  /** Its index in `spec.ports`. */
  readonly index: number;
  readonly port: number;
  /** The targetPort: a number (the port itself when unset), or a container port's name. */
  readonly target: number | string;
  /**
   * An earlier port of the Service has its targetPort and protocol: Istio lists one port per
   * pair (controller.go:1135-1145), so no server resolves through this one.
   */
  readonly repeated: boolean;
}

/**
 * By selector: the ports of the Services that count as the gateway's (see the file comment),
 * worked out once per distinct selector: many Gateways share one.
 */
export function gatewayServicePorts(services: readonly LoadedService[]): (selector: Readonly<Record<string, string>>) => readonly GatewayServicePort[] {
  // By label (`k=v`): the Services whose selector names it. A Service that counts shares a label
  // with the Gateway's selector (the smaller of the two, which is not empty), so only those are
  // compared: a mesh of thousands of Services has a few that select gateway pods. Built on the
  // first Gateway with a selector, so a repository without Gateways pays nothing per Service.
  let byLabel: Map<string, LoadedService[]> | undefined;
  const bySelector = new Map<string, readonly GatewayServicePort[]>();
  return (selector) => {
    const labels = Object.entries(selector).sort(([a], [b]) => cmp(a, b));
    if (labels.length === 0) return NONE;
    byLabel ??= servicesByLabel(services);
    if (byLabel.size === 0) return NONE;
    const key = JSON.stringify(labels);
    let ports = bySelector.get(key);
    if (!ports) {
      const index = byLabel;
      const sharing = new Set(labels.flatMap(([k, v]) => index.get(`${k}=${v}`) ?? []));
      ports = [...sharing].filter((s) => selectsGatewayPods(s.spec.selector ?? {}, selector)).sort(compareResources).flatMap(portsOf);
      bySelector.set(key, ports);
    }
    return ports;
  };
}

/** By label (`k=v`) of their selectors, the Services whose ports Istio may translate. */
function servicesByLabel(services: readonly LoadedService[]): Map<string, LoadedService[]> {
  const byLabel = new Map<string, LoadedService[]>();
  for (const s of services) {
    if (s.metadata.labels[DISABLE_PORT_TRANSLATION_LABEL] !== undefined) continue;
    for (const [k, v] of Object.entries(s.spec.selector ?? {})) {
      const list = byLabel.get(`${k}=${v}`);
      if (list) list.push(s);
      else byLabel.set(`${k}=${v}`, [s]);
    }
  }
  return byLabel;
}

const NONE: readonly GatewayServicePort[] = [];

/** The selectors agree on every label both name, and one holds all of the other's. */
function selectsGatewayPods(service: Readonly<Record<string, string>>, gateway: Readonly<Record<string, string>>): boolean {
  return hasLabels(gateway, service) || hasLabels(service, gateway);
}

/** A Service's ports, each marked when Istio does not list it for the pods (`repeated`). */
function portsOf(service: LoadedService): GatewayServicePort[] {
  const seen = new Set<string>();
  return (service.spec.ports ?? []).map((p, index) => {
    const target = p.targetPort === undefined || p.targetPort === 0 ? p.port : p.targetPort;
    // Istio keys on the port's protocol; one whose protocol nothing says is its own kind there.
    const key = JSON.stringify([target, kubeProtocolImplied(p) ? '' : kubePortProtocol(p)]);
    const repeated = seen.has(key);
    seen.add(key);
    return { service, index, port: p.port, target, repeated };
  });
}

/**
 * How messages name a server's port: `80`, or `80 (listener port 8080)` where its Service sends
 * it elsewhere; with `note`, `80 (HTTP)` and `80 (HTTP, listener port 8080)`.
 */
export function serverPortText(server: { readonly port: number; readonly servicePort: number }, note?: string): string {
  const notes = [note, server.port === server.servicePort ? undefined : `listener port ${server.port}`].filter((n) => n !== undefined);
  return notes.length === 0 ? String(server.servicePort) : `${server.servicePort} (${notes.join(', ')})`;
}

/** Where a server's listener binds, and what decided it. */
type ListenPort =
  /** No gateway Service port has the server's number: the number itself. */
  | { readonly kind: 'as-written'; readonly port: number }
  /** The first gateway Service port with the number: its numeric targetPort. */
  | { readonly kind: 'target'; readonly port: number; readonly via: GatewayServicePort }
  /** Its targetPort names a container port the repository does not hold: the number itself. */
  | { readonly kind: 'named'; readonly port: number; readonly via: GatewayServicePort };

function resolveListenPort(number: number, ports: readonly GatewayServicePort[]): ListenPort {
  const via = ports.find((p) => p.port === number && !p.repeated);
  if (!via) return { kind: 'as-written', port: number };
  return typeof via.target === 'number' ? { kind: 'target', port: via.target, via } : { kind: 'named', port: number, via };
}

/**
 * The port server `serverIndex` of `gw` (numbered `number`) listens on, with what the reader
 * should know about it: ML4038 (info) when it moves to a targetPort, ML4040 when the gateway's
 * Services disagree, ML4039 for a named targetPort, ML4041 for a port none of them reaches.
 */
export function listenPortOf(gw: LoadedGateway, serverIndex: number, number: number, ports: readonly GatewayServicePort[], diagnostics: Diagnostic[]): number {
  const resolved = resolveListenPort(number, ports);
  const where = at(gw, ['spec', 'servers', serverIndex, 'port', 'number']);
  const portOf = (p: GatewayServicePort) => describe(p.service, ['spec', 'ports', p.index]);
  const related = (list: readonly GatewayServicePort[]) => list.map((p) => relatedOf(p.service, ['spec', 'ports', p.index]));
  switch (resolved.kind) {
    case 'as-written': {
      // A port of a Service (one Istio does not list included: it reaches a listener, only not this one), or a targetPort.
      if (ports.length === 0 || ports.some((p) => p.port === number || p.target === number || typeof p.target === 'string')) return number;
      const services = [...new Set(ports.map((p) => p.service))];
      const one = services.length === 1;
      const sends = services.map((s) => `${describe(s, ['spec', 'ports'])} sends ${ports.filter((p) => p.service === s).map((p) => `${p.port} → ${p.target}`).join(', ')}`).join('; ');
      diagnostics.push(
        diagnostic(
          'ML4041',
          `port ${number} is not a port of the gateway's ${one ? 'Service, nor one it sends' : 'Services, nor one they send'} to: ${sends}. The listener binds ${number} as written, as Istio does, and clients that reach the gateway through ${one ? 'that Service' : 'them'} never get to this server. Add port ${number} to the Service, or use one of its ports`,
          { ...where, related: services.map((s) => relatedOf(s, ['spec', 'ports'])) },
        ),
      );
      return number;
    }
    case 'named':
      diagnostics.push(
        diagnostic(
          'ML4039',
          `port ${number} is port ${number} of ${portOf(resolved.via)}, whose targetPort "${resolved.via.target}" names a container port of the gateway's pods, which the repository does not hold: the listener binds ${number} as written, where Istio binds the number of that container port. Write that number as the targetPort`,
          { ...where, related: related([resolved.via]) },
        ),
      );
      return number;
    case 'target': {
      const others = ports.filter((p) => p.port === number && !p.repeated && p.target !== resolved.port);
      if (others.length > 0) {
        diagnostics.push(
          diagnostic(
            'ML4040',
            `port ${number} is a port of several of the gateway's Services, sending it to different targetPorts: ${[resolved.via, ...others].map((p) => `${portOf(p)} → ${p.target}`).join(', ')}. The listener binds ${resolved.port}, the first Service's by namespace, then name; Istio takes whichever Service it lists first, which is not defined. Give the Services one targetPort for port ${number}, or select the gateway's pods with one of them`,
            { ...where, related: related([resolved.via, ...others]) },
          ),
        );
      } else if (resolved.port !== number) {
        diagnostics.push(
          diagnostic(
            'ML4038',
            `port ${number} is port ${number} of ${portOf(resolved.via)}, which sends it to targetPort ${resolved.port}: the gateway's listener binds ${resolved.port}, as Istio binds a gateway server to its Service's targetPort`,
            { ...where, related: related([resolved.via]) },
          ),
        );
      }
      return resolved.port;
    }
  }
}
