// The Istio config of the gRPC end-to-end test, as a user would write it: a Kubernetes Service
// `echo` with a gRPC port whose two endpoints (v1, v2) are the test's echo servers, a
// DestinationRule with subsets v1/v2, and a VirtualService splitting calls between them.
// Next to it, on the SAME port number, a plain HTTP service `web` whose route is a redirect and
// carries a CORS policy: both are things gRPC's client rejects a whole route table for, so the
// test also proves gRPC clients get a route table of their own (only gRPC services). And a
// ServiceEntry `echo.internal` (gRPC) whose two endpoints, the same echo servers, sit in two
// localities with weights 3 and 1. And a ServiceEntry `echo.dns` resolved by DNS
// (DNS_ROUND_ROBIN: a logical DNS cluster) to the v1 echo server: gRPC reads a DNS cluster
// only as `type: LOGICAL_DNS`, not as the DNS cluster extension sidecars get.
import fs from 'node:fs';
import path from 'node:path';

export const ECHO_PORT = 7070;
/** A ServiceEntry host whose two endpoints (the same echo servers) sit in two localities, weighted 3:1. */
export const ECHO_SE_TARGET = 'echo.internal:7272';
/** A ServiceEntry host resolved by DNS (DNS_ROUND_ROBIN) to the v1 echo server. */
export const ECHO_DNS_TARGET = 'echo.dns:7373';

export interface GrpcMeshOptions {
  /** Port both echo servers listen on (the Service's targetPort). */
  readonly targetPort: number;
  readonly v1Address: string;
  readonly v2Address: string;
  /** Share of calls for subset v1 (0..100); v2 gets the rest. */
  readonly v1Weight: number;
  /** Name `web`'s port `grpc-site` instead of `http`, making it a gRPC service too (`grpc-web…` would be gRPC-Web). */
  readonly webIsGrpc?: boolean;
}

export function writeGrpcMesh(dir: string, opts: GrpcMeshOptions): void {
  writeServices(dir, opts);
  fs.writeFileSync(path.join(dir, 'echo-routing.yaml'), echoRouting(opts.v1Weight));
}

export function writeServices(dir: string, opts: GrpcMeshOptions): void {
  fs.writeFileSync(path.join(dir, 'services.yaml'), services(opts));
}

/** What the echo VirtualService's rule adds to its split. */
export interface EchoRuleOptions {
  /** A fault that aborts calls with this gRPC status, `abortPercent` of them. */
  readonly abortGrpcStatus?: string;
  /** The abort's `percentage` (default 100); `none` leaves it out, which aborts no call (as Istio, ML3049). */
  readonly abortPercent?: number | 'none';
  /** The rule's `timeout` (`0.5s`). */
  readonly timeout?: string;
}

/** Rewrites only the routing (a change as a commit would make it). */
export function writeEchoSplit(dir: string, v1Weight: number, rule: EchoRuleOptions = {}): void {
  fs.writeFileSync(path.join(dir, 'echo-routing.yaml'), echoRouting(v1Weight, rule));
}

function services(o: GrpcMeshOptions): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: echo
  namespace: default
  annotations:
    meshlog.dev/endpoints: |
      ${o.v1Address} version=v1
      ${o.v2Address} version=v2
spec:
  selector: { app: echo }
  ports:
  - name: grpc-echo
    port: ${ECHO_PORT}
    targetPort: ${o.targetPort}
---
apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: default
spec:
  selector: { app: web }
  ports:
  - name: ${o.webIsGrpc ? 'grpc-site' : 'http'}
    port: ${ECHO_PORT}
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: echo-internal, namespace: default }
spec:
  hosts: [echo.internal]
  resolution: STATIC
  ports:
  - { number: 7272, name: grpc, protocol: GRPC }
  endpoints:
  - { address: ${o.v1Address}, ports: { grpc: ${o.targetPort} }, locality: us-east/a, weight: 3 }
  - { address: ${o.v2Address}, ports: { grpc: ${o.targetPort} }, locality: us-west/b, weight: 1 }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: echo-dns, namespace: default }
spec:
  hosts: [echo.dns]
  resolution: DNS_ROUND_ROBIN
  ports:
  - { number: 7373, name: grpc, protocol: GRPC }
  endpoints:
  - { address: localhost, ports: { grpc: ${o.targetPort} } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: default }
spec:
  hosts: [web]
  http:
  - name: moved
    match: [{ uri: { prefix: /old } }]
    redirect: { uri: /new }
  - name: api
    corsPolicy:
      allowOrigins: [{ exact: "https://example.com" }]
      allowMethods: [GET]
    route: [{ destination: { host: web } }]
`;
}

function echoRouting(v1Weight: number, rule: EchoRuleOptions = {}): string {
  const percent = rule.abortPercent ?? 100;
  const percentage = percent === 'none' ? '' : `, percentage: { value: ${percent} }`;
  const fault = rule.abortGrpcStatus === undefined ? '' : `    fault: { abort: { grpcStatus: ${rule.abortGrpcStatus}${percentage} } }\n`;
  const timeout = rule.timeout === undefined ? '' : `    timeout: ${rule.timeout}\n`;
  return `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: echo, namespace: default }
spec:
  host: echo
  subsets:
  - { name: v1, labels: { version: v1 } }
  - { name: v2, labels: { version: v2 } }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: echo, namespace: default }
spec:
  hosts: [echo]
  http:
  - name: split
${fault}${timeout}    route:
    - destination: { host: echo, subset: v1 }
      weight: ${v1Weight}
    - destination: { host: echo, subset: v2 }
      weight: ${100 - v1Weight}
`;
}
