import { describe, expect, it } from 'vitest';
import { parseRequest } from '../../src/explain/index.ts';

function ok(text: string) {
  const r = parseRequest(text);
  if (!r.ok) throw new Error(r.error);
  return r.request;
}

describe('parseRequest', () => {
  it('parses method, URL, port and repeated -H', () => {
    expect(ok('GET http://reviews:9080/x?a=1 -H end-user:jason -H k:v -H k:w')).toEqual({
      method: 'GET',
      scheme: 'http',
      host: 'reviews',
      port: 9080,
      authority: 'reviews:9080',
      path: '/x?a=1',
      headers: [
        { name: 'end-user', value: 'jason' },
        { name: 'k', value: 'v' },
        { name: 'k', value: 'w' },
      ],
    });
  });

  it('defaults the port to 80 for http and 443 for https, and keeps it out of the Host', () => {
    expect(ok('get http://Reviews')).toMatchObject({ method: 'GET', host: 'reviews', port: 80, authority: 'reviews', path: '/' });
    expect(ok('GET https://a.example/')).toMatchObject({ scheme: 'https', port: 443, authority: 'a.example' });
  });

  it('honours quotes and a Host header override', () => {
    const r = ok(`GET http://127.0.0.1:8080/p -H 'x-note: a b' -H "Host: bookinfo.example.com"`);
    expect(r.headers).toEqual([{ name: 'x-note', value: 'a b' }]);
    expect(r.authority).toBe('bookinfo.example.com');
    expect(r.port).toBe(8080);
  });

  it('keeps the path and query as sent, for explain to normalize as Envoy does', () => {
    expect(ok('GET http://reviews:9080/a/../caf%c3%a9?q=%7e|x').path).toBe('/a/../caf%c3%a9?q=%7e|x');
    expect(ok('GET http://reviews:9080/a|b/%2e%2E/x').path).toBe('/a|b/%2e%2E/x');
    expect(ok('GET http://reviews:9080?x=1').path).toBe('/?x=1');
    // Not sent by clients: the fragment. Percent-encoded as browsers send them: spaces and
    // characters outside ASCII (Envoy refuses them raw).
    expect(ok('GET http://reviews:9080/a#top').path).toBe('/a');
    expect(ok("GET 'http://reviews:9080/café au lait'").path).toBe('/caf%C3%A9%20au%20lait');
    expect(ok('GET http://reviews:9080\\x').path).toBe('/x');
  });

  it('rejects malformed requests with a message', () => {
    for (const [text, msg] of [
      ['GET', /expected "METHOD URL/],
      ['GET ftp://x/', /must start with http/],
      ['GET http://x/ -H novalue', /must be name:value/],
      ['GET http://x/ -X POST', /only -H/],
      ['GET http://x/ -H', /needs a "name:value"/],
      ["GET 'http://x/", /unterminated/],
      ['G(T http://x/', /invalid method/],
    ] as const) {
      const r = parseRequest(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error).toMatch(msg);
    }
  });
});
