import { describe, expect, it } from 'vitest';
import { basicResources, cluster, endpoints, makeSnapshot, routeConfig } from './support/snapshots.ts';
import { client, serverWith } from './support/harness.ts';
import type { ResourceSpec } from './support/snapshots.ts';
import { waitFor } from '../e2e/support/wait.ts';

const node = { id: 'delta-1' };
const snapshotOf = (resources: ResourceSpec[]) => makeSnapshot([{ name: 'sidecar', resources }]);

describe('Delta ADS', () => {
  it('sends the wildcard CDS set with per-resource versions equal to resource hashes', async () => {
    const snap = snapshotOf(basicResources());
    const { server } = await serverWith(snap, 4);
    const c = client(server.port, 'delta');
    c.delta('cds', { node });
    const r = await c.next();
    expect(r.type).toBe('cds');
    expect(r.names).toEqual(['outbound|9080||ratings', 'outbound|9080||reviews']);
    const hashes = Object.fromEntries(snap.views[0]!.resources.cds.map((e) => [e.name, e.hash]));
    expect(r.versions).toEqual(hashes);
    expect(r.version).toBe(`4-${snap.views[0]!.typeHashes.cds.slice(0, 8)}`);
    expect(r.removed).toEqual([]);
  });

  it('honours initial_resource_versions: only what differs is sent, stale names removed', async () => {
    const snap = snapshotOf(basicResources());
    const { server } = await serverWith(snap);
    const reviews = snap.views[0]!.resources.cds.find((e) => e.name === 'outbound|9080||reviews')!;
    const c = client(server.port, 'delta');
    c.delta('cds', {
      node,
      initial: { 'outbound|9080||reviews': reviews.hash, 'outbound|9080||ratings': 'old-version', 'outbound|9080||gone': 'x' },
    });
    const r = await c.next();
    expect(r.names).toEqual(['outbound|9080||ratings']);
    expect(r.removed).toEqual(['outbound|9080||gone']);
  });

  it('reports deletions and unknown names in removed_resources, then sends names when they appear', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('rds', { node, subscribe: ['routes_10000', 'routes_later'] });
    const r1 = await c.next();
    expect(r1.names).toEqual(['routes_10000']);
    expect(r1.removed).toEqual(['routes_later']);
    c.delta('rds', { nonce: r1.nonce });
    await c.expectSilence(150);
    source.set(snapshotOf([...basicResources().filter((r) => r.type !== 'rds'), routeConfig('routes_later', 'outbound|9080||ratings')]));
    const r2 = await c.next();
    expect(r2.names).toEqual(['routes_later']);
    expect(r2.removed).toEqual(['routes_10000']);
  });

  it('sends only changed resources on a new snapshot and nothing for an unchanged one', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('cds', { node });
    const r1 = await c.next();
    c.delta('cds', { nonce: r1.nonce });
    await c.expectSilence(100);
    source.set(snapshotOf(basicResources()));
    await c.expectSilence(150);
    source.set(snapshotOf([...basicResources(), cluster('outbound|80||new')]));
    const r2 = await c.next();
    expect(r2.names).toEqual(['outbound|80||new']);
    expect(r2.removed).toEqual([]);
    expect(server.status.list()[0]!.types.cds.acked).toBe(r1.version);
  });

  it('sends EDS for updated clusters right after the CDS push, even with unchanged endpoints', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('cds', { node });
    const cds1 = await c.next();
    c.delta('cds', { nonce: cds1.nonce });
    c.delta('eds', { subscribe: ['outbound|9080||ratings', 'outbound|9080||reviews'] });
    const eds1 = await c.next();
    c.delta('eds', { nonce: eds1.nonce });
    await c.expectSilence(100);
    source.set(snapshotOf(basicResources().map((r) => (r.type === 'cds' && r.name === 'outbound|9080||reviews' ? cluster(r.name, { connect_timeout: { seconds: 3 } }) : r))));
    const cds2 = await c.next();
    const eds2 = await c.next();
    expect([cds2.type, cds2.names]).toEqual(['cds', ['outbound|9080||reviews']]);
    expect([eds2.type, eds2.names]).toEqual(['eds', ['outbound|9080||reviews']]);
  });

  it('records a NACK (and an ACK) of a response a later one already followed: each carries its own resources', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('cds', { node });
    const r1 = await c.next();
    // The config changes before the proxy answered r1 (it is still applying it).
    source.set(snapshotOf([...basicResources(), cluster('outbound|80||new')]));
    const r2 = await c.next();
    expect(r2.nonce).not.toBe(r1.nonce);
    c.delta('cds', { nonce: r1.nonce, error: 'cluster outbound|9080||ratings: rejected' });
    c.delta('cds', { nonce: r2.nonce });
    // Requests are taken in order: once the second is, so was the first.
    await waitFor('the ACK of r2', () => server.status.list()[0]!.types.cds.acked === r2.version, 5000, 10);
    const cds = server.status.list()[0]!.types.cds;
    expect(cds.nack).toEqual({ version: r1.version, message: 'cluster outbound|9080||ratings: rejected' });
    expect([server.metrics.nacks.cds, server.metrics.acks.cds, server.metrics.staleNonces]).toEqual([1, 1, 0]);

    // The same for two ACKs: both count.
    source.set(snapshotOf([...basicResources(), cluster('outbound|81||newer')]));
    const r3 = await c.next();
    source.set(snapshotOf([...basicResources(), cluster('outbound|82||newest')]));
    const r4 = await c.next();
    c.delta('cds', { nonce: r3.nonce });
    c.delta('cds', { nonce: r4.nonce });
    await waitFor('the ACK of r4', () => server.status.list()[0]!.types.cds.acked === r4.version, 5000, 10);
    expect([server.metrics.acks.cds, server.metrics.staleNonces]).toEqual([3, 0]);
  });

  it('applies subscription changes carried by a stale nonce (answered already, or never sent), but not its NACK', async () => {
    const { server } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('eds', { node, subscribe: ['outbound|9080||reviews'] });
    const e1 = await c.next();
    c.delta('eds', { nonce: e1.nonce });
    c.delta('eds', { nonce: e1.nonce, error: 'old complaint', subscribe: ['outbound|9080||ratings'] });
    const e2 = await c.next();
    expect(e2.names).toEqual(['outbound|9080||ratings']);
    c.delta('eds', { nonce: 'never-sent', error: 'foreign complaint' });
    c.delta('eds', { nonce: e2.nonce });
    // Requests are taken in order: once the last is, so were the others.
    await waitFor('the ACK of e2', () => server.metrics.acks.eds === 2, 5000, 10);
    expect(server.status.list()[0]!.types.eds.nack).toBeNull();
    expect([server.metrics.nacks.eds, server.metrics.acks.eds, server.metrics.staleNonces]).toEqual([0, 2, 2]);
  });

  it('records a NACK and does not resend the rejected resource; a newer version is sent', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('cds', { node });
    const r1 = await c.next();
    c.delta('cds', { nonce: r1.nonce });
    await c.expectSilence(100);
    source.set(snapshotOf([...basicResources(), cluster('bad', { connect_timeout: { seconds: -1 } })]));
    const bad = await c.next();
    c.delta('cds', { nonce: bad.nonce, error: 'cluster bad: invalid connect_timeout' });
    const nack = await waitFor('the NACK in status', () => server.status.list()[0]!.types.cds.nack ?? undefined, 5000, 10);
    expect(nack).toEqual({ version: bad.version, message: 'cluster bad: invalid connect_timeout' });
    // Taken in, and not answered with the rejected cluster again.
    await c.expectSilence(300);
    source.set(snapshotOf([...basicResources(), cluster('bad')]));
    const fixed = await c.next();
    expect(fixed.names).toEqual(['bad']);
  });

  it('an EDS NACK rejects the whole response: it stands until each of its resources is ACKed later, or no longer asked for', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    const eds = () => server.status.list()[0]!.types.eds;
    c.delta('eds', { node, subscribe: ['outbound|9080||reviews', 'outbound|9080||ratings'] });
    const e1 = await c.next();
    c.delta('eds', { nonce: e1.nonce });
    await waitFor('the ACK of e1', () => eds().acked === e1.version, 5000, 10);
    const withPorts = (reviews: number, ratings: number) =>
      snapshotOf(basicResources().map((r) => (r.type !== 'eds' ? r : endpoints(r.name, r.name.endsWith('reviews') ? reviews : ratings))));
    source.set(withPorts(9101, 9102));
    const bad = await c.next();
    expect(bad.names).toEqual(['outbound|9080||ratings', 'outbound|9080||reviews']);
    // Envoy's EDS error names no cluster (and Envoy stops at the first cluster that fails).
    const error = 'malformed IP address: not-an-ip';
    c.delta('eds', { nonce: bad.nonce, error });
    await waitFor('the NACK in status', () => eds().nack ?? undefined, 5000, 10);
    // A later response with a newer reviews only: ratings may still run its old endpoints.
    source.set(withPorts(9201, 9102));
    const reviews = await c.next();
    expect(reviews.names).toEqual(['outbound|9080||reviews']);
    c.delta('eds', { nonce: reviews.nonce });
    await waitFor('the ACK of the newer reviews', () => eds().acked === reviews.version, 5000, 10);
    expect(eds().nack).toEqual({ version: bad.version, message: error });
    // The proxy stops asking for ratings: nothing it runs is rejected any more.
    c.delta('eds', { unsubscribe: ['outbound|9080||ratings'] });
    await waitFor('the NACK to leave status', () => eds().nack === null, 5000, 10);
    expect(eds().acked).toBe(reviews.version);
  });

  it('a CDS NACK rejects the clusters Envoy names in its message (all of the response when it names none)', async () => {
    const { server, source } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    const cds = () => server.status.list()[0]!.types.cds;
    c.delta('cds', { node });
    const r1 = await c.next();
    c.delta('cds', { nonce: r1.nonce });
    await waitFor('the ACK of r1', () => cds().acked === r1.version, 5000, 10);
    const withTimeouts = (reviews: number, ratings: number) =>
      snapshotOf(basicResources().map((r) => (r.type !== 'cds' ? r : cluster(r.name, { connect_timeout: { seconds: r.name.endsWith('reviews') ? reviews : ratings } }))));

    // Both clusters change; Envoy takes reviews and rejects ratings, naming it.
    source.set(withTimeouts(2, 2));
    const both = await c.next();
    expect(both.names).toEqual(['outbound|9080||ratings', 'outbound|9080||reviews']);
    const error = 'Error adding/updating cluster(s) outbound|9080||ratings: malformed IP address: not-an-ip';
    c.delta('cds', { nonce: both.nonce, error });
    await waitFor('the NACK in status', () => cds().nack ?? undefined, 5000, 10);
    // Fixing ratings alone (reviews does not change): the proxy runs what it was sent.
    source.set(withTimeouts(2, 3));
    const ratings = await c.next();
    expect(ratings.names).toEqual(['outbound|9080||ratings']);
    c.delta('cds', { nonce: ratings.nonce });
    await waitFor('the NACK to leave status', () => cds().nack === null, 5000, 10);
    expect(cds().acked).toBe(ratings.version);

    // A message that names none of them (Envoy's proto validation refuses the whole response).
    source.set(withTimeouts(4, 4));
    const invalid = await c.next();
    c.delta('cds', { nonce: invalid.nonce, error: 'Invalid duration: Expected positive duration' });
    await waitFor('the NACK in status', () => cds().nack ?? undefined, 5000, 10);
    source.set(withTimeouts(4, 5));
    const onlyRatings = await c.next();
    expect(onlyRatings.names).toEqual(['outbound|9080||ratings']);
    c.delta('cds', { nonce: onlyRatings.nonce });
    await waitFor('the ACK of the fixed ratings', () => cds().acked === onlyRatings.version, 5000, 10);
    // reviews was rejected too and never sent again: the NACK stands.
    expect(cds().nack).toEqual({ version: invalid.version, message: 'Invalid duration: Expected positive duration' });
  });

  it('resends a resource on re-subscription', async () => {
    const { server } = await serverWith(snapshotOf(basicResources()));
    const c = client(server.port, 'delta');
    c.delta('rds', { node, subscribe: ['routes_10000'] });
    const r1 = await c.next();
    c.delta('rds', { nonce: r1.nonce, unsubscribe: ['routes_10000'] });
    await c.expectSilence(150);
    c.delta('rds', { nonce: r1.nonce, subscribe: ['routes_10000'] });
    const r2 = await c.next();
    expect(r2.names).toEqual(['routes_10000']);
  });
});

describe('views', () => {
  it('moves a proxy to a view that appears for its namespace (Delta diff across views)', async () => {
    const shared = basicResources();
    const { server, source } = await serverWith(makeSnapshot([{ name: 'sidecar', resources: shared }]));
    const c = client(server.port, 'delta');
    c.delta('cds', { node: { id: 'shop-1', namespace: 'shop' } });
    const r1 = await c.next();
    c.delta('cds', { nonce: r1.nonce });
    await c.expectSilence(100);
    expect(server.status.list()[0]!.view).toBe('sidecar');
    source.set(
      makeSnapshot([
        { name: 'sidecar', resources: shared },
        { name: 'sidecar~shop', namespaces: ['shop'], resources: [cluster('outbound|9080||reviews'), cluster('outbound|80||cart')] },
      ]),
    );
    const r2 = await c.next();
    expect(r2.names).toEqual(['outbound|80||cart']);
    expect(r2.removed).toEqual(['outbound|9080||ratings']);
    expect(server.status.list()[0]!.view).toBe('sidecar~shop');
  });
});
