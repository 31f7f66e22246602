import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { IrCluster, IrRoute, IrStringMatch, MeshIR } from '../../../src/compile/ir/types.ts';
import { buildCluster } from '../../../src/compile/xds/cluster.ts';
import { clusterEncoder, encodeLoadAssignment, routeTableEncoder } from '../../../src/compile/xds/fast-encode.ts';
import { buildLoadAssignment } from '../../../src/compile/xds/endpoint.ts';
import type { XdsReader } from '../../../src/compile/xds/reader.ts';
import { buildRouteConfiguration } from '../../../src/compile/xds/route.ts';
import { encodeResource } from '../../../src/snapshot/encode.ts';
import { clusterName, edsCluster, forward, route } from './ir-fixtures.ts';

const GOLDEN = path.resolve(import.meta.dirname, '../../golden/snapshot');

// The shortcuts must give the very bytes a plain protobufjs encode of the full object gives:
// otherwise hashes would depend on which code path encoded a resource.
describe('fast encoders', () => {
  const scenarios = fs.readdirSync(GOLDEN).filter((f) => f.endsWith('.in.yaml'));
  for (const file of scenarios) {
    it(`equal the plain encoding for every cluster, load assignment and route table of ${file}`, () => {
      const ir = YAML.parse(fs.readFileSync(path.join(GOLDEN, file), 'utf8')) as MeshIR;
      const clusters = new Map(ir.clusters.map((c) => [c.name, c]));
      const encodeCluster = clusterEncoder();
      for (const c of [...ir.clusters, ...ir.clusters]) {
        const plain = encodeResource('cds', c.name, buildCluster(c)).bytes;
        expect(Buffer.from(encodeCluster(c)).equals(Buffer.from(plain)), c.name).toBe(true);
      }
      for (const set of [...ir.endpoints, { clusterName: 'none', endpoints: [] }]) {
        const plain = encodeResource('eds', set.clusterName, buildLoadAssignment(set)).bytes;
        expect(Buffer.from(encodeLoadAssignment(set)).equals(Buffer.from(plain)), set.clusterName).toBe(true);
      }
      const encodeTable = routeTableEncoder(clusters);
      for (const view of ir.views) {
        for (const t of view.routeTables) {
          const plain = encodeResource('rds', t.name, buildRouteConfiguration(t, clusters)).bytes;
          expect(Buffer.concat(encodeTable(t)).equals(Buffer.from(plain)), `${view.name} ${t.name}`).toBe(true);
        }
      }
    });
  }
});

/** Small seeded PRNG (mulberry32), so a failure names a reproducible seed. */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRoute(r: () => number, i: number, clusters: string[]): IrRoute {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  const maybe = (p = 0.5) => r() < p;
  const sm = (): IrStringMatch => ({ kind: pick(['exact', 'prefix', 'regex'] as const), value: pick(['a', '/x', 'v[0-9]+', '', 'ü|é']) });
  const match = {
    ...(maybe() ? { path: sm() } : {}),
    ignoreCase: maybe(0.3),
    headers: maybe() ? [{ name: 'end-user', ...(maybe() ? { value: sm() } : {}), invert: maybe(0.3) }] : [],
    queryParams: maybe(0.3) ? [{ name: 'q', ...(maybe() ? { value: sm() } : {}) }] : [],
  };
  const dests: [string, number][] = maybe() ? [[pick(clusters), 1]] : [[clusters[0]!, Math.floor(r() * 100)], [clusters[1]!, 1 + Math.floor(r() * 100)]];
  const action =
    r() < 0.7
      ? forward(dests, {
          timeoutMs: pick([0, 1500, 15000]),
          ...(maybe(0.7) ? { retry: { attempts: pick([0, 2, 3]), retryOn: ['5xx'], retriableStatusCodes: maybe() ? [503] : [], ...(maybe() ? { perTryTimeoutMs: 250 } : {}), ...(maybe(0.2) ? { retryRemoteLocalities: true } : {}), ...(maybe(0.3) ? { previousHosts: maybe() } : {}), ...(maybe(0.2) ? { backoffMs: pick([25, 1500]) } : {}) } } : {}),
          ...(maybe(0.3) ? { rewrite: maybe() ? { uri: '/r', authority: 'h' } : { uriRegex: { pattern: '^/a', substitution: '/b' } } } : {}),
          mirrors: maybe(0.2) ? [{ cluster: clusters[2]!, percent: 12.5 }] : [],
        })
      : maybe()
        ? { kind: 'redirect' as const, uri: '/n', code: pick([301, 302, 307]) }
        : { kind: 'direct_response' as const, status: 503, ...(maybe() ? { body: 'down' } : {}) };
  return route(`r/${i}`, action, {
    match,
    ...(maybe(0.2) ? { fault: { abort: maybe() ? { httpStatus: 503, percent: 5 } : { grpcStatus: 14 } } } : {}),
    ...(maybe(0.2) ? { cors: { allowOrigins: [sm()], allowMethods: ['GET'], allowHeaders: [], exposeHeaders: [] } } : {}),
    ...(maybe(0.2)
      ? { headers: { request: { set: [{ name: 'a', value: '1' }], add: [], remove: ['b'] }, response: { set: [], add: [{ name: 'c', value: '2' }], remove: [] } } }
      : {}),
  });
}

describe('fast route encoding on generated routes', () => {
  it('equals the plain encoding for 500 random routes', () => {
    const host = 'svc.ns.svc.cluster.local';
    const cs: IrCluster[] = [
      edsCluster(host, 80, 'a', { loadBalancer: { kind: 'ring_hash', hashOn: { kind: 'header', name: 'x' } } }),
      edsCluster(host, 80, 'b'),
      edsCluster(host, 80, 'c', { loadBalancer: { kind: 'maglev', hashOn: { kind: 'source_ip' } } }),
    ];
    const names = cs.map((c) => c.name);
    const clusters = new Map(cs.map((c) => [c.name, c]));
    for (const seed of [1, 2, 3, 4, 5]) {
      const r = rng(seed);
      const routes = Array.from({ length: 100 }, (_, i) => randomRoute(r, i, names));
      const table = { name: '80', virtualHosts: [{ name: `${host}:80`, domains: ['svc', clusterName(host, 80)], routes }] };
      // The same virtual host again (as in another view): equal routes, then changed ones.
      const copy = JSON.parse(JSON.stringify(table)) as typeof table;
      const changed = { ...table, virtualHosts: [{ ...table.virtualHosts[0]!, routes: [...routes].reverse() }] };
      for (const reader of READERS) {
        const encode = routeTableEncoder(clusters, reader);
        for (const t of [table, copy, changed]) {
          const plain = encodeResource('rds', '80', buildRouteConfiguration(t, clusters, reader)).bytes;
          expect(Buffer.concat(encode(t)).equals(Buffer.from(plain)), `seed ${seed}, ${reader}`).toBe(true);
        }
      }
    }
  });

  it('gives gRPC tables route actions of their own: the same routes, other bytes, each the plain encoding', () => {
    const host = 'svc.ns.svc.cluster.local';
    const cs = [edsCluster(host, 80, 'a'), edsCluster(host, 80, 'b'), edsCluster(host, 80, 'c')];
    const clusters = new Map(cs.map((c) => [c.name, c]));
    const r = rng(11);
    const routes = Array.from({ length: 50 }, (_, i) => randomRoute(r, i, cs.map((c) => c.name)));
    const table = { name: '80', virtualHosts: [{ name: `${host}:80`, domains: [host], routes }] };
    const envoy = Buffer.concat(routeTableEncoder(clusters)(table));
    const grpc = Buffer.concat(routeTableEncoder(clusters, 'grpc')(table));
    expect(grpc.equals(envoy)).toBe(false);
    expect(grpc.equals(encodeResource('rds', '80', buildRouteConfiguration(table, clusters, 'grpc')).bytes)).toBe(true);
    expect(envoy.equals(encodeResource('rds', '80', buildRouteConfiguration(table, clusters)).bytes)).toBe(true);
  });
});

const READERS: readonly XdsReader[] = ['envoy', 'grpc'];

describe('fast load assignment encoding on generated endpoint sets', () => {
  it('equals the plain encoding with and without localities, weights and non-ASCII names', () => {
    const r = rng(7);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
    for (let i = 0; i < 300; i++) {
      const endpoints = Array.from({ length: Math.floor(r() * 6) }, () => ({
        address: pick(['10.0.0.1', 'fd00::1', 'db.example.com', 'hôte.example', 'x'.repeat(200)]),
        port: pick([0, 1, 80, 9080, 65535]),
        ...(r() < 0.4 ? { weight: pick([1, 2, 127, 128, 100_000]) } : {}),
        ...(r() < 0.4 ? { locality: pick(['', 'us-east', 'us-east/a', 'us-east/a/1', '/b', 'eu/ü']) } : {}),
      }));
      const set = { clusterName: pick(['c', 'outbound|80|v1|svc.ns.svc.cluster.local', 'ç'.repeat(100)]), endpoints };
      const plain = encodeResource('eds', set.clusterName, buildLoadAssignment(set)).bytes;
      expect(Buffer.from(encodeLoadAssignment(set)).equals(Buffer.from(plain)), JSON.stringify(set)).toBe(true);
    }
  });
});

describe('route table encoding across views', () => {
  const host = (i: number) => `svc-${i}.ns.svc.cluster.local`;
  const clusters = new Map([[clusterName(host(0), 80), edsCluster(host(0), 80)]]);
  const routes = Array.from({ length: 40 }, (_, i) => [route(`r/${i}`, forward([[clusterName(host(0), 80), 100]]))]);
  const table = (domains: (i: number) => string[]) => ({
    name: '80',
    virtualHosts: routes.map((rs, i) => ({ name: `${host(i)}:80`, domains: domains(i), routes: rs })),
  });

  it('gives the same bytes object for a table seen again, and correct bytes when only domains differ', () => {
    const encode = routeTableEncoder(clusters);
    const base = table((i) => [host(i)]);
    const wider = table((i) => [`svc-${i}`, host(i), 'ü'.repeat(i * 5)]); // shares the routes arrays
    const first = encode(base);
    expect(encode(base)).toBe(first);
    for (const t of [wider, base]) {
      const plain = encodeResource('rds', '80', buildRouteConfiguration(t, clusters)).bytes;
      expect(Buffer.concat(encode(t)).equals(Buffer.from(plain))).toBe(true);
    }
  });

  it('encodes each view right when views share most virtual host objects, as namespace views do', () => {
    // One object per virtual host for every view, and an own-namespace variant (the short
    // name added) for a few: the encoder copies a shared host from the first table holding it.
    const encode = routeTableEncoder(clusters);
    const other = routes.map((rs, i) => ({ name: `${host(i)}:80`, domains: [host(i), `svc-${i}.ns`], routes: rs }));
    const own = other.map((vh, i) => ({ ...vh, domains: [`svc-${i}`, ...vh.domains, 'é'.repeat(i)] }));
    const views = [
      { name: '80', virtualHosts: other },
      { name: '80', virtualHosts: other.map((vh, i) => (i % 7 === 0 ? own[i]! : vh)) },
      { name: '80', virtualHosts: other.map((vh, i) => (i % 5 === 0 ? own[i]! : vh)) },
      { name: '8080', virtualHosts: other.filter((_, i) => i % 2 === 0) },
      { name: '80', virtualHosts: [...own].reverse() },
    ];
    for (const t of views) {
      const plain = encodeResource('rds', t.name, buildRouteConfiguration(t, clusters)).bytes;
      expect(Buffer.concat(encode(t)).equals(Buffer.from(plain)), `${t.name} ${t.virtualHosts.length}`).toBe(true);
    }
  });
});

describe('cluster encoding with shared policy objects', () => {
  it('equals the plain encoding when subsets share (or almost share) one policy object', () => {
    const host = 'svc.ns.svc.cluster.local';
    const pool = { maxConnections: 100, http1MaxPendingRequests: 64 };
    const od = { consecutive5xxErrors: 5, intervalMs: 10_000, baseEjectionTimeMs: 30_000 };
    const lb = { kind: 'least_request' as const };
    const clusters: IrCluster[] = [
      edsCluster(host, 80, 'v1', { loadBalancer: lb, connectionPool: pool, outlierDetection: od }),
      edsCluster(host, 80, 'v2', { loadBalancer: lb, connectionPool: pool, outlierDetection: od }),
      edsCluster(host, 80, 'v3', { loadBalancer: lb, connectionPool: pool, outlierDetection: od, connectTimeoutMs: 1500 }),
      edsCluster(host, 80, 'v4', { loadBalancer: lb, connectionPool: pool, outlierDetection: od, http2: true }),
      edsCluster(host, 80, 'v5', { loadBalancer: lb, connectionPool: pool }),
      edsCluster(host, 80, 'v6', { loadBalancer: { kind: 'least_request' }, connectionPool: { ...pool }, outlierDetection: { ...od } }),
    ];
    const encode = clusterEncoder();
    for (const c of clusters) {
      const plain = encodeResource('cds', c.name, buildCluster(c)).bytes;
      expect(Buffer.from(encode(c)).equals(Buffer.from(plain)), c.name).toBe(true);
    }
  });
});
