// A mesh with gRPC ports next to a plain HTTP service on the same port, with Istio's default
// LEAST_REQUEST, a Maglev subset and weighted endpoints in two localities: everything a gRPC
// view must translate. Shared by the gRPC view unit test and the real-Envoy check (test/e2e).
export const GRPC_POLICY_MESH = `apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: shop
  annotations:
    meshlog.dev/endpoints: "10.0.0.1 version=v1; 10.0.0.2 version=v2"
spec:
  selector: { app: echo }
  ports:
  - { name: grpc, port: 7070 }
  - { name: http-admin, port: 8080 }
---
apiVersion: v1
kind: Service
metadata: { name: web, namespace: shop }
spec:
  selector: { app: web }
  ports:
  - { name: http, port: 7070 }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: billing, namespace: shop }
spec:
  hosts: [billing.internal]
  resolution: STATIC
  ports:
  - { number: 9090, name: rpc, protocol: GRPC }
  endpoints:
  - { address: 10.1.0.1, locality: us-east/a, weight: 3 }
  - { address: 10.1.0.2, locality: us-east/a }
  - { address: 10.2.0.1, locality: us-west/b }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: echo, namespace: shop }
spec:
  host: echo
  subsets:
  - { name: v1, labels: { version: v1 } }
  - name: v2
    labels: { version: v2 }
    trafficPolicy:
      loadBalancer: { consistentHash: { httpHeaderName: x-user, maglev: { tableSize: 65537 } } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: echo, namespace: shop }
spec:
  hosts: [echo]
  http:
  - route:
    - { destination: { host: echo, subset: v1 }, weight: 80 }
    - { destination: { host: echo, subset: v2 }, weight: 20 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: shop }
spec:
  hosts: [web]
  http:
  - redirect: { uri: /new }
`;
