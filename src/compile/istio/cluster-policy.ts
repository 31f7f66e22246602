// A cluster's DestinationRule policy in IR form, converted once per (policy source, port) for
// a whole compile. A rule's clusters (one per port and subset) mostly carry the same policy:
// converting it once saves the work and the garbage, and clusters with the same policy then
// hold the same IR objects (the xDS side sees identical content as one object).
import type { IrConnectionPool, IrLoadBalancer, IrOutlierDetection, IrUpstreamTls } from '../ir/types.ts';
import { durationToWholeMs, type RetryBudget } from '../schema/index.ts';
import type { DrEntry, DrSubset } from './from-destination-rule.ts';
import { mergePolicy, toConnectionPool, toLoadBalancer, toOutlierDetection, toUpstreamTls, withRetryBudget, type PolicyGroups } from './traffic-policy.ts';

export interface ClusterPolicy {
  readonly groups: PolicyGroups;
  /** The policy's TCP connect timeout, if it sets one. */
  readonly connectTimeoutMs?: number;
  readonly loadBalancer: IrLoadBalancer;
  readonly connectionPool?: IrConnectionPool;
  readonly outlierDetection?: IrOutlierDetection;
  readonly tls?: IrUpstreamTls;
}

export type ClusterPolicies = (dr: DrEntry | undefined, subset: DrSubset | undefined, port: number) => ClusterPolicy;

/**
 * Memoised for one compile (plain Maps: WeakMaps cost the GC more at this size).
 * `defaultCaFile`: what TLS origination verifies servers against when a rule names no CAs.
 */
export function clusterPolicies(defaultCaFile: string): ClusterPolicies {
  const none = {};
  const byOwner = new Map<object, Map<number, ClusterPolicy>>();
  // By source object too: subsets with a policy of their own still share unchanged groups.
  const converted = new Map<object | undefined, unknown>();
  const once = <K extends object, V>(k: K | undefined, convert: (k: K | undefined) => V): V => {
    if (converted.has(k)) return converted.get(k) as V;
    const v = convert(k);
    converted.set(k, v);
    return v;
  };
  // A pool with a budget, once per (pool, budget) pair: clusters that share both share the object.
  const budgets = new Map<object, Map<IrConnectionPool | undefined, IrConnectionPool>>();
  const budgeted = (pool: IrConnectionPool | undefined, budget: RetryBudget): IrConnectionPool => {
    let byPool = budgets.get(budget);
    if (!byPool) budgets.set(budget, (byPool = new Map()));
    let out = byPool.get(pool);
    if (!out) byPool.set(pool, (out = withRetryBudget(pool ?? {}, budget)));
    return out;
  };
  return (dr, subset, port) => {
    // mergePolicy reads only the rule's policy, the subset's, and the port.
    const owner = subset?.trafficPolicy ? subset : (dr ?? none);
    let byPort = byOwner.get(owner);
    if (!byPort) byOwner.set(owner, (byPort = new Map()));
    let policy = byPort.get(port);
    if (!policy) {
      const groups = mergePolicy(dr?.trafficPolicy, subset?.trafficPolicy, port);
      const lb = groups.loadBalancer ? once(groups.loadBalancer, toLoadBalancer) : DEFAULT_LB;
      const pool = groups.connectionPool ? once(groups.connectionPool, toConnectionPool) : undefined;
      // Istio applies a retry budget with or without a connection pool: it stands in an empty
      // one for a policy without (applyTrafficPolicy).
      const connectionPool = groups.retryBudget ? budgeted(pool, groups.retryBudget) : pool;
      const outlierDetection = groups.outlierDetection ? once(groups.outlierDetection, toOutlierDetection) : undefined;
      const tls = groups.tls ? once(groups.tls, (t) => toUpstreamTls(t, defaultCaFile)) : undefined;
      const tcpTimeout = groups.connectionPool?.tcp?.connectTimeout;
      const connectTimeoutMs = tcpTimeout !== undefined ? durationToWholeMs(tcpTimeout) : undefined;
      const built: Mutable<ClusterPolicy> = { groups, loadBalancer: lb }; // field by field: no spreads
      if (connectTimeoutMs !== undefined) built.connectTimeoutMs = connectTimeoutMs;
      if (connectionPool) built.connectionPool = connectionPool;
      if (outlierDetection) built.outlierDetection = outlierDetection;
      if (tls) built.tls = tls;
      byPort.set(port, (policy = built));
    }
    return policy;
  };
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const DEFAULT_LB: IrLoadBalancer = Object.freeze(toLoadBalancer(undefined));
