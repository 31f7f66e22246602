// Envoy's normalize_path as explain replays it; every case here was measured on Envoy 1.40 (the
// normalization samples of explain-vs-envoy.test.ts send the same paths through the real Envoy).
import { describe, expect, it } from 'vitest';
import { normalizePath } from '../../src/explain/normalize-path.ts';

const routed = (path: string): string => {
  const n = normalizePath(path);
  return n.ok ? n.path : `400 ${n.reason}`;
};

describe("Envoy's path normalization", () => {
  it('decodes escapes of unreserved characters only, in either case', () => {
    expect(routed('/%61dmin')).toBe('/admin');
    expect(routed('/%7e%7E%41%5F%2D%2E')).toBe('/~~A_-.');
    expect(routed('/%41%2541')).toBe('/A%2541');
  });

  it('keeps every other escape exactly as written, hex case included', () => {
    expect(routed('/caf%c3%a9')).toBe('/caf%c3%a9');
    expect(routed('/caf%C3%A9')).toBe('/caf%C3%A9');
    expect(routed('/a%2fb')).toBe('/a%2fb');
    expect(routed('/a%2Fb')).toBe('/a%2Fb');
    expect(routed('/p%5bq')).toBe('/p%5bq');
    expect(routed('/a%5cb')).toBe('/a%5cb');
    expect(routed('/p%7cq')).toBe('/p%7cq');
  });

  it('keeps a % that starts no escape', () => {
    expect(routed('/a%')).toBe('/a%');
    expect(routed('/x%g1')).toBe('/x%g1');
    expect(routed('/%%41')).toBe('/%A');
  });

  it('escapes the characters Envoy escapes, with upper-case hex, and reads \\ as /', () => {
    expect(routed('/a|b/x')).toBe('/a%7Cb/x');
    expect(routed('/p"q<r>s^t`u{v}w')).toBe('/p%22q%3Cr%3Es%5Et%60u%7Bv%7Dw');
    expect(routed('/a\\b')).toBe('/a/b');
    expect(routed("/p!$&'()*+,;=:@[]~q")).toBe("/p!$&'()*+,;=:@[]~q");
  });

  it('removes dot segments, escaped ones too, after decoding', () => {
    expect(routed('/a/./b')).toBe('/a/b');
    expect(routed('/a/../b')).toBe('/b');
    expect(routed('/../a')).toBe('/a');
    expect(routed('/a/..')).toBe('/');
    expect(routed('/a/.')).toBe('/a/');
    expect(routed('/a/%2e%2E/b')).toBe('/b');
    expect(routed('/a\\..\\b')).toBe('/b');
    expect(routed('/a/b/../../../c')).toBe('/c');
    expect(routed('/a/./../b/./c/.')).toBe('/b/c/');
    // Not dot segments: three dots, or dots with an escaped slash.
    expect(routed('/a/.../b')).toBe('/a/.../b');
    expect(routed('/a/%2e%2e%2fb')).toBe('/a/..%2fb');
  });

  it('keeps repeated slashes (merge_slashes is off) and the query as sent', () => {
    expect(routed('/a//b')).toBe('/a//b');
    expect(routed('/a/..?x=%7e|{}%2e%2e/../y')).toBe('/?x=%7e|{}%2e%2e/../y');
  });

  it('refuses what Envoy answers 400', () => {
    expect(routed('/p%00xq')).toMatch(/^400 its path has %00/);
    expect(routed('/a\u0001b')).toMatch(/^400 its request line has the control character U\+0001/);
    expect(routed('/a\u007fb')).toMatch(/^400 .*U\+007F/);
    expect(routed('/café')).toMatch(/^400 .*non-ASCII character "é"/);
    expect(routed('/a#frag')).toMatch(/^400 its path has a fragment/);
  });
});
