// What Envoy's connection manager does to a request before routing, as explain replays it
// (each behaviour is also checked against the real Envoy in explain-vs-envoy.test.ts).
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compile } from '../../src/compile/index.ts';
import { ENVOY_DEFAULTS_RELIED_ON, requestHandling } from '../../src/compile/xds/request-handling.ts';
import { staticBootstrap } from '../../src/envoy/static-bootstrap.ts';
import { beforeRouting, CLIENT_ADDRESS, GENERATED_REQUEST_ID, type ConnectionFacts } from '../../src/explain/before-routing.ts';
import { parseRequest } from '../../src/explain/index.ts';
import { readFolder } from '../../src/ingest/read-folder.ts';

const PLAIN: ConnectionFacts = { tls: false };

function run(text: string, viewKind: string, connection: ConnectionFacts = PLAIN) {
  const parsed = parseRequest(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return beforeRouting(parsed.request, viewKind, connection);
}

const headersOf = (r: ReturnType<typeof run>) => Object.fromEntries(r.routed.headers.map((h) => [h.name, h.value]));

describe('before routing, on a sidecar (use_remote_address false)', () => {
  it("adds x-forwarded-proto from the connection and a request id, and keeps a client's own", () => {
    const r = run('GET http://reviews:9080/', 'sidecar');
    expect(headersOf(r)).toEqual({ 'x-forwarded-proto': 'http', 'x-request-id': GENERATED_REQUEST_ID });
    expect(r.edits.map((e) => `${e.change} ${e.name}`)).toEqual(['added x-forwarded-proto', 'added x-request-id']);
    expect(r.routed.runtimeValues?.has('x-request-id')).toBe(true);
    const kept = run('GET http://reviews:9080/ -H x-forwarded-proto:https -H x-request-id:abc -H x-forwarded-for:1.2.3.4', 'sidecar');
    expect(headersOf(kept)).toEqual({ 'x-forwarded-proto': 'https', 'x-request-id': 'abc', 'x-forwarded-for': '1.2.3.4' });
    expect(kept.routed.runtimeValues?.size).toBe(0);
  });

  it('takes :scheme from x-forwarded-proto when it says http or https, in any case', () => {
    expect(run('GET http://reviews:9080/ -H x-forwarded-proto:https', 'sidecar').routed.scheme).toBe('https');
    expect(run('GET http://reviews:9080/ -H x-forwarded-proto:HTTPS', 'sidecar').routed.scheme).toBe('https');
    expect(run('GET http://reviews:9080/ -H x-forwarded-proto:wss', 'sidecar').routed.scheme).toBe('http');
    const edit = run('GET http://reviews:9080/ -H x-forwarded-proto:https', 'sidecar').edits.find((e) => e.name === ':scheme');
    expect(edit).toMatchObject({ change: 'replaced', value: 'https', was: 'http' });
  });

  it('joins repeated x-forwarded-proto lines into one value, which then names no scheme', () => {
    const r = run('GET http://reviews:9080/ -H x-forwarded-proto:https -H x-forwarded-proto:http', 'sidecar');
    expect(headersOf(r)['x-forwarded-proto']).toBe('https,http');
    expect(r.routed.scheme).toBe('http');
  });

  it('generates a request id for an empty one, and finds no route for an empty x-forwarded-proto', () => {
    expect(headersOf(run('GET http://reviews:9080/ -H x-request-id:', 'sidecar'))['x-request-id']).toBe(GENERATED_REQUEST_ID);
    expect(run('GET http://reviews:9080/ -H x-forwarded-proto:', 'sidecar').unroutable).toMatch(/x-forwarded-proto is empty/);
  });

  it('drops the x-envoy control headers only internal clients may send, and the client certificate header', () => {
    const r = run('GET http://reviews:9080/ -H x-envoy-retry-on:5xx -H x-envoy-max-retries:3 -H x-envoy-original-path:/a -H x-forwarded-client-cert:x -H x-envoy-foo:1', 'sidecar');
    expect(r.edits.filter((e) => e.change === 'removed').map((e) => e.name)).toEqual(['x-envoy-max-retries', 'x-envoy-retry-on', 'x-forwarded-client-cert']);
    expect(headersOf(r)).toMatchObject({ 'x-envoy-original-path': '/a', 'x-envoy-foo': '1' });
  });

  it('normalizes the path, or refuses the request', () => {
    const r = run('GET http://reviews:9080/a/../b|c?q=|', 'sidecar');
    expect(r.routed.path).toBe('/b%7Cc?q=|');
    expect(r.edits[0]).toMatchObject({ name: ':path', change: 'normalized', value: '/b%7Cc?q=|', was: '/a/../b|c?q=|' });
    expect(run('GET http://reviews:9080/a%00', 'sidecar').rejected).toMatch(/%00/);
  });
});

describe('before routing, on a gateway (use_remote_address true)', () => {
  it("sets x-forwarded-proto from its own connection, whatever the client sent, and :scheme with it", () => {
    const r = run('GET http://shop.example.com:8080/ -H x-forwarded-proto:https', 'gateway');
    expect(headersOf(r)['x-forwarded-proto']).toBe('http');
    expect(r.routed.scheme).toBe('http');
    expect(r.edits[0]).toMatchObject({ name: 'x-forwarded-proto', change: 'replaced', value: 'http', was: 'https' });
    const tls = run('GET https://shop.example.com/ -H x-forwarded-proto:http', 'gateway', { tls: true });
    expect(headersOf(tls)['x-forwarded-proto']).toBe('https');
    expect(tls.routed.scheme).toBe('https');
  });

  it("appends the client's address to x-forwarded-for, names it in x-envoy-external-address, replaces the request id", () => {
    const r = run('GET http://shop.example.com:8080/ -H x-forwarded-for:1.2.3.4 -H x-request-id:abc -H x-envoy-external-address:9.9.9.9', 'gateway');
    expect(headersOf(r)).toMatchObject({
      'x-forwarded-for': `1.2.3.4,${CLIENT_ADDRESS}`,
      'x-envoy-external-address': CLIENT_ADDRESS,
      'x-request-id': GENERATED_REQUEST_ID,
    });
    expect([...(r.routed.runtimeValues?.keys() ?? [])].sort()).toEqual(['x-envoy-external-address', 'x-forwarded-for', 'x-request-id']);
    expect(headersOf(run('GET http://shop.example.com:8080/', 'gateway'))['x-forwarded-for']).toBe(CLIENT_ADDRESS);
  });

  it('drops more x-envoy headers than a sidecar', () => {
    const r = run('GET http://shop.example.com:8080/ -H x-envoy-original-path:/a -H x-envoy-decorator-operation:op', 'gateway');
    expect(r.edits.filter((e) => e.change === 'removed').map((e) => e.name)).toEqual(['x-envoy-decorator-operation', 'x-envoy-original-path']);
  });

  it("sets x-forwarded-client-cert from a required client certificate; drops a client's own otherwise", () => {
    const mutual = run('GET https://api.example.com/ -H x-forwarded-client-cert:spoof', 'gateway', { tls: true, clientCertificate: 'required' });
    expect(headersOf(mutual)['x-forwarded-client-cert']).toMatch(/^<.*>$/);
    expect(mutual.routed.runtimeValues?.has('x-forwarded-client-cert')).toBe(true);
    const optional = run('GET https://api.example.com/ -H x-forwarded-client-cert:spoof', 'gateway', { tls: true, clientCertificate: 'optional' });
    expect(headersOf(optional)['x-forwarded-client-cert']).toBeUndefined();
  });
});

describe('before routing, in a gRPC view', () => {
  it("changes nothing: gRPC's own client has no connection manager", () => {
    const r = run('GET http://reviews:9080/a -H x-request-id:1', 'grpc');
    expect(r.edits).toEqual([]);
    expect(r.routed.headers).toEqual([{ name: 'x-request-id', value: '1' }]);
  });
});

describe('the compiled connection managers are the ones explain models', () => {
  it('set use_remote_address and normalize_path as request-handling.ts says, and leave the rest at the defaults explain relies on', async () => {
    const read = await readFolder(path.join(import.meta.dirname, '../fixtures/explain'));
    if (!read.ok) throw new Error(read.error.message);
    const { snapshot } = compile(read.bundle);
    if (!snapshot) throw new Error('fixture did not compile');
    let checked = 0;
    for (const view of snapshot.views.filter((v) => v.name.startsWith('sidecar') || v.name.startsWith('gateway'))) {
      const kind = view.name.startsWith('gateway') ? 'gateway' : 'sidecar';
      const bootstrap = staticBootstrap(snapshot, view.name) as { static_resources: { listeners: { filter_chains: { filters?: { typed_config: Record<string, unknown> }[] }[] }[] } };
      for (const listener of bootstrap.static_resources.listeners) {
        for (const chain of listener.filter_chains) {
          for (const hcm of (chain.filters ?? []).map((f) => f.typed_config).filter((c) => String(c['@type']).endsWith('.HttpConnectionManager'))) {
            expect(hcm.use_remote_address).toBe(requestHandling(kind).useRemoteAddress);
            expect(hcm.normalize_path).toBe(requestHandling(kind).normalizePath);
            for (const field of ENVOY_DEFAULTS_RELIED_ON) expect(hcm, `${view.name}: ${field}`).not.toHaveProperty(field);
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(2);
  });
});
