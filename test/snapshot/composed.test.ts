// A resource stored as parts must be, to every reader, the resource its joined bytes are:
// the same bytes on every read, the resource hash of those bytes, and their length.
import { describe, expect, it } from 'vitest';
import { byteLengthOf, ComposedResource, partsOf } from '../../src/snapshot/composed.ts';
import { withHash } from '../../src/snapshot/encode.ts';
import { resourceHash } from '../../src/snapshot/hash.ts';
import { prng } from '../support/prng.ts';

describe('ComposedResource', () => {
  it('reads as its parts joined, hashed as the joined bytes, for small, empty and stage-sized parts', () => {
    const random = prng(7);
    const part = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(random() * 256));
    const cases: Uint8Array[][] = [
      [],
      [part(0)],
      [part(1), part(0), part(300)],
      Array.from({ length: 2000 }, () => part(Math.floor(random() * 400))), // over the 256 KB stage in total
      [part(10), part(300 * 1024), part(5), part(256 * 1024), part(256 * 1024 - 15)], // parts as big as the stage and bigger
    ];
    for (const parts of cases) {
      const joined = Buffer.concat(parts);
      const r = new ComposedResource('lds', 'table-ü', parts);
      expect(Buffer.from(r.bytes).equals(joined)).toBe(true);
      expect(r.bytes).not.toBe(r.bytes); // a buffer of its own per read: no reader can change another's
      expect(r.hash).toBe(resourceHash('lds', 'table-ü', joined));
      expect(r.hash).toBe(withHash('lds', 'table-ü', joined).hash);
      expect(byteLengthOf(r)).toBe(joined.length);
      expect(partsOf(r)).toBe(parts);
    }
  });

  it('hashes a route table of parts as the table its parts join into, however the fields are grouped', () => {
    const random = prng(11);
    const field = (n: number) => Buffer.concat([Buffer.from([(2 << 3) | 2]), varint(n), Buffer.from(Array.from({ length: n }, () => Math.floor(random() * 256)))]);
    const name = Buffer.concat([Buffer.from([(1 << 3) | 2, 2]), Buffer.from('80')]);
    const hosts = Array.from({ length: 50 }, () => field(Math.floor(random() * 300)));
    const tail = Buffer.from([(14 << 3) | 0, 1, (7 << 3) | 2, 0]); // two fields in one part
    const joined = Buffer.concat([name, ...hosts, tail]);
    const oneByOne = new ComposedResource('rds', '80', [name, ...hosts, tail]);
    const grouped = new ComposedResource('rds', '80', [Buffer.concat([name, ...hosts.slice(0, 7)]), ...hosts.slice(7), tail]);
    expect(oneByOne.hash).toBe(resourceHash('rds', '80', joined));
    expect(grouped.hash).toBe(oneByOne.hash);
    // A table sharing most parts with another still hashes as its own bytes.
    const other = new ComposedResource('rds', '80', [name, ...hosts.slice(1), hosts[0]!, tail]);
    expect(other.hash).toBe(resourceHash('rds', '80', Buffer.concat([name, ...hosts.slice(1), hosts[0]!, tail])));
    expect(other.hash).not.toBe(oneByOne.hash);
  });

  it('takes a known hash as given, and leaves whole resources alone', () => {
    const r = new ComposedResource('rds', 't', [Buffer.from('ab')], 'f'.repeat(64));
    expect(r.hash).toBe('f'.repeat(64));
    const whole = withHash('cds', 'c', Buffer.from('xyz'));
    expect(partsOf(whole)).toBeUndefined();
    expect(byteLengthOf(whole)).toBe(3);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 127) {
    out.push((n & 127) | 128);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}
