// Service ports as ServiceEntry and Gateway declare them.
import type { Path, RuleContext } from './context.ts';

/** Istio's port protocols (matched case-insensitively, as Istio does). */
export const PROTOCOLS = ['HTTP', 'HTTPS', 'GRPC', 'GRPC-WEB', 'HTTP2', 'MONGO', 'MYSQL', 'REDIS', 'TCP', 'TLS', 'UDP'] as const;

export function checkProtocol(ctx: RuleContext, protocol: string | undefined, path: Path): void {
  if (protocol === undefined) return;
  if (!(PROTOCOLS as readonly string[]).includes(protocol.toUpperCase())) {
    ctx.report('ML3033', `"${protocol}" is not a protocol (one of ${PROTOCOLS.join(', ')})`, path);
  }
}

export function checkUniquePorts(ctx: RuleContext, ports: readonly (number | undefined)[], path: (i: number) => Path): void {
  const seen = new Set<number>();
  ports.forEach((port, i) => {
    if (port === undefined) return;
    if (seen.has(port)) ctx.report('ML3034', `port ${port} is listed more than once`, path(i));
    seen.add(port);
  });
}
