// Generated meshes of TCP, TLS, HTTPS and HTTP services on a few shared ports, with tcp and tls
// rules: every one compiles without throwing, and every distinct sidecar view passes a real
// Envoy's `--mode validate`. Overlapping ports, shared SNI names and wildcards are what makes
// Envoy refuse a listener (two chains with one name, two without), so the generator aims there.
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compile/index.ts';
import { staticBootstrap } from '../../../src/envoy/static-bootstrap.ts';
import { validateConfig, writeConfigFile } from '../../support/envoy-process.ts';
import { prng } from './mutate.ts';

// TLS and HTTPS twice as likely: their SNI chains are where names can collide.
const PROTOCOLS = ['TCP', 'TLS', 'TLS', 'HTTPS', 'HTTPS', 'MONGO', 'REDIS', 'MYSQL', 'HTTP', 'GRPC', 'UDP'];
const PORTS = [443, 5432, 8080];
const HOSTS = ['a.example.com', '*.example.com', 'b.example.com', 'db.shop.svc.cluster.local', 'cache.shop.svc.cluster.local', '*.maps.example.org', 'x.maps.example.org'];

/** One mesh: a few ServiceEntries on overlapping ports, some with subsets and tcp or tls rules. */
function mesh(r: () => number): string {
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const docs: string[] = [];
  const hosts = [...new Set(Array.from({ length: 2 + Math.floor(r() * 5) }, () => pick(HOSTS)))];
  const portsOf = new Map<string, number[]>();
  hosts.forEach((host, k) => {
    const ports = [...new Set([pick(PORTS), pick(PORTS)])];
    portsOf.set(host, ports);
    const wildcard = host.startsWith('*');
    docs.push(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: se${k}, namespace: shop}
spec:
  hosts: ["${host}"]
  ports: [${ports.map((p, j) => `{number: ${p}, name: p${j}, protocol: ${pick(PROTOCOLS)}}`).join(', ')}]
  resolution: ${wildcard ? 'NONE' : 'STATIC'}
${wildcard ? '' : `  endpoints: [{address: 10.0.0.${k}, labels: {version: v1}}, {address: 10.1.0.${k}, labels: {version: v2}}]`}
`);
    if (wildcard || r() < 0.4) return;
    docs.push(`apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: dr${k}, namespace: shop}
spec:
  host: "${host}"
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`);
    const p = pick(ports);
    const route = `route:
    - {destination: {host: "${host}", subset: v1, port: {number: ${p}}}, weight: ${Math.floor(r() * 100)}}
    - {destination: {host: "${host}", subset: v2, port: {number: ${p}}}, weight: ${1 + Math.floor(r() * 100)}}`;
    const rules =
      r() < 0.5
        ? `  tcp:\n  - ${r() < 0.5 ? `match: [{port: ${p}}]\n    ` : ''}${route}`
        : `  tls:\n  - match: [{sniHosts: ["${host}"]${r() < 0.5 ? `, port: ${p}` : ''}}]\n    ${route}`;
    docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs${k}, namespace: shop}
spec:
  hosts: ["${host}"]
${rules}
`);
  });
  // A wildcard VirtualService whose tls rule claims names other services' chains answer too.
  const concrete = hosts.find((h) => !h.startsWith('*'));
  if (concrete && r() < 0.8) {
    docs.push(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: wild, namespace: shop}
spec:
  hosts: ["*.example.com"]
  tls:
  - match: [{sniHosts: [${[...new Set([pick(['a.example.com', 'b.example.com', '*.example.com']), pick(['a.example.com', 'b.example.com'])])].map((h) => `"${h}"`).join(', ')}]}]
    route: [{destination: {host: "${concrete}", port: {number: ${pick(portsOf.get(concrete)!)}}}}]
`);
  }
  return docs.join('---\n');
}

describe('generated TCP and TLS meshes', () => {
  it('compile, and every distinct sidecar view passes a real Envoy', () => {
    const r = prng(20261206);
    const seen = new Set<string>();
    let valid = 0;
    for (let i = 0; i < 120; i++) {
      const yaml = mesh(r);
      const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files: [{ path: 'm.yaml', bytes: new TextEncoder().encode(yaml) }], diagnostics: [] });
      if (!result.snapshot) continue;
      valid++;
      for (const view of result.snapshot.views) {
        const key = [...view.resources.lds, ...view.resources.cds].map((e) => e.hash).join(',');
        if (seen.has(key) || seen.size >= 25) continue;
        seen.add(key);
        const check = validateConfig(writeConfigFile(staticBootstrap(result.snapshot, view.name, { adminPort: 0 })));
        expect(check.ok, `${view.name} of mesh ${i}:\n${yaml}\n${check.output}`).toBe(true);
      }
    }
    // The generator must keep producing compiled meshes, or this would check nothing.
    expect(valid).toBeGreaterThan(60);
    expect(seen.size).toBe(25);
  }, 240_000);
});
