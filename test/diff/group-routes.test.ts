// One edit of a rule with several match entries changes each entry's route alike; the
// reader sees it once, naming every entry.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

function mesh(timeout: string, apiWeight = 100, second = '/v2'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-group-'));
  dirs.push(dir);
  fs.writeFileSync(
    path.join(dir, 'web.yaml'),
    `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: web, namespace: shop}
spec:
  hosts: [web.shop.svc.cluster.local]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints: [{address: 10.0.0.1, labels: {version: v1}}, {address: 10.0.0.2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: web, namespace: shop}
spec:
  host: web.shop.svc.cluster.local
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: shop}
spec:
  hosts: [web.shop.svc.cluster.local]
  http:
  - name: api
    match: [{uri: {prefix: /api}}, {uri: {prefix: ${second}}}, {headers: {x-api: {exact: "1"}}}]
    timeout: ${timeout}
    route:
    - {destination: {host: web.shop.svc.cluster.local, subset: v1}, weight: ${apiWeight}}
${apiWeight < 100 ? `    - {destination: {host: web.shop.svc.cluster.local, subset: v2}, weight: ${100 - apiWeight}}\n` : ''}  - route: [{destination: {host: web.shop.svc.cluster.local, subset: v1}}]
`,
  );
  return dir;
}

describe('diff groups the entries of one edited rule', () => {
  it('prints one line for a change every entry shares, in text and markdown', async () => {
    const before = mesh('15s');
    const after = mesh('20s');
    const text = await runCli(['diff', before, after]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('~ vs/shop/web/http/api/match/{0,1,2} [prefix /api | prefix /v2 | header x-api=1]: timeout: 15s → 20s');
    expect(text.stdout.match(/timeout: 15s → 20s/g)).toHaveLength(1);
    const md = await runCli(['diff', before, after, '-o', 'markdown']);
    expect(md.stdout.match(/timeout: 15s → 20s/g)).toHaveLength(1);
    expect(md.stdout).toContain('`vs/shop/web/http/api/match/{0,1,2}`');
    // The data keeps one change per route.
    const json = JSON.parse((await runCli(['diff', before, after, '-o', 'json'])).stdout) as { counts: unknown; views: { hosts: { routes: unknown[] }[] }[] };
    expect(json.views[0]!.hosts[0]!.routes).toHaveLength(3);
  });

  it('keeps routes apart when their changes differ', async () => {
    // A weight change is shared by all three entries: one line.
    expect((await runCli(['diff', mesh('15s'), mesh('15s', 90)])).stdout).toContain('match/{0,1,2}');
    // The second entry also changes its path: it gets its own line, and the entries around it
    // are not merged across it.
    const text = await runCli(['diff', mesh('15s'), mesh('20s', 100, '/v3')]);
    expect(text.stdout).not.toContain('match/{');
    expect(text.stdout).toContain('~ vs/shop/web/http/api/match/0 [prefix /api]: timeout: 15s → 20s');
    expect(text.stdout).toMatch(/~ vs\/shop\/web\/http\/api\/match\/1 \[prefix \/v3\]/);
    expect(text.stdout).toContain('~ vs/shop/web/http/api/match/2 [header x-api=1]: timeout: 15s → 20s');
  });
});
