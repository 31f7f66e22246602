// What the IR's load balancer says about routing: consistent hashing is a cluster setting in
// the IR but shapes routes in Envoy (the hash policy, and retries that stay on the hashed host).
import type { IrLoadBalancer } from './types.ts';

/** Ring hash or Maglev: a request's hash picks the host. */
export function isConsistentHash(lb: IrLoadBalancer | undefined): lb is Extract<IrLoadBalancer, { kind: 'ring_hash' | 'maglev' }> {
  return lb?.kind === 'ring_hash' || lb?.kind === 'maglev';
}
