// VHDS over a real gRPC Delta stream: a proxy that opts in (node metadata) gets its route
// tables without virtual hosts and the hosts as VirtualHost resources; a one-route change
// is one changed host; on-demand names get the covering host (or "not found") as aliases.
import { createHash } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { messageType } from '../../src/envoy/proto-root.ts';
import { renameVirtualHost, splitRouteTable } from '../../src/serve/vhds-split.ts';
import { VHDS_METADATA_KEY } from '../../src/envoy/ads-bootstrap.ts';
import { VIRTUAL_HOST_TYPE_URL } from '../../src/serve/vhds-stream.ts';
import { TYPE_URLS } from '../../src/snapshot/types.ts';
import { serverWith } from './support/harness.ts';
import { waitFor } from '../e2e/support/wait.ts';
import { cluster, encodeResource, makeSnapshot, type ResourceSpec } from './support/snapshots.ts';

type Msg = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function table(weights: { v1: number; v2: number }): ResourceSpec {
  const host = (name: string, domains: string[], clusterName: string): Msg => ({
    name,
    domains,
    routes: [{ match: { prefix: '/' }, route: { cluster: clusterName } }],
  });
  return {
    type: 'rds',
    name: '9080',
    message: {
      name: '9080',
      validate_clusters: { value: false },
      virtual_hosts: [
        {
          name: 'reviews:9080',
          domains: ['reviews', 'reviews:9080'],
          routes: [{ match: { prefix: '/' }, route: { weighted_clusters: { clusters: [{ name: 'v1', weight: { value: weights.v1 } }, { name: 'v2', weight: { value: weights.v2 } }] } } }],
        },
        host('ratings:9080', ['ratings', 'ratings:9080'], 'ratings'),
        host('wild', ['*.example.com'], 'ratings'),
      ],
    },
  };
}
const snapshotOf = (weights: { v1: number; v2: number }) => makeSnapshot([{ name: 'sidecar', resources: [cluster('v1'), cluster('v2'), table(weights)] }]);

interface DeltaResponse {
  system_version_info: string;
  nonce: string;
  type_url: string;
  removed_resources: string[];
  resources: { name: string; version: string; aliases: string[]; resource?: { type_url: string; value: Uint8Array } }[];
}

const open: (() => void)[] = [];
afterEach(() => open.splice(0).forEach((close) => close()));

function deltaClient(port: number, vhds: boolean) {
  const c = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  const call = c.makeBidiStreamRequest('/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources', (b: Buffer) => b, (b: Buffer) => b);
  open.push(() => {
    call.cancel();
    c.close();
  });
  const queue: DeltaResponse[] = [];
  let wake: (() => void) | undefined;
  call.on('data', (b: Buffer) => {
    queue.push(messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse').decode(b) as unknown as DeltaResponse);
    wake?.();
  });
  call.on('error', () => {});
  let first = true;
  const reqType = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
  return {
    send(typeUrl: string, opts: { subscribe?: string[]; unsubscribe?: string[]; nonce?: string; initial?: Record<string, string>; error?: string } = {}): void {
      const fields: Msg = { NAMESPACE: { stringValue: 'default' } };
      if (vhds) fields[VHDS_METADATA_KEY] = { stringValue: 'true' };
      const node = first ? { id: vhds ? 'vhds-proxy' : 'classic-proxy', cluster: 'test', metadata: { fields } } : undefined;
      first = false;
      const m = reqType.fromObject({
        node,
        type_url: typeUrl,
        resource_names_subscribe: opts.subscribe ?? [],
        resource_names_unsubscribe: opts.unsubscribe ?? [],
        response_nonce: opts.nonce ?? '',
        initial_resource_versions: opts.initial ?? {},
        error_detail: opts.error ? { code: 3, message: opts.error } : undefined,
      });
      call.write(Buffer.from(reqType.encode(m).finish()));
    },
    async next(timeoutMs = 3000): Promise<DeltaResponse> {
      const deadline = Date.now() + timeoutMs;
      while (queue.length === 0) {
        const left = deadline - Date.now();
        if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
        await new Promise<void>((r) => {
          const t = setTimeout(r, left);
          wake = () => (clearTimeout(t), r());
        });
      }
      return queue.shift()!;
    },
    async silence(ms: number): Promise<void> {
      await new Promise((r) => setTimeout(r, ms));
      expect(queue.map((q) => q.type_url)).toEqual([]);
    },
  };
}

const decode = (name: string, bytes: Uint8Array): Msg => messageType(name).toObject(messageType(name).decode(bytes), { defaults: false }) as Msg;

describe('VHDS split', () => {
  it('keeps every route table field but the hosts, adds vhds over ADS, and names hosts <table>/<host>', () => {
    const res = encodeResource(table({ v1: 80, v2: 20 }));
    const split = splitRouteTable(res.bytes);
    const rc = decode('envoy.config.route.v3.RouteConfiguration', split.table);
    expect(rc.name).toBe('9080');
    expect(rc.virtual_hosts ?? []).toEqual([]);
    expect(rc.vhds.config_source.ads).toEqual({});
    expect(rc.vhds.config_source.resource_api_version).toBe(2); // V3
    const original = decode('envoy.config.route.v3.RouteConfiguration', res.bytes);
    const { virtual_hosts: _hosts, ...tableFields } = original;
    const { vhds: _vhds, virtual_hosts: _none, ...splitFields } = rc;
    expect(splitFields).toEqual(tableFields);
    expect(Object.keys(tableFields)).toContain('validate_clusters');
    const hosts = split.hostPayloads.map((p) => renameVirtualHost(split.name, p));
    expect(hosts.map((v) => v.name)).toEqual(['9080/reviews:9080', '9080/ratings:9080', '9080/wild']);
    hosts.forEach((v, i) => {
      const vh = decode('envoy.config.route.v3.VirtualHost', v.bytes);
      expect({ ...vh, name: original.virtual_hosts[i].name }).toEqual(original.virtual_hosts[i]);
      expect(vh.name).toBe(v.name);
    });
  });
});

describe('VHDS over Delta ADS', () => {
  async function synced(vhds = true) {
    const { server, source } = await serverWith(snapshotOf({ v1: 80, v2: 20 }));
    const c = deltaClient(server.port, vhds);
    c.send(TYPE_URLS.rds, { subscribe: ['9080'] });
    const rds = await c.next();
    c.send(TYPE_URLS.rds, { nonce: rds.nonce });
    return { server, source, c, rds };
  }

  it('sends the table without hosts, then every host on the (empty) wildcard subscription', async () => {
    const { server, c, rds } = await synced();
    expect(rds.type_url).toBe(TYPE_URLS.rds);
    const rc = decode('envoy.config.route.v3.RouteConfiguration', rds.resources[0]!.resource!.value);
    expect(rc.virtual_hosts ?? []).toEqual([]);
    expect(rc.vhds).toBeDefined();
    // Nothing of VHDS before the proxy asks for it.
    await c.silence(150);
    c.send(VIRTUAL_HOST_TYPE_URL);
    const vh = await c.next();
    expect(vh.type_url).toBe(VIRTUAL_HOST_TYPE_URL);
    expect(vh.resources.map((r) => r.name).sort()).toEqual(['9080/ratings:9080', '9080/reviews:9080', '9080/wild']);
    expect(vh.system_version_info).toBe(rds.system_version_info);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh.nonce });
    await c.silence(150);
    const status = server.status.list()[0]!;
    expect(status.types.rds.acked).toBe(vh.system_version_info);
  });

  it('a one-route change is one VirtualHost response with the one changed host, no route table', async () => {
    const { source, c } = await synced();
    c.send(VIRTUAL_HOST_TYPE_URL);
    const vh1 = await c.next();
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh1.nonce });
    await c.silence(100);
    source.set(snapshotOf({ v1: 20, v2: 80 }));
    const vh2 = await c.next();
    expect(vh2.type_url).toBe(VIRTUAL_HOST_TYPE_URL);
    expect(vh2.resources.map((r) => r.name)).toEqual(['9080/reviews:9080']);
    expect(vh2.resources[0]!.version).not.toBe(vh1.resources.find((r) => r.name === '9080/reviews:9080')!.version);
    const host = decode('envoy.config.route.v3.VirtualHost', vh2.resources[0]!.resource!.value);
    expect(host.routes[0].route.weighted_clusters.clusters.map((w: Msg) => w.weight.value)).toEqual([20, 80]);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh2.nonce });
    await c.silence(150);
  });

  it('records a NACK of virtual hosts a later response already followed (as rds), and the ACK of that one', async () => {
    const { server, source, c } = await synced();
    c.send(VIRTUAL_HOST_TYPE_URL);
    const vh1 = await c.next();
    source.set(snapshotOf({ v1: 20, v2: 80 }));
    const vh2 = await c.next();
    expect(vh2.type_url).toBe(VIRTUAL_HOST_TYPE_URL);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh1.nonce, error: 'virtual host 9080/wild: rejected' });
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh2.nonce });
    // Requests are taken in order: once the second is, so was the first.
    await waitFor('the ACK of vh2', () => server.status.list()[0]!.types.rds.acked === vh2.system_version_info, 5000, 10);
    const rds = server.status.list()[0]!.types.rds;
    expect(rds.nack).toEqual({ version: vh1.system_version_info, message: 'virtual host 9080/wild: rejected' });
    expect([server.metrics.nacks.rds, server.metrics.staleNonces]).toEqual([1, 0]);
    // A reply to a response answered already is stale.
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh2.nonce });
    await waitFor('the stale nonce counted', () => server.metrics.staleNonces === 1, 5000, 10);
  });

  /** A synced VHDS proxy whose latest virtual host response (one changed host) it NACKed. */
  async function nacked(subscribe?: string[]) {
    const { server, source, c } = await synced();
    const rds = () => server.status.list()[0]!.types.rds;
    c.send(VIRTUAL_HOST_TYPE_URL, subscribe ? { subscribe } : {});
    const vh1 = await c.next();
    expect(vh1.resources.map((r) => r.name).sort()).toEqual(['9080/ratings:9080', '9080/reviews:9080', '9080/wild']);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh1.nonce });
    // The table's ACK and that one.
    await waitFor('the ACK of vh1', () => server.metrics.acks.rds === 2, 5000, 10);
    source.set(snapshotOf({ v1: 20, v2: 80 }));
    const bad = await c.next();
    expect(bad.resources.map((r) => r.name)).toEqual(['9080/reviews:9080']);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: bad.nonce, error: 'virtual host 9080/reviews:9080: rejected' });
    const nack = await waitFor('the NACK in status', () => rds().nack ?? undefined, 5000, 10);
    expect(nack.version).toBe(bad.system_version_info);
    return { server, source, c, rds };
  }

  it('a NACK of a virtual host leaves status once a newer version of it is ACKed', async () => {
    const { source, c, rds } = await nacked();
    source.set(snapshotOf({ v1: 30, v2: 70 }));
    const fixed = await c.next();
    expect(fixed.resources.map((r) => r.name)).toEqual(['9080/reviews:9080']);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: fixed.nonce });
    await waitFor('the ACK of the fixed host', () => rds().acked === fixed.system_version_info, 5000, 10);
    expect(rds().nack).toBeNull();
  });

  it('a NACK of a virtual host leaves status once the proxy stops asking for its route table over RDS', async () => {
    const { c, rds } = await nacked();
    // Its listener went away: Envoy drops the table and its hosts (none is removed or resent).
    c.send(TYPE_URLS.rds, { unsubscribe: ['9080'] });
    await waitFor('the NACK to leave status', () => rds().nack === null, 5000, 10);
  });

  it('a NACK of a virtual host leaves status once the proxy stops asking for it, or its table, over VHDS', async () => {
    // A client that names the tables whose hosts it wants, rather than Envoy's wildcard.
    const byTable = await nacked(['9080']);
    byTable.c.send(VIRTUAL_HOST_TYPE_URL, { unsubscribe: ['9080'] });
    await waitFor('the NACK to leave status', () => byTable.rds().nack === null, 5000, 10);
    // Envoy's wildcard, and a host it asked for on demand, then no longer.
    const { server, c } = await synced();
    const rds = () => server.status.list()[0]!.types.rds;
    c.send(VIRTUAL_HOST_TYPE_URL);
    const vh1 = await c.next();
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh1.nonce, subscribe: ['9080/api.example.com'] });
    const answer = await c.next();
    expect(answer.resources.map((r) => r.aliases)).toEqual([['9080/api.example.com']]);
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: answer.nonce, error: 'virtual host 9080/wild: rejected' });
    await waitFor('the NACK in status', () => rds().nack ?? undefined, 5000, 10);
    c.send(VIRTUAL_HOST_TYPE_URL, { unsubscribe: ['9080/api.example.com'] });
    await waitFor('the NACK to leave status', () => rds().nack === null, 5000, 10);
  });

  it('answers on-demand names with the covering host as alias, or an empty resource when none covers it', async () => {
    const { c } = await synced();
    c.send(VIRTUAL_HOST_TYPE_URL);
    const vh1 = await c.next();
    c.send(VIRTUAL_HOST_TYPE_URL, { nonce: vh1.nonce, subscribe: ['9080/api.example.com', '9080/nowhere:80'] });
    const answer = await c.next();
    const byAlias = Object.fromEntries(answer.resources.map((r) => [r.aliases[0], r]));
    expect(byAlias['9080/api.example.com']?.name).toBe('9080/wild');
    expect(byAlias['9080/api.example.com']?.resource?.type_url).toBe(VIRTUAL_HOST_TYPE_URL);
    expect(byAlias['9080/nowhere:80']?.name).toBe('9080/nowhere:80');
    expect(byAlias['9080/nowhere:80']?.resource).toBeFalsy();
  });

  it('a proxy without the metadata key keeps getting whole route tables', async () => {
    const { rds } = await synced(false);
    const rc = decode('envoy.config.route.v3.RouteConfiguration', rds.resources[0]!.resource!.value);
    expect(rc.virtual_hosts).toHaveLength(3);
    expect(rc.vhds).toBeUndefined();
  });

  it('a proxy reconnecting with host versions of a server that sent hosts ahead of their table gets every host again', async () => {
    const { server } = await serverWith(snapshotOf({ v1: 80, v2: 20 }));
    // What such a server called each host's version: Envoy may hold none of these hosts
    // (it dropped those that came before their table) yet reports them held.
    const split = splitRouteTable(encodeResource(table({ v1: 80, v2: 20 })).bytes);
    const before = Object.fromEntries(
      split.hostPayloads.map((p) => [
        renameVirtualHost('9080', p).name,
        createHash('sha256').update('vhds').update('\u0000').update('9080').update('\u0000').update(p).digest('hex'),
      ]),
    );
    expect(Object.keys(before)).toHaveLength(3);

    const reconnect = async (held: Record<string, string>, table: string): Promise<DeltaResponse> => {
      const c = deltaClient(server.port, true);
      c.send(TYPE_URLS.rds, { subscribe: ['9080'], initial: { '9080': table } });
      const rds = await c.next();
      c.send(TYPE_URLS.rds, { nonce: rds.nonce });
      c.send(VIRTUAL_HOST_TYPE_URL, { initial: held });
      return c.next();
    };
    // The table is held at its current version: only the hosts can be missing.
    const first = deltaClient(server.port, true);
    first.send(TYPE_URLS.rds, { subscribe: ['9080'] });
    const rds = await first.next();
    const tableVersion = rds.resources[0]!.version;
    const stuck = await reconnect(before, tableVersion);
    expect(stuck.resources.map((r) => r.name).sort()).toEqual(Object.keys(before).sort());
    // A proxy that holds what this server sent gets nothing again.
    const current = Object.fromEntries(stuck.resources.map((r) => [r.name, r.version]));
    const synced = await reconnect(current, tableVersion);
    expect(synced.type_url).toBe(VIRTUAL_HOST_TYPE_URL);
    expect(synced.resources).toEqual([]);
  });
});
