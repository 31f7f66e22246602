// Redirect ports as Istio writes them (route.go ApplyRedirect): the default port of the
// Location's scheme is not written, so Envoy's Location has no ":443" or ":80".
import { describe, expect, it } from 'vitest';
import { toRedirect } from '../../../src/compile/istio/route-parts.ts';

describe('redirect port', () => {
  it('drops 443 for https and 80 for http, keeps any other', () => {
    expect(toRedirect({ scheme: 'https', port: 443 })).toEqual({ kind: 'redirect', scheme: 'https', code: 301 });
    expect(toRedirect({ scheme: 'http', port: 80, authority: 'a.example' })).toEqual({ kind: 'redirect', authority: 'a.example', scheme: 'http', code: 301 });
    expect(toRedirect({ scheme: 'https', port: 80 })).toEqual({ kind: 'redirect', scheme: 'https', port: 80, code: 301 });
    expect(toRedirect({ scheme: 'http', port: 443 })).toEqual({ kind: 'redirect', scheme: 'http', port: 443, code: 301 });
    expect(toRedirect({ scheme: 'https', port: 8443 })).toEqual({ kind: 'redirect', scheme: 'https', port: 8443, code: 301 });
  });

  it('without scheme, takes the request\'s: plain http on sidecars; unknown (port kept) elsewhere', () => {
    expect(toRedirect({ port: 80 }, true)).toEqual({ kind: 'redirect', code: 301 });
    expect(toRedirect({ port: 443 }, true)).toEqual({ kind: 'redirect', port: 443, code: 301 });
    expect(toRedirect({ port: 80 })).toEqual({ kind: 'redirect', port: 80, code: 301 });
  });
});
