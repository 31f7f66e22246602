// Valid Istio fields that meshlog's schemas do not accept yet. The schemas are strict, so
// such a field fails as an unknown key; these tables turn that into "not supported by meshlog
// yet" (ML3024) instead of "unknown field" (ML2001), which would send the user looking for a
// typo. Consulted only for keys the schema already rejected, so valid config pays nothing.
// Keep in step with the "not supported yet" rows of docs/config-reference.md.

/** Kind → name of the mapping the field sits in (the last named segment of its path) → fields. */
const NOT_YET: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  DestinationRule: {
    // Istio's LoadBalancerSettings; warmupDurationSecs is the older form of warmup.
    loadBalancer: ['localityLbSetting', 'warmup', 'warmupDurationSecs'],
    trafficPolicy: ['tunnel', 'proxyProtocol'],
    tls: ['caCrl'],
    // Istio's newest; the Envoy API protos meshlog encodes with have no budget_interval yet.
    retryBudget: ['budgetInterval'],
  },
  VirtualService: {
    // mirrorPercent is Istio's deprecated integer form of mirrorPercentage.
    http: ['mirrorPercent'],
    match: ['statPrefix'],
    corsPolicy: ['unmatchedPreflights'],
    abort: ['http2Error'],
  },
  Gateway: {
    tls: ['caCrl'],
  },
};

/** Is `key`, rejected at `path` of a `kind` document, a valid Istio field meshlog does not support yet? */
export function isNotYetSupported(kind: string | undefined, path: readonly (string | number)[], key: string): boolean {
  const byParent = kind === undefined ? undefined : NOT_YET[kind];
  if (!byParent) return false;
  let parent: string | undefined;
  for (let i = path.length - 1; i >= 0 && parent === undefined; i--) if (typeof path[i] === 'string') parent = path[i] as string;
  return parent !== undefined && (byParent[parent]?.includes(key) ?? false);
}
