// Service ports as ServiceEntry and Gateway declare them.
import type { Path, RuleContext } from './context.ts';

/** Istio's port protocols (matched case-insensitively, as Istio does). */
export const PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'MONGO', 'MYSQL', 'REDIS', 'TCP', 'TLS', 'UDP'] as const;

export function checkProtocol(ctx: RuleContext, protocol: string | undefined, path: Path): void {
  if (protocol === undefined) return;
  if (protocol.toUpperCase() === 'HTTP_PROXY') {
    // Valid Istio (an egress proxy's port: requests name the host they are for), but a listener
    // of its own kind that meshlog does not build.
    ctx.report('ML3024', 'protocol HTTP_PROXY is valid Istio but not supported by meshlog yet (its forward-proxy listener is not compiled)', path);
  } else if (!(PROTOCOLS as readonly string[]).includes(protocol.toUpperCase())) {
    ctx.report('ML3033', `"${protocol}" is not a protocol (one of ${PROTOCOLS.join(', ')})`, path);
  }
}

/** Reports port numbers listed more than once (short lists: see checkUniqueNames). */
export function checkUniquePorts(ctx: RuleContext, items: readonly { readonly number?: number | undefined }[], path: (i: number) => Path): void {
  for (let i = 1; i < items.length; i++) {
    const port = items[i]!.number;
    if (port === undefined) continue;
    for (let j = 0; j < i; j++) {
      if (items[j]!.number === port) {
        ctx.report('ML3034', `port ${port} is listed more than once`, path(i));
        break;
      }
    }
  }
}
