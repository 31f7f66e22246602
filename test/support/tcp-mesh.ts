// The database the TCP tests route: orders-db.shop (TCP port 5432, versions v1 and v2 as
// DestinationRule subsets) and a VirtualService tcp rule splitting connections between them.
export interface OrdersDbOptions {
  /** Relative weights of v1 and v2. */
  readonly weights: readonly [number, number];
  /** The two endpoints' fields besides labels (default: two addresses in 10.0.0.0/24). */
  readonly endpoints?: readonly [string, string];
}

export function ordersDbMesh(opts: OrdersDbOptions): string {
  const [e1, e2] = opts.endpoints ?? ['address: 10.0.0.1', 'address: 10.0.0.2'];
  const [w1, w2] = opts.weights;
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: orders-db, namespace: shop}
spec:
  hosts: [orders-db.shop.svc.cluster.local]
  ports: [{number: 5432, name: tcp-postgres, protocol: TCP}]
  resolution: STATIC
  endpoints:
  - {${e1}, labels: {version: v1}}
  - {${e2}, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: orders-db, namespace: shop}
spec:
  host: orders-db.shop.svc.cluster.local
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: orders-db, namespace: shop}
spec:
  hosts: [orders-db.shop.svc.cluster.local]
  tcp:
  - route:
    - {destination: {host: orders-db.shop.svc.cluster.local, subset: v1}, weight: ${w1}}
    - {destination: {host: orders-db.shop.svc.cluster.local, subset: v2}, weight: ${w2}}
`;
}
