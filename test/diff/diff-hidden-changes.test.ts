// `meshlog diff` on changes a summary line used to hide: headers of one destination of a
// weighted split, CORS and retry settings the one-liners left out, a maglev table size and a
// TCP proxy's idle timeout. Each compiles to other Envoy config, so none may read as
// "No routing changes", an empty cluster row or an `X → X` line (text, markdown and json).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run-cli.ts';

const MESH_CONFIG = `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec: {clusterDomain: cluster.local, defaultNamespace: shop}
`;

const REVIEWS = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews.shop.svc.cluster.local]
  location: MESH_INTERNAL
  ports: [{number: 9080, name: http, protocol: HTTP}]
  resolution: STATIC
  endpoints:
    - {address: 127.0.0.11, labels: {version: v1}}
    - {address: 127.0.0.12, labels: {version: v2}}
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews, namespace: shop}
spec:
  host: reviews
  subsets:
    - {name: v1, labels: {version: v1}}
    - {name: v2, labels: {version: v2}}
`;

/**
 * reviews split 90/10, v2 with a request header `x-canary: <canary>` (none: no headers);
 * `api`: a rule for /api first, with the same split.
 */
function splitVs(canary?: string, api = false): string {
  const headers = canary === undefined ? '' : `\n          headers:\n            request:\n              set: {x-canary: "${canary}"}`;
  const split = `
        - destination: {host: reviews, subset: v1}
          weight: 90
        - destination: {host: reviews, subset: v2}
          weight: 10${headers}`;
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:${api ? `\n    - match: [{uri: {prefix: /api}}]\n      route:${split}` : ''}
    - route:
        - destination: {host: reviews, subset: v1}
          weight: 90
        - destination: {host: reviews, subset: v2}
          weight: 10${headers}
`;
}

function corsVs(opts: { credentials: boolean; maxAge: string; remoteLocalities: boolean }): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews, namespace: shop}
spec:
  hosts: [reviews]
  http:
    - corsPolicy:
        allowOrigins: [{exact: "https://a.example.com"}]
        allowMethods: [GET]
        allowCredentials: ${opts.credentials}
        maxAge: ${opts.maxAge}
      retries: {attempts: 2, retryOn: 5xx${opts.remoteLocalities ? ', retryRemoteLocalities: true' : ''}}
      route:
        - destination: {host: reviews, subset: v1}
`;
}

/** db with one port; a DestinationRule with a top-level tcp idle timeout and a maglev table. */
function db(opts: { port: string; idleTimeout: string; tableSize: number; portLevel?: boolean }): string {
  const portLevel = opts.portLevel ? `\n    portLevelSettings:\n      - port: {number: 5432}\n        connectionPool:\n          tcp: {idleTimeout: 10m}` : '';
  return `apiVersion: v1
kind: Service
metadata:
  name: db
  namespace: shop
  annotations:
    meshlog.dev/endpoints: |
      10.0.0.5
spec:
  ports: [${opts.port}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: db, namespace: shop}
spec:
  host: db
  trafficPolicy:
    connectionPool:
      tcp: {idleTimeout: ${opts.idleTimeout}}${portLevel}
    loadBalancer:
      consistentHash:
        maglev: {tableSize: ${opts.tableSize}}
        httpHeaderName: x-user
`;
}

const HTTP_DB = '{name: http, port: 8080}';
const TCP_DB = '{name: tcp-pg, port: 5432}';

describe('meshlog diff: changes a summary line must not hide', () => {
  let tmp: string;
  const folder = (name: string, files: Record<string, string>): void => {
    const dir = path.join(tmp, name);
    fs.mkdirSync(dir, { recursive: true });
    for (const [file, text] of Object.entries({ 'mesh.yaml': MESH_CONFIG, ...files })) fs.writeFileSync(path.join(dir, file), text);
  };
  const diff = (a: string, b: string, ...flags: string[]) => runCli(['diff', a, b, ...flags], tmp);
  const emptyFlag = async (a: string, b: string) => (JSON.parse((await diff(a, b, '-o', 'json')).stdout) as { empty: boolean }).empty;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'meshlog-diff-hidden-'));
    folder('canary-yes', { 'services.yaml': REVIEWS, 'vs.yaml': splitVs('yes') });
    folder('canary-no', { 'services.yaml': REVIEWS, 'vs.yaml': splitVs('no') });
    folder('no-headers', { 'services.yaml': REVIEWS, 'vs.yaml': splitVs() });
    folder('api-canary', { 'services.yaml': REVIEWS, 'vs.yaml': splitVs('yes', true) });
    folder('cors-1h', { 'services.yaml': REVIEWS, 'vs.yaml': corsVs({ credentials: false, maxAge: '1h', remoteLocalities: false }) });
    folder('cors-24h', { 'services.yaml': REVIEWS, 'vs.yaml': corsVs({ credentials: true, maxAge: '24h', remoteLocalities: true }) });
    folder('maglev-65537', { 'svc.yaml': db({ port: HTTP_DB, idleTimeout: '1h', tableSize: 65537 }) });
    folder('maglev-251', { 'svc.yaml': db({ port: HTTP_DB, idleTimeout: '1h', tableSize: 251 }) });
    folder('tcp-1h', { 'svc.yaml': db({ port: TCP_DB, idleTimeout: '1h', tableSize: 65537, portLevel: true }) });
    folder('tcp-2h', { 'svc.yaml': db({ port: TCP_DB, idleTimeout: '2h', tableSize: 251, portLevel: true }) });
  });
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('shows a header change on one destination of a weighted split', async () => {
    const r = await diff('canary-yes', 'canary-no');
    expect(r.stderr).toBe('');
    expect(r.stdout).not.toContain('No routing changes');
    expect(r.stdout).toContain('1 route changed in 2 views');
    expect(r.stdout).toMatch(/~ vs\/shop\/reviews\/http\/0\/match\/0 \[any request\]: headers for reviews v2: request set x-canary: yes → request set x-canary: no {2}\(canary-no\/vs\.yaml:7\)\n/);
    const md = await diff('canary-yes', 'canary-no', '-o', 'markdown');
    expect(md.stdout).not.toContain('No routing changes');
    expect(md.stdout).toContain('| any request | headers for reviews v2: request set x-canary: yes → request set x-canary: no |');
    expect(await emptyFlag('canary-yes', 'canary-no')).toBe(false);
  });

  it('shows headers a destination gains, and names them on a new route', async () => {
    const r = await diff('no-headers', 'canary-yes');
    expect(r.stdout).toContain(': headers for reviews v2: none → request set x-canary: yes');
    expect(await emptyFlag('no-headers', 'canary-yes')).toBe(false);
    const added = await diff('canary-yes', 'api-canary');
    expect(added.stdout).toMatch(
      /\+ vs\/shop\/reviews\/http\/0\/match\/0 \[prefix \/api\] {2}\(api-canary\/vs\.yaml:7\)\n\s+added at position 1 of 2, before vs\/shop\/reviews\/http\/1\/match\/0\n\s+forward to reviews v1 90%, reviews v2 10%\n\s+headers for reviews v2: request set x-canary: yes\n/,
    );
    const md = await diff('canary-yes', 'api-canary', '-o', 'markdown');
    expect(md.stdout).toContain(
      '| prefix /api | added at position 1 of 2, before vs/shop/reviews/http/1/match/0<br>forward to reviews v1 90%, reviews v2 10%<br>headers for reviews v2: request set x-canary: yes |',
    );
  });

  it('names CORS credentials and max age and retries to other localities, never `X → X`', async () => {
    const r = await diff('cors-1h', 'cors-24h');
    expect(r.stdout).toContain('retries: 2 attempts on 5xx → 2 attempts on 5xx, may retry other localities');
    expect(r.stdout).toContain(
      'cors: origins https://a.example.com; methods GET; max age 3600s; credentials not allowed → origins https://a.example.com; methods GET; max age 86400s; credentials allowed',
    );
    const md = await diff('cors-1h', 'cors-24h', '-o', 'markdown');
    expect(md.stdout).toContain('retries: 2 attempts on 5xx → 2 attempts on 5xx, may retry other localities<br>cors: ');
    for (const out of [r.stdout, md.stdout]) expect(out).not.toMatch(/: ([^→\n<|]+) → \1(\n|<br>| \|)/);
  });

  it('names a maglev table size', async () => {
    const r = await diff('maglev-65537', 'maglev-251');
    expect(r.stdout).toContain('load balancer: maglev on header x-user, table 65537 → maglev on header x-user, table 251');
    const md = await diff('maglev-65537', 'maglev-251', '-o', 'markdown');
    expect(md.stdout).toContain('| load balancer: maglev on header x-user, table 65537 → maglev on header x-user, table 251 |');
  });

  it('shows a TCP proxy\'s idle timeout under its cluster', async () => {
    const r = await diff('tcp-1h', 'tcp-2h');
    expect(r.stdout).toMatch(/~ outbound\|5432\|\|db\.shop\.svc\.cluster\.local\n\s+tcp proxy: idle timeout 3600s → 7200s\n/);
    const md = await diff('tcp-1h', 'tcp-2h', '-o', 'markdown');
    expect(md.stdout).toContain('| ✏️ changed | `outbound\\|5432\\|\\|db.shop.svc.cluster.local` | tcp proxy: idle timeout 3600s → 7200s |');
  });
});
