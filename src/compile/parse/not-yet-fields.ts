// Valid Istio fields (and enum values) that meshlog's schemas do not accept yet. The schemas
// are strict, so such a field fails as an unknown key; these tables turn that into "not
// supported by meshlog yet" (ML3024) instead of "unknown field" (ML2001), which would send the
// user looking for a typo (and offer a "did you mean" for a field that was not misspelt).
// Consulted only for keys and values the schema already rejected, so valid config pays nothing.
// Keep in step with the "not supported yet" rows of docs/config-reference.md;
// test/compile/schema/istio-crd-fields.test.ts checks that every field of Istio's v1 CRDs is
// either in the schemas or here.

/**
 * Kind → the mapping the field sits in → fields. The mapping is named by the last named
 * segment of its path (`loadBalancer`), or by the last two (`tcp.match`) where one name is
 * used for different mappings; the two-name entry is looked up first.
 */
const NOT_YET: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  DestinationRule: {
    // Istio's LoadBalancerSettings; warmupDurationSecs is the older form of warmup.
    loadBalancer: ['localityLbSetting', 'warmup', 'warmupDurationSecs', 'zoneAwareLbSetting', 'backendUtilization'],
    trafficPolicy: ['tunnel', 'proxyProtocol'],
    // connectionPool.http.
    http: ['http2KeepAlive'],
    outlierDetection: ['outlierDetectionHttpErrorCodes'],
    tls: ['caCrl'],
    // Istio's newest; the Envoy API protos meshlog encodes with have no budget_interval yet.
    retryBudget: ['budgetInterval'],
  },
  VirtualService: {
    // mirrorPercent (and its snake_case spelling, also in the CRD) is Istio's deprecated
    // integer form of mirrorPercentage.
    http: ['mirrorPercent', 'mirror_percent'],
    'http.match': ['statPrefix'],
    'tcp.match': ['sourceSubnet'],
    corsPolicy: ['unmatchedPreflights'],
    abort: ['http2Error'],
    delay: ['exponentialDelay'],
    redirect: ['prefixRewrite'],
  },
  Gateway: {
    tls: ['caCrl', 'credentialNames', 'tlsCertificates', 'caCertCredentialName', 'insecureSkipVerify', 'ecdhCurves'],
  },
};

/** Kind → field name → enum values Istio accepts that meshlog's schema does not yet. */
const NOT_YET_VALUES: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  ServiceEntry: {
    resolution: ['DYNAMIC_DNS'],
  },
};

/** Is `key`, rejected at `path` of a `kind` document, a valid Istio field meshlog does not support yet? */
export function isNotYetSupported(kind: string | undefined, path: readonly (string | number)[], key: string): boolean {
  const byParent = kind === undefined ? undefined : NOT_YET[kind];
  if (!byParent) return false;
  let parent: string | undefined;
  let grandparent: string | undefined;
  for (let i = path.length - 1; i >= 0 && grandparent === undefined; i--) {
    const segment = path[i];
    if (typeof segment !== 'string') continue;
    if (parent === undefined) parent = segment;
    else grandparent = segment;
  }
  if (parent === undefined) return false;
  const qualified = grandparent === undefined ? undefined : byParent[`${grandparent}.${parent}`];
  return (qualified?.includes(key) ?? false) || (byParent[parent]?.includes(key) ?? false);
}

/** Is `value`, refused for the enum field at `path` of a `kind` document, a value Istio accepts that meshlog does not yet? */
export function isNotYetSupportedValue(kind: string | undefined, path: readonly (string | number)[], value: unknown): boolean {
  const field = path[path.length - 1];
  if (kind === undefined || typeof field !== 'string' || typeof value !== 'string') return false;
  return NOT_YET_VALUES[kind]?.[field]?.includes(value) ?? false;
}
