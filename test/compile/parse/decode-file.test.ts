// The loader decodes with the native strict decoder and runs its own scan only to say where
// a file is broken: the two must agree on what is valid UTF-8.
import { describe, expect, it } from 'vitest';
import { decodeSourceFile } from '../../../src/compile/parse/decode-file.ts';
import { firstInvalidUtf8 } from '../../../src/compile/parse/utf8.ts';
import { prng } from '../fuzz/mutate.ts';

describe('decodeSourceFile', () => {
  it('agrees with the byte scan on random and near-valid byte strings', () => {
    const r = prng(99);
    const edges = [0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff, 0x9f, 0xa0, 0x8f, 0x90];
    const valid = new TextEncoder().encode('a: é — 𝄞 \u{10ffff} \ud7ff \ue000');
    for (let n = 0; n < 20000; n++) {
      const bytes = n % 2 === 0 ? Uint8Array.from({ length: 1 + Math.floor(r() * 6) }, () => edges[Math.floor(r() * edges.length)]!) : valid.slice();
      if (n % 2 === 1) bytes[Math.floor(r() * bytes.length)] = edges[Math.floor(r() * edges.length)]!;
      const bad = firstInvalidUtf8(bytes);
      const decoded = decodeSourceFile({ path: 'x.yaml', bytes });
      expect(decoded.ok, Array.from(bytes, (b) => b.toString(16)).join(' ')).toBe(bad === -1);
      if (!decoded.ok) expect(decoded.diagnostic.message).toContain(`byte offset ${bad} `);
    }
  });

  it('decodes valid files (BOM dropped) and reports the first bad byte of others', () => {
    const ok = decodeSourceFile({ path: 'a.yaml', bytes: new Uint8Array([0xef, 0xbb, 0xbf, 0x61, 0x3a, 0x20, 0xc3, 0xa9]) });
    expect(ok).toEqual({ ok: true, text: 'a: é' });
    const bad = decodeSourceFile({ path: 'b.yaml', bytes: new Uint8Array([0x61, 0x0a, 0x62, 0xed, 0xa0, 0x80]) });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.diagnostic).toMatchObject({ code: 'ML1004', file: 'b.yaml', line: 2, column: 2 });
  });
});
