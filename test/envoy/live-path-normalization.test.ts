// A rule on a path holds against requests that spell the path differently, as in Istio (whose
// default normalizes paths, RFC 3986): a real Envoy routes `/static/../admin` and `/%61dmin` as
// `/admin`, and explain predicts what it does. Requests are sent byte for byte as written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CompileResult } from '../../src/compile/index.ts';
import { explain, parseRequest } from '../../src/explain/index.ts';
import type { EnvoyProcess } from '../support/envoy-process.ts';
import { localService } from '../support/local-service.ts';
import { runView } from '../support/run-view.ts';
import { request, startUpstreams, type Upstreams } from '../support/upstreams.ts';

let upstreams: Upstreams;
let envoy: EnvoyProcess;
let result: CompileResult;
let port: number;

beforeAll(async () => {
  upstreams = await startUpstreams(['web']);
  const yaml = `${localService('web.example.test', [upstreams.port('web')])}apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: default}
spec:
  hosts: [web.example.test]
  http:
  - match: [{uri: {prefix: /admin}}]
    directResponse: {status: 403, body: {string: internal only}}
  - route: [{destination: {host: web.example.test}}]
`;
  ({ envoy, result } = await runView(yaml, 'sidecar', ['0.0.0.0_80']));
  port = await envoy.listenerPort('0.0.0.0_80');
}, 60_000);

afterAll(async () => {
  await envoy?.stop();
  await upstreams?.close();
});

/** What Envoy answered, and what explain predicted, for `path` as written. */
async function both(path: string): Promise<{ envoy: number; explain: number | undefined }> {
  const res = await request(`http://127.0.0.1:${port}${path}`, { headers: { host: 'web.example.test' } });
  const parsed = parseRequest(`GET http://web.example.test${path}`);
  if (!parsed.ok) throw new Error(parsed.error);
  const outcome = explain(result.ir!, parsed.request).outcome;
  return { envoy: res.status, explain: outcome.kind === 'direct_response' ? outcome.status : outcome.kind === 'forward' ? 200 : undefined };
}

describe('path normalization with a real Envoy', () => {
  it('applies a rule on /admin to every spelling of /admin, and explain agrees', async () => {
    for (const path of ['/admin/users', '/static/../admin/users', '/./admin', '/%61dmin/users', '/%2e%2e/admin', '/a/%2E%2E/admin']) {
      expect({ path, ...(await both(path)) }).toEqual({ path, envoy: 403, explain: 403 });
    }
  });

  it('leaves other paths to the route, and explain agrees', async () => {
    for (const path of ['/static/admin', '/%2Fadmin', '/admin%2F..%2Fx/..']) {
      const got = await both(path);
      expect({ path, ...got }).toEqual({ path, envoy: got.explain, explain: got.explain });
    }
    expect((await both('/static/admin')).envoy).toBe(200);
  });
});
