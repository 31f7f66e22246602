import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildApiApp } from '../../src/api/app.ts';
import type { ServerState } from '../../src/api/server-state.ts';
import { FolderSnapshotSource } from '../../src/serve/folder-source.ts';
import { silentLogger } from '../../src/serve/logger.ts';
import { MemorySnapshotSource } from '../../src/serve/memory-source.ts';
import { XdsMetrics } from '../../src/serve/metrics.ts';
import { ProxyStatusRegistry } from '../../src/serve/proxy-status.ts';
import { basicResources, makeSnapshot } from '../serve/support/snapshots.ts';

function setup() {
  const source = new MemorySnapshotSource();
  const status = new ProxyStatusRegistry('replica-a');
  const metrics = new XdsMetrics();
  return { source, status, metrics, app: buildApiApp({ source, status, metrics }) };
}

describe('API', () => {
  it('GET /api/proxies lists each proxy with per-type sent/acked/nack', async () => {
    const { app, status } = setup();
    const p = status.open(1, 'sidecar-b', new Date('2026-11-23T10:00:00Z'));
    p.view = 'sidecar~shop';
    p.types.cds = { sent: '5-aaaaaaaa', acked: '5-aaaaaaaa', nack: null };
    p.types.rds = { sent: '6-bbbbbbbb', acked: '5-cccccccc', nack: { version: '6-bbbbbbbb', message: 'route: bad regex' } };
    status.open(2, 'sidecar-a', new Date('2026-11-23T11:00:00Z'));
    const res = await app.inject({ method: 'GET', url: '/api/proxies' });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.map((x: { node: string }) => x.node)).toEqual(['sidecar-a', 'sidecar-b']);
    expect(body[1]).toEqual({
      node: 'sidecar-b',
      view: 'sidecar~shop',
      replica: 'replica-a',
      connectedAt: '2026-11-23T10:00:00.000Z',
      types: {
        cds: { sent: '5-aaaaaaaa', acked: '5-aaaaaaaa', nack: null },
        eds: { sent: null, acked: null, nack: null },
        lds: { sent: null, acked: null, nack: null },
        rds: { sent: '6-bbbbbbbb', acked: '5-cccccccc', nack: { version: '6-bbbbbbbb', message: 'route: bad regex' } },
      },
    });
  });

  it('/readyz is 503 with a coded error until the source has a snapshot; /healthz always 200', async () => {
    const { app, source } = setup();
    expect((await app.inject({ url: '/healthz' })).statusCode).toBe(200);
    const before = await app.inject({ url: '/readyz' });
    expect(before.statusCode).toBe(503);
    expect(before.json()).toEqual({ error: { code: 'NOT_READY', message: 'no snapshot has been loaded yet' } });
    const snap = makeSnapshot([{ name: 'sidecar', resources: basicResources() }]);
    source.set(snap, 12);
    const after = await app.inject({ url: '/readyz' });
    expect(after.statusCode).toBe(200);
    expect(after.json()).toMatchObject({ status: 'ready', generation: 12, contentHash: snap.contentHash });
  });

  it('GET /api/server says what the replica serves (nothing yet: snapshot null, still 200)', async () => {
    const { app, source } = setup();
    const before = await app.inject({ url: '/api/server' });
    expect(before.statusCode).toBe(200);
    expect(before.json()).toEqual({ replica: 'replica-a', snapshot: null, rejected: null, rejectionsTotal: 0 });
    const snap = makeSnapshot([{ name: 'sidecar', resources: basicResources() }]);
    const active = source.set(snap, 7);
    expect((await app.inject({ url: '/api/server' })).json()).toEqual({
      replica: 'replica-a',
      snapshot: { generation: 7, contentHash: snap.contentHash, commit: snap.commit, activatedAt: active.activatedAt },
      rejected: null,
      rejectionsTotal: 0,
    });
  });

  it('/metrics is Prometheus text with per-type counters', async () => {
    const { app, metrics } = setup();
    metrics.pushes.rds = 3;
    metrics.nacks.cds = 1;
    const res = await app.inject({ url: '/metrics' });
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('# TYPE meshlog_xds_pushes_total counter');
    expect(res.body).toContain('meshlog_xds_pushes_total{type="rds"} 3');
    expect(res.body).toContain('meshlog_xds_nacks_total{type="cds"} 1');
    expect(res.body).toContain('meshlog_xds_proxies 0');
  });

  it('unknown paths get a coded 404 body', async () => {
    const { app } = setup();
    const res = await app.inject({ url: '/api/nope?x=1' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no endpoint GET /api/nope' } });
  });
});

describe('refused config on /readyz and /metrics', () => {
  it('says while the latest folder content is refused and an older snapshot is served, and stops once a valid one is', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-api-'));
    fs.cpSync(path.resolve(import.meta.dirname, '../../config-repo-template'), dir, { recursive: true });
    const source = new FolderSnapshotSource({ folder: dir, logger: silentLogger, debounceMs: 10_000 }); // reloads below are explicit
    try {
      expect((await source.start()).ok).toBe(true);
      const app = buildApiApp({ source, status: new ProxyStatusRegistry('r1'), metrics: new XdsMetrics() });
      const metric = async (name: string) => new RegExp(`^${name} (\\d+)$`, 'm').exec((await app.inject({ url: '/metrics' })).body)?.[1];
      expect(await metric('meshlog_config_rejected')).toBe('0');

      const reviews = path.join(dir, 'routing/reviews.yaml');
      const good = fs.readFileSync(reviews, 'utf8');
      fs.writeFileSync(reviews, good.replace('subset: v2', 'subset: v9'));
      expect((await source.reload()).ok).toBe(false);
      const ready = (await app.inject({ url: '/readyz' })).json() as { status: string; rejected?: { reason: string } };
      expect(ready.status).toBe('ready'); // proxies still get the last valid snapshot
      expect(ready.rejected?.reason).toMatch(/validation error/);
      expect(Object.keys(ready.rejected!)).toEqual(['at', 'reason']); // a probe's answer: the diagnostics are in /api/server
      const state = (await app.inject({ url: '/api/server' })).json() as ServerState;
      expect(state.snapshot?.generation).toBe(source.current()!.generation);
      expect(state.rejected).toMatchObject({ reason: '1 validation error(s)', errors: 1 });
      expect(state.rejected?.diagnostics).toEqual([expect.stringMatching(/^routing\/reviews\.yaml:\d+:\d+: error ML\d+: .*v9/)]);
      expect(await metric('meshlog_config_rejected')).toBe('1');
      expect(await metric('meshlog_config_rejections_total')).toBe('1');

      fs.writeFileSync(reviews, good);
      expect((await source.reload()).ok).toBe(true);
      expect(((await app.inject({ url: '/readyz' })).json() as { rejected?: unknown }).rejected).toBeUndefined();
      expect((await app.inject({ url: '/api/server' })).json()).toMatchObject({ rejected: null, rejectionsTotal: 1 });
      expect(await metric('meshlog_config_rejected')).toBe('0');
      expect(await metric('meshlog_config_rejections_total')).toBe('1');
    } finally {
      await source.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
