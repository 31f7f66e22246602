import * as grpc from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { basicResources, makeSnapshot } from './support/snapshots.ts';
import { client, serverWith } from './support/harness.ts';
import type { AdsTestClient, DecodedResponse } from './support/ads-client.ts';

const snapshot = () => makeSnapshot([{ name: 'sidecar', resources: basicResources() }]);

async function syncAll(c: AdsTestClient): Promise<DecodedResponse[]> {
  const out: DecodedResponse[] = [];
  c.request('cds', { node: { id: 'same' } });
  out.push(await c.next());
  c.request('eds', { names: ['outbound|9080||reviews', 'outbound|9080||ratings'] });
  out.push(await c.next());
  c.request('lds');
  out.push(await c.next());
  c.request('rds', { names: ['routes_10000'] });
  out.push(await c.next());
  return out;
}

describe('xDS server', () => {
  it('two replicas with the same snapshot send byte-identical responses and versions', async () => {
    const a = await serverWith(snapshot(), 9);
    const b = await serverWith(snapshot(), 9);
    const ra = await syncAll(client(a.server.port, 'sotw'));
    const rb = await syncAll(client(b.server.port, 'sotw'));
    expect(ra.map((r) => r.version)).toEqual(rb.map((r) => r.version));
    for (let i = 0; i < ra.length; i++) expect(Buffer.compare(ra[i]!.raw, rb[i]!.raw)).toBe(0);

    const da = client(a.server.port, 'delta');
    const db = client(b.server.port, 'delta');
    da.delta('cds', { node: { id: 'same' } });
    db.delta('cds', { node: { id: 'same' } });
    expect(Buffer.compare((await da.next()).raw, (await db.next()).raw)).toBe(0);
  });

  it('refuses new streams beyond the rate limit with RESOURCE_EXHAUSTED', async () => {
    const { server } = await serverWith(snapshot(), 1, { streamsPerSecond: 1, streamBurst: 2 });
    const clients = [0, 1, 2].map(() => client(server.port, 'sotw'));
    for (const c of clients) c.request('cds', { node: { id: 'x' } });
    const results = await Promise.allSettled(clients.map((c) => c.next(2000)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(2);
    const refused = clients.find((c) => c.status || c.error)!;
    expect((await refused.ended()).code).toBe(grpc.status.RESOURCE_EXHAUSTED);
    expect(server.metrics.streamsRejected).toBe(1);
  });

  it('shuts down gracefully: open streams end, new connections are refused', async () => {
    const { server } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('cds', { node: { id: 'x' } });
    await c.next();
    expect(server.status.size).toBe(1);
    const t0 = Date.now();
    await server.close(2000);
    expect(Date.now() - t0).toBeLessThan(1500);
    expect((await c.ended()).code).toBe(grpc.status.OK);
    expect(server.status.size).toBe(0);
    const late = client(server.port, 'sotw');
    late.request('cds', { node: { id: 'y' } });
    await expect(late.next(1500)).rejects.toThrow();
  });

  it('counts pushes, ACKs and NACKs per type for /metrics', async () => {
    const { server } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('lds', { node: { id: 'x' } });
    const r = await c.next();
    c.request('lds', { nonce: r.nonce, error: 'nope' });
    await c.expectSilence(150);
    const text = server.metrics.render();
    expect(text).toContain('meshlog_xds_pushes_total{type="lds"} 1');
    expect(text).toContain('meshlog_xds_nacks_total{type="lds"} 1');
    expect(text).toContain('meshlog_xds_streams{mode="sotw"} 1');
  });
});
