// Real Envoy against the in-process server with a test-only snapshot source: a resource
// Envoy rejects is NACKed, the NACK (with Envoy's message) shows in status, the server
// does not resend it, the next good snapshot is taken, and the NACK leaves status once the
// rejected resource is gone or replaced. SotW and Delta.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { adsBootstrap } from '../../src/envoy/ads-bootstrap.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { startXdsServer, type XdsServer } from '../../src/serve/xds-server.ts';
import { startEnvoy, type EnvoyProcess } from '../support/envoy-process.ts';
import { basicResources, cluster, endpoints, listener, makeSnapshot, type ResourceSpec } from './support/snapshots.ts';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function until<T>(what: string, fn: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const v = fn();
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const snap = (extra: ResourceSpec[] = []) =>
  makeSnapshot([{ name: 'sidecar', resources: [...basicResources({ port: 0 }), ...extra] }]);

/** A server for `source` and a real Envoy connected to it (SotW, or Delta with `delta`); both ended after the test. */
async function serveToEnvoy(source: MemorySnapshotSource, delta: boolean): Promise<{ server: XdsServer; envoy: EnvoyProcess }> {
  const server: XdsServer = await startXdsServer({ source, port: 0, logger: silentLogger });
  cleanups.push(() => server.close(500));
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-nack-')), 'envoy.json');
  fs.writeFileSync(file, JSON.stringify(adsBootstrap({ server: `127.0.0.1:${server.port}`, nodeId: 'e', cluster: 'c', delta, adminPort: 0 })));
  const envoy: EnvoyProcess = await startEnvoy(file);
  cleanups.push(() => envoy.stop());
  return { server, envoy };
}

for (const delta of [false, true]) {
  describe(`real Envoy, ${delta ? 'Delta' : 'SotW'}`, () => {
    it('NACKs a bad cluster: status shows Envoy\'s error, no resend, next good snapshot taken', async () => {
      const source = new MemorySnapshotSource(snap(), 1);
      const { server, envoy } = await serveToEnvoy(source, delta);
      const cds = () => server.status.list()[0]?.types.cds;
      await until('initial ACK', () => (cds()?.acked && cds()!.acked === cds()!.sent ? true : undefined));

      source.set(snap([cluster('broken', { connect_timeout: { seconds: -5 } })]));
      const nack = await until('NACK', () => cds()?.nack ?? undefined);
      expect(nack.version.startsWith('2-')).toBe(true);
      expect(nack.message).toMatch(/connect_timeout|Duration|broken/i);
      const pushes = server.metrics.pushes.cds;
      await new Promise((r) => setTimeout(r, 1500));
      expect(server.metrics.pushes.cds).toBe(pushes);
      expect(server.metrics.nacks.cds).toBe(1);
      expect(cds()!.acked!.startsWith('1-')).toBe(true);
      const clusters = await (await fetch(`${envoy.adminUrl}/clusters`)).text();
      expect(clusters).not.toContain('broken::');

      // Every EDS cluster needs its endpoints, or Envoy keeps it warming (and defers the ACK).
      source.set(snap([cluster('fixed'), endpoints('fixed', 9009)]));
      await until('fixed snapshot ACKed', () => (cds()?.acked?.startsWith('3-') ? true : undefined));
      expect(await (await fetch(`${envoy.adminUrl}/clusters`)).text()).toContain('fixed::');
      // The rejected cluster is gone (Delta: its removal was ACKed): the NACK no longer stands.
      expect(cds()!.nack).toBeNull();
    }, 40_000);
  });
}

describe('real Envoy, Delta: answers to a response the next one already followed', () => {
  it('a NACK that arrives after the next response is recorded, with Envoy\'s message', async () => {
    const source = new MemorySnapshotSource(snap(), 1);
    const { server, envoy } = await serveToEnvoy(source, true);
    const cds = () => server.status.list()[0]?.types.cds;
    await until('initial ACK', () => (cds()?.acked && cds()!.acked === cds()!.sent ? true : undefined));

    // Two activations in one go: the response with the bad cluster and the next one are both
    // out before Envoy answers the first, so its NACK names the earlier of the two.
    source.set(snap([cluster('broken', { connect_timeout: { seconds: -5 } })]));
    source.set(snap([cluster('broken', { connect_timeout: { seconds: -5 } }), cluster('fixed'), endpoints('fixed', 9009)]));
    const nack = await until('NACK', () => cds()?.nack ?? undefined);
    expect(nack.version.startsWith('2-')).toBe(true);
    expect(nack.message).toMatch(/connect_timeout|Duration|broken/i);
    await until('the next response ACKed', () => (cds()?.acked?.startsWith('3-') ? true : undefined));
    expect(server.metrics.nacks.cds).toBe(1);
    expect(server.metrics.staleNonces).toBe(0);
    expect(await (await fetch(`${envoy.adminUrl}/clusters`)).text()).toContain('fixed::');
    // That ACK carried other clusters: the rejected one is still not what Envoy runs.
    expect(cds()!.nack).toEqual(nack);

    // A newer version of the rejected cluster, ACKed: the NACK no longer stands.
    source.set(snap([cluster('broken', { connect_timeout: { seconds: 2 } }), endpoints('broken', 9010), cluster('fixed'), endpoints('fixed', 9009)]));
    await until('the repaired cluster ACKed', () => (cds()?.acked?.startsWith('4-') ? true : undefined));
    expect(await (await fetch(`${envoy.adminUrl}/clusters`)).text()).toContain('broken::');
    expect(cds()!.nack).toBeNull();
  }, 40_000);
});

describe('real Envoy, Delta: a NACK rejects the resources Envoy names in it', () => {
  // Envoy's Delta CDS and LDS take every valid resource of a response and NACK naming the
  // failed ones ("Error adding/updating cluster(s) bad: …"): once the bad one is fixed, the
  // proxy runs the current config, and status says so.
  const address = (ip: string) => ({ socket_address: { address: ip, port_value: 0 } });
  const cases: { type: 'cds' | 'lds'; good: ResourceSpec[]; bad: (ip: string) => ResourceSpec; wording: string; admin: string }[] = [
    {
      type: 'cds',
      good: [cluster('good'), endpoints('good', 9009)],
      bad: (ip) => ({
        type: 'cds',
        name: 'bad',
        message: { name: 'bad', type: 'STATIC', connect_timeout: { seconds: 1 }, load_assignment: { cluster_name: 'bad', endpoints: [{ lb_endpoints: [{ endpoint: { address: address(ip) } }] }] } },
      }),
      wording: 'Error adding/updating cluster(s) bad: malformed IP address: not-an-ip',
      admin: '/clusters',
    },
    {
      type: 'lds',
      good: [listener('good', 0, 'routes_10000')],
      bad: (ip) => {
        const l = listener('bad', 0, 'routes_10000');
        return { ...l, message: { ...l.message, address: address(ip) } };
      },
      wording: 'Error adding/updating listener(s) bad: malformed IP address: not-an-ip',
      admin: '/listeners',
    },
  ];
  for (const { type, good, bad, wording, admin } of cases) {
    it(`${type}: a response changing two, one bad, is NACKed for the bad one; fixing only it clears the NACK`, async () => {
      const source = new MemorySnapshotSource(snap(), 1);
      const { server, envoy } = await serveToEnvoy(source, true);
      const status = () => server.status.list()[0]?.types[type];
      await until('initial ACK', () => (status()?.acked && status()!.acked === status()!.sent ? true : undefined));

      source.set(snap([...good, bad('not-an-ip')]));
      const nack = await until('NACK', () => status()?.nack ?? undefined);
      expect(nack.version.startsWith('2-')).toBe(true);
      expect(nack.message).toContain(wording);
      // Envoy took the good one all the same.
      const held = async () => (await (await fetch(`${envoy.adminUrl}${admin}`)).text()).split('\n').map((l) => l.split('::')[0]);
      expect(await held()).toContain('good');
      expect(await held()).not.toContain('bad');

      // The fix changes only the bad one: that response carries it alone.
      source.set(snap([...good, bad('127.0.0.1')]));
      await until('the fix ACKed', () => (status()?.acked?.startsWith('3-') ? true : undefined));
      expect(await held()).toContain('bad');
      expect(status()!.nack).toBeNull();
      expect(server.metrics.nacks[type]).toBe(1);
    }, 40_000);
  }
});
