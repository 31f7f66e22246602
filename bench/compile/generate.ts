// Generates the benchmark mesh as in-memory SourceFiles (Istio YAML, one file per service):
// per service, a ServiceEntry (port 9080, 3 STATIC endpoints labelled v1/v2/v3), a
// DestinationRule with subsets v1..v3, and a VirtualService with three rules — a header
// match (`end-user: jason` → v3), a weighted subset split on /api (v1 90 / v2 10), and a
// default route to v1. Services are spread over `namespaces` namespaces (default 1, as in
// the xDS fan-out benchmark); each namespace holding services gets its own sidecar view
// (short names resolve there), so more namespaces mean more route tables to encode.
import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../../src/ingest/source-bundle.ts';

export function serviceYaml(i: number, namespaces = 1): string {
  const ns = `ns-${i % namespaces}`;
  const name = `svc-${i}`;
  const host = `${name}.${ns}.svc.cluster.local`;
  const oct = (n: number) => `${(n >> 8) & 255}.${n & 255}`;
  const endpoints = ['v1', 'v2', 'v3']
    .map((v, k) => `  - {address: 10.${k}.${oct(i)}, labels: {app: ${name}, version: ${v}}}`)
    .join('\n');
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
${endpoints}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: ${name}, namespace: ${ns}}
spec:
  host: ${host}
  trafficPolicy:
    connectionPool: {tcp: {maxConnections: 100}, http: {http1MaxPendingRequests: 64}}
    outlierDetection: {consecutive5xxErrors: 5, interval: 10s, baseEjectionTime: 30s}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ${name}, namespace: ${ns}}
spec:
  hosts: [${host}]
  http:
  - match: [{headers: {end-user: {exact: jason}}}]
    route: [{destination: {host: ${host}, subset: v3}}]
  - match: [{uri: {prefix: /api}}]
    route:
    - {destination: {host: ${host}, subset: v1}, weight: 90}
    - {destination: {host: ${host}, subset: v2}, weight: 10}
    timeout: 5s
  - route: [{destination: {host: ${host}, subset: v1}}]
`;
}

export function generateMesh(services: number, namespaces = 1): SourceFile[] {
  const enc = new TextEncoder();
  const files: SourceFile[] = [];
  const width = String(services - 1).length;
  for (let i = 0; i < services; i++) {
    files.push({ path: `services/svc-${String(i).padStart(width, '0')}.yaml`, bytes: enc.encode(serviceYaml(i, namespaces)) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The generated mesh written to `dir` (one file per service, as a repository holds it). */
export function writeMesh(dir: string, services: number, namespaces = 1): void {
  for (const f of generateMesh(services, namespaces)) {
    fs.mkdirSync(path.dirname(path.join(dir, f.path)), { recursive: true });
    fs.writeFileSync(path.join(dir, f.path), f.bytes);
  }
}
