// `meshlog diff` on TCP routing: a tcp rule's weights, a new TCP service port, and a port that
// stops being HTTP, as a reviewer reads them in text and markdown.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';
import { ordersDbMesh } from '../support/tcp-mesh.ts';

function mesh(opts: { v1: number; v2: number; cacheProtocol?: string }): string {
  return `${ordersDbMesh({ weights: [opts.v1, opts.v2] })}---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: cache, namespace: shop}
spec:
  hosts: [cache.shop.svc.cluster.local]
  ports: [{number: 6379, name: cache, protocol: ${opts.cacheProtocol ?? 'HTTP'}}]
  resolution: STATIC
  endpoints: [{address: 10.0.1.1}]
`;
}

describe('meshlog diff: TCP listeners', () => {
  let tmp: string;
  const folder = (name: string, text: string): string => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'mesh.yaml'), text);
    return dir;
  };

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-diff-tcp-'));
    folder('before', mesh({ v1: 100, v2: 0 }));
    folder('after', mesh({ v1: 80, v2: 20, cacheProtocol: 'REDIS' }));
    folder('rescaled', mesh({ v1: 8, v2: 2, cacheProtocol: 'REDIS' }));
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('shows a tcp rule\'s new weights and a port that became TCP', async () => {
    const r = await runCli(['diff', 'before', 'after'], tmp);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('~ listener 0.0.0.0_5432');
    expect(r.stdout).toContain('~ orders-db.shop.svc.cluster.local (any connection): orders-db: v1 100→80, v2 0→20');
    // cache's port 6379 was HTTP (a route table) and is now Redis: a TCP listener.
    expect(r.stdout).toMatch(/~ listener 0\.0\.0\.0_6379\n\s+~ now a TCP proxy: the port is no longer HTTP\n\s+\+ cache\.shop\.svc\.cluster\.local \(any connection\): cache 100%/);
    const md = await runCli(['diff', 'before', 'after', '-o', 'markdown'], tmp);
    expect(md.stdout).toContain('- ✏️ listener `0.0.0.0_5432`');
    expect(md.stdout).toContain('orders-db: v1 100→80, v2 0→20');
  });

  it('shows no change for weights rescaled to the same shares', async () => {
    const r = await runCli(['diff', 'after', 'rescaled'], tmp);
    expect(r.code).toBe(0);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('No routing changes');
  });

  it('shows a new TCP listener with where its connections go, and a removed one', async () => {
    folder('no-db', mesh({ v1: 100, v2: 0 }).split('---\n').slice(3).join('---\n'));
    const added = await runCli(['diff', 'no-db', 'before'], tmp);
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/\+ listener 0\.0\.0\.0_5432 \(TCP\)\n {8}orders-db\.shop\.svc\.cluster\.local \(any connection\): orders-db v1 100% {2}\(vs\/shop\/orders-db\/tcp\/0, mesh\.yaml:27\)/);
    const removed = await runCli(['diff', 'before', 'no-db', '-o', 'json'], tmp);
    const diff = JSON.parse(removed.stdout) as { views: { name: string; listenersRemoved: { name: string; tcp?: string[] }[] }[] };
    expect(diff.views.find((v) => v.name === 'sidecar')?.listenersRemoved).toEqual([
      { name: '0.0.0.0_5432', port: 5432, tcp: ['orders-db.shop.svc.cluster.local (any connection): orders-db v1 100%  (vs/shop/orders-db/tcp/0, mesh.yaml:27)'] },
    ]);
  });
});
