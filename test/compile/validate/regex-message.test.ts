// RE2's error names the part of the regex it stumbled on; the message quotes it as the user
// wrote it (re2-wasm escapes every `/` before RE2 sees the regex).
import { describe, expect, it } from 'vitest';
import { checkRe2 } from '../../../src/compile/validate/regex.ts';

describe('invalid regex messages', () => {
  it('quote the regex as written, slashes unescaped', () => {
    expect(checkRe2('/api/(v1|v2')).toEqual({ ok: false, reason: 'invalid', message: 'missing ): /api/(v1|v2' });
    expect(checkRe2('[z-a]/x')).toEqual({ ok: false, reason: 'invalid', message: 'invalid character class range: z-a' });
  });

  it('keep an escaped slash the user wrote', () => {
    expect(checkRe2('a\\/b(')).toEqual({ ok: false, reason: 'invalid', message: 'missing ): a\\/b(' });
  });
});
