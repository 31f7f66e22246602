// Which listener of a view takes a connection to a port. On a gateway, first the one its
// Kubernetes Service sends that port to: a client connects to the Service's port (80), and the
// gateway's pods listen on its targetPort (8080), as Istio binds them (IrListener.servicePorts;
// src/compile/istio/gateway-service-ports.ts). Only then the listener bound to the port itself
// (a client on the pod network): with Service ports 80→8080 and 8080→9090, port 8080 is the
// Service port of the 9090 listener, not the 8080 one.
import type { IrListener, IrView } from '../compile/ir/types.ts';

export interface PickedListener {
  readonly listener: IrListener;
  /** Set when the port is a gateway Service's port that this listener binds the targetPort of. */
  readonly servicePort?: number;
}

export function pickListener(view: IrView, port: number): PickedListener | undefined {
  if (view.kind === 'gateway') {
    const behind = view.listeners.find((l) => l.servicePorts?.includes(port));
    if (behind) return { listener: behind, servicePort: port };
  }
  const bound = view.listeners.find((l) => l.port === port);
  return bound ? { listener: bound } : undefined;
}

/** The ports a view takes connections on, for a message: `8080 (Service port 80), 9090`. */
export function listenerPortsText(view: IrView): string {
  const ports = new Map<number, readonly number[]>();
  for (const l of view.listeners) ports.set(l.port, [...(ports.get(l.port) ?? []), ...(l.servicePorts ?? [])]);
  return [...ports]
    .sort(([a], [b]) => a - b)
    .map(([port, via]) => (via.length === 0 ? String(port) : `${port} (Service port ${via.join(', ')})`))
    .join(', ');
}
