import { describe, expect, it } from 'vitest';
import type { IrListener, IrTlsChain } from '../../src/compile/ir/types.ts';
import { diffIr, renderDiffText } from '../../src/diff/index.ts';
import { diffListener } from '../../src/diff/listener-diff.ts';
import { cname, forward, mesh, route, table, vhost, view } from './ir-builders.ts';

const chain = (cert: string, names: string[], more: Partial<IrTlsChain> = {}): IrTlsChain => ({
  serverNames: names,
  certificateChainFile: cert,
  privateKeyFile: cert.replace(/\.crt$/, '.key'),
  minVersion: 'TLSv1_2',
  maxVersion: 'TLS_AUTO',
  cipherSuites: [],
  ...more,
});
const listener = (tls?: IrTlsChain[]): IrListener => ({
  name: '0.0.0.0_443',
  address: '0.0.0.0',
  port: 443,
  routeTableName: tls ? 'https.443' : 'http.443',
  statPrefix: 'gateway_443',
  ...(tls ? { tls } : {}),
});
const lines = (a: IrListener, b: IrListener) => diffListener(a, b).map((l) => `${l.change} ${l.text}`);

describe('TLS changes of a gateway listener', () => {
  it('names a rotated certificate and a raised minimum version per server', () => {
    const before = listener([chain('/c/shop.crt', ['shop.example.com']), chain('/c/api.crt', ['api.example.com'])]);
    const after = listener([chain('/c/shop-2027.crt', ['shop.example.com']), chain('/c/api.crt', ['api.example.com'], { minVersion: 'TLSv1_3' })]);
    expect(lines(before, after)).toEqual([
      'changed SNI shop.example.com: certificate /c/shop.crt → /c/shop-2027.crt, key /c/shop.key → /c/shop-2027.key',
      'changed SNI api.example.com: minimum TLS TLSv1_2 → TLSv1_3',
    ]);
  });

  it('keeps a server that gained a name as one change (paired by its certificate), and lists new and dropped servers', () => {
    const before = listener([chain('/c/shop.crt', ['shop.example.com']), chain('/c/old.crt', ['old.example.com'])]);
    const after = listener([chain('/c/shop.crt', ['shop.example.com', 'www.example.com']), chain('/c/any.crt', [])]);
    expect(lines(before, after)).toEqual([
      'removed SNI old.example.com: certificate /c/old.crt, key /c/old.key, minimum TLS TLSv1_2',
      'changed SNI shop.example.com, www.example.com: SNI names added www.example.com',
      'added any SNI name: certificate /c/any.crt, key /c/any.key, minimum TLS TLSv1_2',
    ]);
  });

  it('pairs servers that share one certificate by their names, not by the file', () => {
    const before = listener([chain('/c/wild.crt', ['a.example.com']), chain('/c/wild.crt', ['b.example.com'], { minVersion: 'TLSv1_3' })]);
    const after = listener([chain('/c/wild.crt', ['b.example.com', 'd.example.com'], { minVersion: 'TLSv1_3' })]);
    expect(lines(before, after)).toEqual([
      'removed SNI a.example.com: certificate /c/wild.crt, key /c/wild.key, minimum TLS TLSv1_2',
      'changed SNI b.example.com, d.example.com: SNI names added d.example.com',
    ]);
  });

  it('shows a server starting to require client certificates, and a new server that asks for them', () => {
    const partners = { required: true, caCertificatesFile: '/c/partners-ca.crt', subjectAltNames: ['spiffe://partners/acme'], spki: [], hashes: [] };
    const before = listener([chain('/c/api.crt', ['api.example.com'])]);
    const after = listener([chain('/c/api.crt', ['api.example.com'], { clientCertificates: partners }), chain('/c/docs.crt', ['docs.example.com'], { clientCertificates: { ...partners, required: false, subjectAltNames: [] } })]);
    expect(lines(before, after)).toEqual([
      'changed SNI api.example.com: client certificates not asked for → required (CA /c/partners-ca.crt; SAN spiffe://partners/acme)',
      'added SNI docs.example.com: certificate /c/docs.crt, key /c/docs.key, minimum TLS TLSv1_2, client certificates optional (CA /c/partners-ca.crt)',
    ]);
  });

  it('shows a server moving to a route table of its own (its port gained a second HTTPS server)', () => {
    const before = listener([chain('/c/api.crt', ['api.example.com'])]);
    const after = listener([chain('/c/api.crt', ['api.example.com'], { routeTableName: 'https.443.0.edge.web' })]);
    expect(lines(before, after)).toEqual(["changed SNI api.example.com: route table the port's → https.443.0.edge.web"]);
  });

  it('says when a port starts or stops terminating TLS, and nothing for equal listeners', () => {
    const https = listener([chain('/c/shop.crt', ['shop.example.com'])]);
    expect(lines(listener(), https)[0]).toBe('changed now terminates TLS (HTTPS)');
    expect(lines(https, listener())).toEqual(['changed no longer terminates TLS: plain HTTP']);
    expect(lines(https, listener([chain('/c/shop.crt', ['shop.example.com'])]))).toEqual([]);
  });

  it('compares a port that moved from HTTP to HTTPS host by host, not as every host removed and added', () => {
    const host = vhost('shop', [route('r0', { action: forward([cname('shop'), 100]) })], 443);
    const v = (tls?: IrTlsChain[]) => {
      const base = view('gateway~edge~public', [table(tls ? 'https.443' : 'http.443', [host])], 'gateway');
      return mesh([{ ...base, listeners: [listener(tls)] }], []);
    };
    const d = diffIr(v(), v([chain('/c/shop.crt', ['shop.example.com'])]));
    expect(d.counts).toMatchObject({ listenersChanged: 1, hostsAdded: 0, hostsRemoved: 0, routesAdded: 0, routesRemoved: 0 });
    expect(renderDiffText(d)).toContain('~ now terminates TLS (HTTPS)');
  });

  it('counts and prints a listener change in a gateway view', () => {
    const gw = (tls: IrTlsChain[]) => {
      const v = view('gateway~edge~public', [table('http.443', [])], 'gateway');
      return mesh([{ ...v, listeners: [listener(tls)] }], []);
    };
    const d = diffIr(gw([chain('/c/a.crt', ['a.example.com'])]), gw([chain('/c/b.crt', ['a.example.com'])]));
    expect(d.counts.listenersChanged).toBe(1);
    const text = renderDiffText(d);
    expect(text).toContain('1 listener changed in 1 view');
    expect(text).toContain('~ listener 0.0.0.0_443');
    expect(text).toContain('~ SNI a.example.com: certificate /c/a.crt → /c/b.crt');
  });
});
