// Valid documents of every kind: the fuzzer's starting points.
export const SEEDS: readonly string[] = [
  `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: bookinfo}
spec:
  hosts: [reviews]
  http:
  - name: jason
    match:
    - headers: {end-user: {exact: jason}}
      uri: {prefix: /reviews}
    route:
    - destination: {host: reviews, subset: v2}
    fault: {abort: {httpStatus: 503, percentage: {value: 10}}}
  - route:
    - {destination: {host: reviews, subset: v1}, weight: 80}
    - {destination: {host: reviews, subset: v3}, weight: 20}
    timeout: 3s
    retries: {attempts: 2, perTryTimeout: 1s, retryOn: 5xx}
    corsPolicy: {allowOrigins: [{regex: "https://.*\\\\.example\\\\.com"}], maxAge: 1h}
    headers: {request: {set: {x-env: prod}}}
`,
  `apiVersion: networking.istio.io/v1beta1
kind: DestinationRule
metadata: {name: reviews, namespace: bookinfo}
spec:
  host: reviews
  trafficPolicy:
    loadBalancer: {simple: LEAST_REQUEST}
    connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 10}}
    outlierDetection: {consecutive5xxErrors: 3, interval: 10s, baseEjectionTime: 30s}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}, trafficPolicy: {loadBalancer: {simple: RANDOM}}}
  - {name: v3, labels: {version: v3}}
`,
  `apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata: {name: payments}
spec:
  hosts: [payments.example.com]
  ports: [{number: 443, name: https, protocol: TLS}]
  resolution: DNS
  location: MESH_EXTERNAL
  endpoints: [{address: payments.example.com, ports: {https: 443}}]
`,
  `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: public, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["bookinfo/*.example.com"]
`,
  `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: secure, namespace: edge}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 443, name: https, protocol: HTTPS}
    hosts: ["bookinfo/shop.example.com", "*"]
    tls: {mode: SIMPLE, serverCertificate: /certs/shop.crt, privateKey: /certs/shop.key, minProtocolVersion: TLSV1_2, cipherSuites: [ECDHE-RSA-AES128-GCM-SHA256]}
  - port: {number: 443, name: https-api, protocol: HTTPS}
    hosts: ["api.example.com"]
    tls: {mode: SIMPLE, serverCertificate: /certs/api.crt, privateKey: /certs/api.key, maxProtocolVersion: TLSV1_3}
`,
  `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: bookinfo, labels: {app: reviews}}
spec:
  selector: {app: reviews}
  ports: [{name: http, port: 9080, targetPort: 9080}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: reviews-v1}
spec: {replicas: 1}
`,
  `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: orders-db, namespace: bookinfo}
spec:
  hosts: [orders-db.bookinfo.svc.cluster.local]
  ports: [{number: 5432, name: tcp-postgres, protocol: TCP}, {number: 3306, name: mysql, protocol: MYSQL}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1, labels: {version: v1}}, {address: 10.0.0.2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: orders-db, namespace: bookinfo}
spec:
  hosts: [orders-db]
  tcp:
  - match: [{port: 5432, sourceNamespace: batch}]
    route: [{destination: {host: orders-db, port: {number: 5432}}}]
  - match: [{destinationSubnets: [10.0.0.0/8]}, {port: 3306}]
    route:
    - {destination: {host: orders-db, port: {number: 3306}}, weight: 70}
    - {destination: {host: reviews, port: {number: 9080}}, weight: 30}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: partners, namespace: bookinfo}
spec:
  hosts: ["*.partners.example.com"]
  tls:
  - match: [{sniHosts: [eu.partners.example.com], port: 443}]
    route: [{destination: {host: payments, port: {number: 443}}}]
`,
  `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  defaultNamespace: bookinfo
  defaults: {connectTimeout: 5s, retries: {attempts: 3}}
`,
];
