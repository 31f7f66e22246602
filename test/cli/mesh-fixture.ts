// A small mesh for CLI tests, as file path → YAML text.
export const MESH: Readonly<Record<string, string>> = {
  'services/reviews.yaml': `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
  annotations:
    meshlog.dev/endpoints: |
      10.0.0.1 version=v1
      10.0.0.2 version=v2
spec:
  selector: { app: reviews }
  ports:
    - { name: http, port: 9080 }
`,
  'routing/reviews.yaml': `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: shop }
spec:
  host: reviews
  subsets:
    - { name: v1, labels: { version: v1 } }
    - { name: v2, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: shop }
spec:
  hosts: [reviews]
  http:
    - route:
        - destination: { host: reviews, subset: v1 }
          weight: 90
        - destination: { host: reviews, subset: v2 }
          weight: 10
`,
};

/** The same VirtualService with a misspelt field on line 20 (`wieght`). */
export const BROKEN_VS = MESH['routing/reviews.yaml']!.replace('weight: 10', 'wieght: 10');

/** A route to a host nowhere in the registry: a warning unless strictHosts is on. */
export const UNKNOWN_HOST_VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings, namespace: shop }
spec:
  hosts: [ratings.example.org]
  http:
    - route:
        - destination: { host: ratings.example.org }
`;
