// What a DestinationRule's policy and a port's protocol make of a service's clusters, where
// Istio's reading is easy to get wrong: asserted on the IR (the golden files show the whole).
import { describe, expect, it } from 'vitest';
import type { IrCluster } from '../../../src/compile/ir/types.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

const HOST = 'reviews.default.svc.cluster.local';

/** A Service `reviews` on ports 9080 and 9081 (both HTTP), with a subset v1, and the rule's `spec` fields after `host`. */
function reviews(ruleSpec: string): string {
  return `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: default}
spec:
  ports: [{name: http, port: 9080}, {name: http-admin, port: 9081}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: default}
spec:
  host: reviews
${ruleSpec}`;
}

/** The clusters of `yaml`, by name (`outbound|<port>|<subset>|<host>`); the compile must have no errors. */
function clusters(yaml: string): Map<string, IrCluster> {
  const { ir, diagnostics } = buildIr([file('a.yaml', yaml)]);
  expect(diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return new Map(ir!.clusters.map((c) => [c.name, c]));
}

describe('a retry budget, as Istio applies it', () => {
  const budgetOf = (all: Map<string, IrCluster>, port: number, subset = '') => all.get(`outbound|${port}|${subset}|${HOST}`)?.connectionPool?.retryBudget;

  it('limits retries without a connectionPool too', () => {
    const all = clusters(reviews('  trafficPolicy: {retryBudget: {percent: 10}}\n'));
    expect(budgetOf(all, 9080)).toEqual({ percent: 10, minRetryConcurrency: 3 });
    expect(budgetOf(all, 9081)).toEqual({ percent: 10, minRetryConcurrency: 3 });
  });

  it("is not applied on a port with a portLevelSettings entry: Istio's port-level policy has none", () => {
    const all = clusters(
      reviews(`  trafficPolicy:
    retryBudget: {percent: 10}
    connectionPool: {http: {maxRetries: 5}}
    portLevelSettings: [{port: {number: 9081}, connectionPool: {tcp: {maxConnections: 7}}}]
  subsets:
  - {name: v1, trafficPolicy: {retryBudget: {percent: 50}}}
  - name: v2
    trafficPolicy:
      retryBudget: {percent: 50}
      portLevelSettings: [{port: {number: 9080}, loadBalancer: {simple: RANDOM}}]
`),
    );
    expect(budgetOf(all, 9080)).toEqual({ percent: 10, minRetryConcurrency: 3 });
    expect(all.get(`outbound|9081||${HOST}`)?.connectionPool).toEqual({ maxConnections: 7 });
    // A subset's own budget counts on every port; where the subset's port-level entry stands
    // in for its policy, the rule's budget is left, as in Istio's merge.
    expect(budgetOf(all, 9081, 'v1')).toEqual({ percent: 50, minRetryConcurrency: 3 });
    expect(budgetOf(all, 9080, 'v2')).toEqual({ percent: 10, minRetryConcurrency: 3 });
    expect(budgetOf(all, 9081, 'v2')).toEqual({ percent: 50, minRetryConcurrency: 3 });
  });
});

describe('tcp.idleTimeout: 0s', () => {
  it('is accepted, as Istio (since 1.26) accepts it, and keeps idle HTTP connections open too', () => {
    const all = clusters(reviews('  trafficPolicy: {connectionPool: {tcp: {idleTimeout: 0s}}}\n'));
    const cluster = all.get(`outbound|9080||${HOST}`);
    expect(cluster?.connectionPool).toEqual({ tcpIdleTimeoutMs: 0 });
    expect(cluster?.tcpProxy).toEqual({ idleTimeoutMs: 0 });
  });
});

describe('outlierDetection.consecutiveErrors', () => {
  it('is ignored with a warning, as Istio ignores it: Envoy ejects after 5 consecutive 5xx, not after the count given', () => {
    const { ir, diagnostics } = buildIr([file('a.yaml', reviews('  trafficPolicy: {outlierDetection: {consecutiveErrors: 1}}\n'))]);
    expect(diagnostics.map((d) => `${d.code} ${d.severity}`)).toEqual(['ML3050 warning']);
    expect(ir!.clusters.find((c) => c.name === `outbound|9080||${HOST}`)?.outlierDetection).toEqual({});
  });
});
