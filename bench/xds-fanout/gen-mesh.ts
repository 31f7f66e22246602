// The benchmark mesh as Istio config: the same shape as the shared go-control-plane peer
// (bench/xds-peer README, "The mesh"), so both servers push configurations of comparable size.
// Per service svc-i in namespace ns: a ServiceEntry on port 9080 (3 STATIC endpoints per
// version v1..v3), a DestinationRule with subsets v1..v3, and a VirtualService with three
// rules: header `end-user: jason` → v2, prefix /api → v1/v2 split, / → v1.
//
// The state (how many full and route changes were applied) lives next to the config in a
// dot-folder, which meshlog's folder source ignores, so change.ts can be run from any shell.
import fs from 'node:fs';
import path from 'node:path';

export interface MeshState {
  readonly services: number;
  /** Full changes so far: they shift every generated value (all four xDS types change). */
  full: number;
  /** Route changes so far: change k edits the /api weights of service k mod services. */
  routes: number;
  /** Per service, how far its /api weights moved from 80/20. */
  shift: number[];
}

export function newState(services: number): MeshState {
  return { services, full: 0, routes: 0, shift: new Array<number>(services).fill(0) };
}

export const fqdn = (i: number): string => `svc-${i}.ns.svc.cluster.local`;

/** v1's weight on /api: starts at 80, moves by one per change, stays within 1..99 (as the peer). */
export function apiWeight(state: MeshState, i: number): number {
  return 1 + ((79 + (state.shift[i] ?? 0)) % 99);
}

/** One file per service, so a one-route change rewrites one file. */
export function serviceYaml(state: MeshState, i: number): string {
  const host = fqdn(i);
  const w1 = apiWeight(state, i);
  const endpoints: string[] = [];
  for (const version of ['v1', 'v2', 'v3']) {
    for (let ip = 1; ip <= 3; ip++) {
      endpoints.push(
        `  - address: 127.0.${version.slice(1)}.${ip}\n    labels: {version: ${version}}\n    weight: ${1 + state.full}`,
      );
    }
  }
  return `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: svc-${i}, namespace: ns}
spec:
  hosts: [${host}]
  location: MESH_INTERNAL
  resolution: STATIC
  ports:
  - {number: 9080, name: http, protocol: HTTP}
  endpoints:
${endpoints.join('\n')}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: svc-${i}, namespace: ns}
spec:
  host: ${host}
  trafficPolicy:
    connectionPool:
      tcp: {connectTimeout: ${1000 + state.full}ms}
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: svc-${i}, namespace: ns}
spec:
  hosts: [${host}]
  http:
  - name: end-user-jason
    match:
    - headers: {end-user: {exact: jason}}
    route:
    - destination: {host: ${host}, subset: v2}
  - name: api
    match:
    - uri: {prefix: /api}
    route:
    - destination: {host: ${host}, subset: v1}
      weight: ${w1}
    - destination: {host: ${host}, subset: v2}
      weight: ${100 - w1}
  - name: default
    route:
    - destination: {host: ${host}, subset: v1}
`;
}

/** Mesh-wide settings; a full change moves the default route timeout and the bind address (LDS). */
export function meshConfigYaml(state: MeshState): string {
  return `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec:
  defaults:
    timeout: ${15 + state.full}s
  listeners:
    bindAddress: ${state.full % 2 === 0 ? '0.0.0.0' : '127.0.0.1'}
`;
}

const STATE_FILE = '.bench/state.json';

export function readState(dir: string): MeshState {
  return JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), 'utf8')) as MeshState;
}

/**
 * Writes a file by rename, so the folder watcher never compiles a half-written file.
 * The temp file sits in the ignored dot-folder (same file system, so rename is atomic).
 */
export function writeAtomic(dir: string, rel: string, text: string): void {
  const tmp = path.join(dir, '.bench', `tmp-${process.pid}-${rel.replaceAll('/', '_')}`);
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, path.join(dir, rel));
}

export function writeState(dir: string, state: MeshState): void {
  writeAtomic(dir, STATE_FILE, JSON.stringify(state));
}

/** Writes the whole mesh into `dir` (created if missing). */
export function writeMesh(dir: string, services: number): MeshState {
  fs.mkdirSync(path.join(dir, '.bench'), { recursive: true });
  const state = newState(services);
  writeAtomic(dir, 'meshlog.yaml', meshConfigYaml(state));
  for (let i = 0; i < services; i++) writeAtomic(dir, `svc-${i}.yaml`, serviceYaml(state, i));
  writeState(dir, state);
  return state;
}

// CLI: node bench/xds-fanout/gen-mesh.ts DIR [--services 1000]
if (import.meta.main) {
  const args = process.argv.slice(2);
  const dir = args[0];
  const at = args.indexOf('--services');
  const services = at >= 0 ? Number(args[at + 1]) : 1000;
  if (!dir || !Number.isInteger(services) || services < 1) {
    console.error('usage: node bench/xds-fanout/gen-mesh.ts DIR [--services N]');
    process.exit(2);
  }
  writeMesh(dir, services);
  console.log(`wrote ${services} services to ${dir}`);
}
