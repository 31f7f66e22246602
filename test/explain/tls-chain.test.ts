import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../src/compile/istio/index.ts';
import { explain } from '../../src/explain/explain.ts';
import type { IrListener, IrTlsChain } from '../../src/compile/ir/types.ts';
import { tlsChainFor, tlsRefusal } from '../../src/explain/tls-chain.ts';
import { parseRequest } from '../../src/explain/parse-request.ts';

const chain = (file: string, ...serverNames: string[]): IrTlsChain => ({
  serverNames,
  certificateChainFile: file,
  privateKeyFile: `${file}.key`,
  minVersion: 'TLSv1_2',
  maxVersion: 'TLS_AUTO',
  cipherSuites: [],
});

const req = (text: string) => {
  const p = parseRequest(text);
  if (!p.ok) throw new Error(p.error);
  return p.request;
};

describe('which TLS server takes a connection (Envoy: exact SNI, longest wildcard, then no names)', () => {
  const chains = [chain('any'), chain('wide', '*.example.com'), chain('narrow', '*.shop.example.com'), chain('exact', 'a.shop.example.com')];

  it('prefers an exact name, then the longest wildcard, then the chain without names', () => {
    expect(tlsChainFor(chains, 'a.shop.example.com')?.certificateChainFile).toBe('exact');
    expect(tlsChainFor(chains, 'b.shop.example.com')?.certificateChainFile).toBe('narrow');
    expect(tlsChainFor(chains, 'x.y.shop.example.com')?.certificateChainFile).toBe('narrow');
    expect(tlsChainFor(chains, 'api.example.com')?.certificateChainFile).toBe('wide');
    expect(tlsChainFor(chains, 'example.com')?.certificateChainFile).toBe('any');
  });

  it('finds none for an unlisted name when no chain answers any name', () => {
    expect(tlsChainFor(chains.slice(1), 'other.org')).toBeUndefined();
  });

  it('says why a listener closes the connection: wrong scheme, or no certificate for the name', () => {
    const tls: IrListener = { name: '0.0.0.0_443', address: '0.0.0.0', port: 443, routeTableName: 'https.443', statPrefix: 'gateway_443', tls: [chain('exact', 'a.example.com')] };
    const plain: IrListener = { name: '0.0.0.0_80', address: '0.0.0.0', port: 80, routeTableName: 'http.80', statPrefix: 'gateway_80' };
    expect(tlsRefusal(tls, req('GET https://a.example.com/'), 'gateway')).toBeUndefined();
    expect(tlsRefusal(tls, req('GET https://b.example.com/'), 'gateway')).toMatch(/no HTTPS server on port 443 has a certificate for "b.example.com"/);
    expect(tlsRefusal(tls, req('GET http://a.example.com:443/'), 'gateway')).toMatch(/terminates TLS/);
    expect(tlsRefusal(plain, req('GET https://a.example.com:80/'), 'gateway')).toMatch(/serves plain HTTP/);
    // A sidecar's plain HTTP port fails a TLS handshake too (explain-vs-envoy checks it on a real
    // Envoy); gRPC clients of a gRPC view make no TLS connection to a proxy port.
    expect(tlsRefusal(plain, req('GET https://a.example.com:80/'), 'sidecar')).toMatch(/proxies plain HTTP .* TLS handshake of an https request fails/);
    expect(tlsRefusal(plain, req('GET http://a.example.com:80/'), 'sidecar')).toBeUndefined();
  });
});

describe('explain on a gateway HTTPS port', () => {
  const yaml = fs.readFileSync(path.join(import.meta.dirname, '../fixtures/explain-https/gateway.yaml'));
  const ir = buildIr([{ path: 'gateway.yaml', bytes: new Uint8Array(yaml) }]).ir!;
  const run = (text: string) => explain(ir, req(text), { view: 'web/edge' });

  it('names the server whose certificate the SNI name picks', () => {
    const e = run('GET https://b.example.com/');
    expect(e.listener?.tls).toEqual({ serverNames: ['b.example.com'], certificateChainFile: '/c/b.crt' });
    expect(e.outcome.kind).toBe('direct_response');
    expect(e.hint).toBeUndefined();
  });

  it("does not note a Host the SNI-picked server covers with its host '*' (its second chain)", () => {
    const withAny = yaml.toString().replace('hosts: [a.example.com]', 'hosts: ["*", a.example.com]');
    const ir2 = buildIr([{ path: 'gateway.yaml', bytes: new TextEncoder().encode(withAny) }]).ir!;
    const e = explain(ir2, req('GET https://a.example.com/ -H host:b.example.com'), { view: 'web/edge' });
    expect(e.listener?.tls?.certificateChainFile).toBe('/c/a.crt');
    expect(e.hint).toBeUndefined();
  });

  it('routes a Host of another server than the SNI name picked in the picked server\'s own table: 404, as Istio', () => {
    const e = run('GET https://a.example.com/ -H host:b.example.com');
    expect(e.outcome).toMatchObject({ kind: 'not_found', status: 404 });
    expect(e.hint).toBeUndefined();
  });
});
