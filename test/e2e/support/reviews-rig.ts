// What the Envoy end-to-end suites share: three `reviews` upstreams on local ports, the
// reviews mesh pointing at them, a snapshot source serving its first version (80/20, no v3),
// and the request helpers that measure where Envoy sends traffic. Each suite starts its own
// xDS server and Envoy (their options are what the suites differ in).
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { MemorySnapshotSource } from '../../../src/serve/memory-source.ts';
import type { ProxyStatus } from '../../../src/serve/proxy-status.ts';
import { fire, request, startUpstreams, type Upstreams, type UpstreamReply } from '../../support/upstreams.ts';
import { reviewsMesh, type E2eMesh } from './reviews-mesh.ts';
import { freePort } from './wait.ts';

/** Requests per traffic-share measurement. */
export const REQUESTS = 1000;

/**
 * A measured share is the configured weight, give or take chance: Envoy picks a weighted
 * cluster at random per request, so over REQUESTS the share is binomial. The band is 5
 * percentage points or 4.5 standard deviations, whichever is wider (a 50/50 split spreads
 * most: ±7 points), so a correct config fails about once in 100,000 checks, while a weight
 * that did not apply (80 instead of 50) is far outside it.
 */
export function expectShare(share: number, weight: number): void {
  const sigma = Math.sqrt((weight * (1 - weight)) / REQUESTS);
  const band = Math.max(0.05, 4.5 * sigma);
  expect(share, `share ${share} for weight ${weight} (±${band.toFixed(3)})`).toBeGreaterThan(weight - band);
  expect(share, `share ${share} for weight ${weight} (±${band.toFixed(3)})`).toBeLessThan(weight + band);
}

export interface ReviewsRig {
  readonly upstreams: Upstreams;
  readonly mesh: E2eMesh;
  readonly source: MemorySnapshotSource;
  /** The port Envoy's listener is configured on. */
  readonly listenerPort: number;
  url(path: string): string;
  /** The Host header of the mesh, plus `extra`. */
  headers(extra?: Record<string, string>): Record<string, string>;
  /** The share of REQUESTS that reached `upstream`; every request must reach some reviews upstream. */
  share(path: string, upstream: string, extra?: Record<string, string>): Promise<number>;
  /** Which upstream answered one request (`status:<code>` when none did). */
  who(path: string, extra?: Record<string, string>): Promise<string>;
  close(): Promise<void>;
}

export async function startReviewsRig(): Promise<ReviewsRig> {
  const upstreams = await startUpstreams(['reviews-v1', 'reviews-v2', 'reviews-v3']);
  const listenerPort = await freePort();
  const mesh = reviewsMesh({ listener: listenerPort, v1: upstreams.port('reviews-v1'), v2: upstreams.port('reviews-v2'), v3: upstreams.port('reviews-v3') });
  const source = new MemorySnapshotSource(mesh.snapshot({ weights: { v1: 80, v2: 20 }, withV3: false }));
  const url = (path: string): string => `http://127.0.0.1:${listenerPort}${path}`;
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({ host: mesh.host, ...extra });
  return {
    upstreams,
    mesh,
    source,
    listenerPort,
    url,
    headers,
    async share(path, upstream, extra = {}) {
      const tally = await fire(url(path), REQUESTS, { headers: headers(extra), concurrency: 8 });
      const answered = Object.entries(tally.counts).filter(([k]) => k.startsWith('reviews-')).reduce((a, [, n]) => a + n, 0);
      expect(answered, JSON.stringify(tally.counts)).toBe(REQUESTS);
      return (tally.counts[upstream] ?? 0) / REQUESTS;
    },
    async who(path, extra = {}) {
      const res = await request(url(path), { headers: headers(extra) });
      return res.status === 200 ? (JSON.parse(res.body) as UpstreamReply).upstream : `status:${res.status}`;
    },
    close: () => upstreams.close(),
  };
}

/** `nodeId`'s entry in the status API's GET /api/proxies. */
export async function proxyStatus(api: FastifyInstance, nodeId: string): Promise<ProxyStatus | undefined> {
  const res = await api.inject({ method: 'GET', url: '/api/proxies' });
  expect(res.statusCode).toBe(200);
  return (res.json() as ProxyStatus[]).find((p) => p.node === nodeId);
}
