// Counted repetitions are written out by RE2; a regex whose expansion is huge is refused
// before RE2 spends tens of seconds compiling it (and Envoy would refuse it anyway).
import { describe, expect, it } from 'vitest';
import { checkRe2 } from '../../../src/compile/validate/regex.ts';
import { MAX_REGEX_EXPANSION, regexExpansion } from '../../../src/compile/validate/regex-size.ts';

describe('regex expansion', () => {
  it('counts literals, classes and escapes once, multiplied out by counted repetitions', () => {
    expect(regexExpansion('^/api/v[0-9]+/users$')).toBe(13);
    expect(regexExpansion('[a-z0-9]{1,64}')).toBe(64);
    expect(regexExpansion('(ab){3}')).toBe(6);
    expect(regexExpansion('(a{10}){10}')).toBe(100);
    expect(regexExpansion('x{2,}')).toBe(3);
    expect(regexExpansion('\\d{2}|x')).toBe(3);
    // Wide in UTF-8: `.`, negated classes and \W\S\D 4, \w and \s 4, Unicode properties 160.
    expect(regexExpansion('.{10}')).toBe(40);
    expect(regexExpansion('[^/]{10}')).toBe(40);
    expect(regexExpansion('\\p{Greek}{5}')).toBe(800);
    expect(regexExpansion('\\pL{2}')).toBe(320);
    expect(regexExpansion('[\\p{L}0-9]')).toBe(161);
    expect(regexExpansion('[\\p{L}\\p{N}]{30}')).toBe(9630); // each property counts
    expect(regexExpansion('[\\p{L}\\p{N}]{70}')).toBeGreaterThan(MAX_REGEX_EXPANSION);
    expect(regexExpansion('a\\w{1,999}')).toBe(3997);
    // \Q…\E is literal text: it cannot hide a group from the count.
    expect(regexExpansion('\\Q[\\E(a\\w{1,999})\\Q]\\E')).toBe(3999);
    expect(regexExpansion('\\Qa{5}\\E')).toBe(4);
    expect(regexExpansion('a{,3}')).toBe(5); // not a quantifier in RE2: literal text
  });

  it('refuses a pathological regex at once, with the reason, and keeps ordinary ones', () => {
    const huge = Array.from({ length: 20 }, (_, i) => `x${i}[a-z0-9]{1,999}`).join('|');
    expect(regexExpansion(huge)).toBeGreaterThan(MAX_REGEX_EXPANSION);
    const started = Date.now();
    const r = checkRe2(huge);
    expect(Date.now() - started).toBeLessThan(1000); // refused before RE2 compiles it (tens of seconds)
    expect(r).toMatchObject({ ok: false, reason: 'too-long' });
    if (!r.ok) expect(r.message).toContain('counted repetitions');
    expect(checkRe2('^/api/v[0-9]+/users/[a-zA-Z0-9]{1,64}$')).toEqual({ ok: true });
    expect(checkRe2('(a{200}){100}')).toMatchObject({ ok: false, reason: 'too-long' });
  });

  it('refuses, quietly and before RE2, the Unicode-class regexes that ran re2-wasm out of memory, and keeps working after', () => {
    const written: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => (written.push(String(chunk)), true)) as typeof process.stderr.write;
    let r;
    try {
      r = checkRe2('^/[\\p{L}\\p{N}]{70}$'); // within the estimate, over re2-wasm's 16 MB
    } finally {
      process.stderr.write = write;
    }
    expect(r).toMatchObject({ ok: false });
    if (r && !r.ok) expect(r.message).toContain('counted repetitions');
    expect(written.join('')).not.toContain('Cannot enlarge memory');
    for (const p of ['\\p{L}{78}', '^/users/[\\p{L}\\p{N}]{1,70}$']) expect(checkRe2(p)).toMatchObject({ ok: false, reason: 'too-long' });
    expect(checkRe2('\\p{L}{10}')).toEqual({ ok: true });
    expect(checkRe2('^/reviews/[0-9]+$')).toEqual({ ok: true });
  });
});
