// A small mesh as file path → YAML, with knobs for the parts the diff/explain CLI tests change.
export function meshFiles(opts: { v1?: number; v2?: number; jason?: boolean; lb?: string } = {}): Record<string, string> {
  const jasonRule = opts.jason
    ? `    - match:
        - headers:
            end-user: {exact: jason}
      route:
        - destination: {host: reviews, subset: v2}
`
    : '';
  return {
    'registry/reviews.yaml': `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  location: MESH_INTERNAL
  ports:
    - {number: 9080, name: http, protocol: HTTP}
  resolution: STATIC
  endpoints:
    - {address: 10.0.0.1, labels: {version: v1}}
    - {address: 10.0.0.2, labels: {version: v2}}
`,
    'routing/reviews-dr.yaml': `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: ${opts.lb ?? 'ROUND_ROBIN'}}
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
`,
    'routing/reviews-vs.yaml': `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
${jasonRule}    - route:
        - destination: {host: reviews, subset: v1}
          weight: ${opts.v1 ?? 90}
        - destination: {host: reviews, subset: v2}
          weight: ${opts.v2 ?? 10}
`,
  };
}
