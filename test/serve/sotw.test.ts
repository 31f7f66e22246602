import { describe, expect, it } from 'vitest';
import { basicResources, cluster, makeSnapshot, routeConfig } from './support/snapshots.ts';
import { client, serverWith } from './support/harness.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { waitFor } from '../e2e/support/wait.ts';

const node = { id: 'sidecar-1' };
const ALL_EDS = ['outbound|9080||ratings', 'outbound|9080||reviews'];

function snapshot(extra: Parameters<typeof makeSnapshot>[0][number]['resources'] = [], opts = {}) {
  return makeSnapshot([{ name: 'sidecar', resources: [...basicResources(opts), ...extra] }]);
}

describe('SotW ADS', () => {
  it('answers the initial sync in ADS order with full LDS/CDS sets and versioned responses', async () => {
    const snap = snapshot();
    const { server } = await serverWith(snap, 7);
    const c = client(server.port, 'sotw');
    c.request('cds', { node });
    const cds = await c.next();
    expect(cds.type).toBe('cds');
    expect(cds.names).toEqual(['outbound|9080||ratings', 'outbound|9080||reviews']);
    expect(cds.version).toBe(`7-${snap.views[0]!.typeHashes.cds.slice(0, 8)}`);
    c.request('eds', { names: ALL_EDS });
    c.request('lds');
    const eds = await c.next();
    const lds = await c.next();
    expect([eds.type, lds.type]).toEqual(['eds', 'lds']);
    expect(eds.names).toEqual(ALL_EDS);
    c.request('rds', { names: ['routes_10000'] });
    const rds = await c.next();
    expect(rds.names).toEqual(['routes_10000']);
    expect(new Set([cds.nonce, eds.nonce, lds.nonce, rds.nonce]).size).toBe(4);
  });

  it('records ACKs in status and sends nothing more for an ACK', async () => {
    const { server } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('cds', { node });
    const cds = await c.next();
    c.ack(cds);
    await c.expectSilence(200);
    const [p] = server.status.list();
    expect(p).toMatchObject({ node: 'sidecar-1', view: 'sidecar', replica: 'test-replica' });
    expect(p!.types.cds).toEqual({ sent: cds.version, acked: cds.version, nack: null });
    expect(server.metrics.acks.cds).toBe(1);
  });

  it('parks a NACKed version (never resent) and sends the next new version', async () => {
    const warnings: string[] = [];
    const { server, source } = await serverWith(snapshot(), 1, { logger: { ...silentLogger, warn: (msg) => warnings.push(msg) } });
    const c = client(server.port, 'sotw');
    c.request('cds', { node });
    const first = await c.next();
    c.ack(first);
    await c.expectSilence(100);
    source.set(snapshot([cluster('bad', { connect_timeout: { seconds: -1 } })]));
    const bad = await c.next();
    expect(bad.names).toContain('bad');
    c.request('cds', { version: first.version, nonce: bad.nonce, error: 'Proto constraint validation failed: connect_timeout' });
    await c.expectSilence(400);
    const status = server.status.list()[0]!.types.cds;
    expect(status).toEqual({
      sent: bad.version,
      acked: first.version,
      nack: { version: bad.version, message: 'Proto constraint validation failed: connect_timeout' },
    });
    expect(warnings).toContain('proxy rejected config (NACK); it keeps its previous config');
    // Envoy's next request after a NACK carries the latest nonce without error_detail but its
    // old version: no ACK of the rejected version.
    c.request('cds', { version: first.version, nonce: bad.nonce });
    await c.expectSilence(150);
    expect(server.status.list()[0]!.types.cds).toMatchObject({ acked: first.version, nack: { version: bad.version } });
    // A snapshot that changes only listeners does not re-push the parked clusters either.
    source.set(snapshot([cluster('bad', { connect_timeout: { seconds: -1 } })], { port: 10001 }));
    await c.expectSilence(300);
    source.set(snapshot([cluster('good')]));
    const good = await c.next();
    expect(good.names).toContain('good');
    expect(good.version.startsWith('4-')).toBe(true);
    // Once the proxy ACKs a later version, the rejection no longer describes it.
    c.ack(good);
    await c.expectSilence(100);
    expect(server.status.list()[0]!.types.cds).toEqual({ sent: good.version, acked: good.version, nack: null });
  });

  it('pushes only changed types on a new activation, and EDS right after every CDS push', async () => {
    const { server, source } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('cds', { node });
    c.ack(await c.next());
    c.request('eds', { names: ALL_EDS });
    const eds1 = await c.next();
    c.ack(eds1, ALL_EDS);
    c.request('lds');
    c.ack(await c.next());
    await c.expectSilence(100);
    source.set(snapshot(), 2); // same content, new activation: nothing to push
    await c.expectSilence(200);
    const changedCluster = basicResources().map((r) =>
      r.type === 'cds' && r.name === 'outbound|9080||ratings' ? cluster(r.name, { connect_timeout: { seconds: 2 } }) : r,
    );
    source.set(makeSnapshot([{ name: 'sidecar', resources: changedCluster }]), 3);
    const cds = await c.next();
    const eds = await c.next();
    expect([cds.type, cds.version.split('-')[0]]).toEqual(['cds', '3']);
    // Endpoints did not change, but the updated cluster warms until EDS arrives.
    expect(eds.type).toBe('eds');
    expect(eds.names).toEqual(ALL_EDS);
    expect(eds.version.split('-')[1]).toBe(eds1.version.split('-')[1]);
    await c.expectSilence(200); // LDS unchanged: not resent
  });

  it('sends only the requested RDS/EDS names, remembers unknown names and sends them when they appear', async () => {
    const { server, source } = await serverWith(snapshot([routeConfig('routes_20000', 'outbound|9080||ratings')]));
    const c = client(server.port, 'sotw');
    c.request('rds', { node, names: ['routes_20000', 'routes_later'] });
    const r1 = await c.next();
    expect(r1.names).toEqual(['routes_20000']);
    c.ack(r1, ['routes_20000', 'routes_later']);
    await c.expectSilence(200);
    source.set(snapshot([routeConfig('routes_20000', 'outbound|9080||ratings'), routeConfig('routes_later', 'outbound|9080||reviews')]));
    const r2 = await c.next();
    expect(r2.names).toEqual(['routes_20000', 'routes_later']);
  });

  it('answers a changed name set and a re-subscription with a fresh response', async () => {
    const { server } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('eds', { node, names: ['outbound|9080||reviews'] });
    const e1 = await c.next();
    expect(e1.names).toEqual(['outbound|9080||reviews']);
    c.request('eds', { version: e1.version, nonce: e1.nonce, names: [] });
    const e2 = await c.next();
    expect(e2.names).toEqual([]);
    c.request('eds', { version: e2.version, nonce: e2.nonce, names: ['outbound|9080||reviews'] });
    const e3 = await c.next();
    expect(e3.names).toEqual(['outbound|9080||reviews']);
    // Same bytes as the first answer: nonces derive from content, so they match too.
    expect(e3.nonce).toBe(e1.nonce);
    expect(e2.nonce).not.toBe(e1.nonce);
  });

  it('counts one ACK per response: a later request repeating its nonce to change names is none', async () => {
    const { server } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    const [ratings, reviews] = ALL_EDS as [string, string];
    c.request('eds', { node, names: [reviews] });
    const e1 = await c.next();
    c.ack(e1, [reviews]);
    await waitFor('the ACK of e1', () => server.metrics.acks.eds === 1, 5000, 10);
    // What Envoy sends when a new cluster starts warming: the same nonce and version, one more name.
    c.request('eds', { version: e1.version, nonce: e1.nonce, names: [reviews, ratings] });
    const e2 = await c.next();
    expect(e2.names).toEqual(ALL_EDS);
    // e2 answers that request: it was taken in, and counted as no ACK.
    expect(server.metrics.acks.eds).toBe(1);
    c.ack(e2, ALL_EDS);
    await waitFor('the ACK of e2', () => server.metrics.acks.eds === 2, 5000, 10);
    expect(server.status.list()[0]!.types.eds.acked).toBe(e2.version);
  });

  it('ignores requests with a stale nonce', async () => {
    const { server, source } = await serverWith(snapshot());
    const c = client(server.port, 'sotw');
    c.request('cds', { node });
    const c1 = await c.next();
    source.set(snapshot([cluster('extra')]));
    const c2 = await c.next();
    // A NACK of the older response arrives late: it must not be recorded nor answered.
    c.request('cds', { nonce: c1.nonce, error: 'late complaint about an old version' });
    await c.expectSilence(250);
    expect(server.status.list()[0]!.types.cds.nack).toBeNull();
    expect(server.metrics.staleNonces).toBe(1);
    c.ack(c2);
    await c.expectSilence(100);
    expect(server.status.list()[0]!.types.cds.acked).toBe(c2.version);
  });

  it('holds answers for a proxy that has seen a newer generation until the replica catches up', async () => {
    const { server, source } = await serverWith(snapshot(), 3);
    const c = client(server.port, 'sotw');
    c.request('cds', { node, version: '5-abcdef01' });
    await c.expectSilence(250);
    source.set(snapshot([cluster('x')]), 4);
    await c.expectSilence(150);
    source.set(snapshot([cluster('y')]), 5);
    const r = await c.next();
    expect(r.version.startsWith('5-')).toBe(true);
    expect(r.names).toContain('y');
  });

  it("answers at once a proxy reporting a higher generation when generations are each replica's own (serve --config)", async () => {
    // A proxy that moved here from a replica started later carries that replica's higher
    // numbers; they say nothing about which config is newer, so it gets this replica's.
    const { server } = await serverWith(snapshot([cluster('x')]), 3, {}, { orderedGenerations: false });
    const c = client(server.port, 'sotw');
    c.request('cds', { node, version: '5-abcdef01' });
    const r = await c.next();
    expect(r.version.startsWith('3-')).toBe(true);
    expect(r.names).toContain('x');
  });

  it('serves nothing before the source has a snapshot, then syncs', async () => {
    const { server, source } = await serverWith(undefined);
    const c = client(server.port, 'sotw');
    c.request('lds', { node });
    await c.expectSilence(200);
    source.set(snapshot());
    const r = await c.next();
    expect(r.type).toBe('lds');
    expect(r.names).toEqual(['http_10000']);
  });

  it('maps proxies to views by namespace, labels and cluster', async () => {
    const snap = makeSnapshot([
      { name: 'sidecar', resources: [cluster('default-only')] },
      { name: 'sidecar~shop', namespaces: ['shop'], resources: [cluster('shop-only')] },
      { name: 'gateway~edge~gw', kind: 'gateway', workloadSelector: { istio: 'ingressgateway' }, resources: [cluster('gw-only')] },
    ]);
    const { server } = await serverWith(snap);
    const cases = [
      [{ id: 'a' }, 'default-only'],
      [{ id: 'b', namespace: 'shop' }, 'shop-only'],
      [{ id: 'c', labels: { istio: 'ingressgateway', app: 'x' } }, 'gw-only'],
      [{ id: 'd', cluster: 'sidecar~shop' }, 'shop-only'],
    ] as const;
    for (const [n, expected] of cases) {
      const c = client(server.port, 'sotw');
      c.request('cds', { node: n });
      expect((await c.next()).names).toEqual([expected]);
    }
    const views = Object.fromEntries(server.status.list().map((p) => [p.node, p.view]));
    expect(views).toEqual({ a: 'sidecar', b: 'sidecar~shop', c: 'gateway~edge~gw', d: 'sidecar~shop' });
  });
});
