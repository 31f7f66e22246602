import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { resourceHash } from '../../../src/snapshot/hash.ts';

// resourceHash writes into a reused buffer with an ASCII shortcut; the hash must still be
// exactly the documented sha256(type "\n" name "\n" bytes) for any name, so replicas and
// tools that recompute it agree. (Route tables follow a rule of their own, field by field:
// test/snapshot/hash-definition.test.ts.)
describe('resourceHash', () => {
  it('is sha256 over type, name (UTF-8) and bytes, for ASCII, non-ASCII and large inputs', () => {
    const names = ['', 'outbound|9080|v1|reviews.default.svc.cluster.local', 'é', 'aé', 'x😀y', 'ü'.repeat(300), 'a'.repeat(70_000)];
    const payloads = [new Uint8Array(), Buffer.from('hello'), Buffer.alloc(100_000, 7), Buffer.alloc(300_000, 9)];
    for (const name of names) {
      for (const bytes of payloads) {
        const expected = createHash('sha256').update(Buffer.concat([Buffer.from(`cds\n${name}\n`, 'utf8'), bytes])).digest('hex');
        expect(resourceHash('cds', name, bytes), `${name.slice(0, 12)} / ${bytes.length}`).toBe(expected);
      }
    }
  });
});
