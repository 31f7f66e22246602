import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import { ByteWriter } from '../../../src/compile/xds/byte-writer.ts';

// The hot encoders write through ByteWriter; a resource's bytes (and so its hash) must not
// depend on which writer produced them.
describe('ByteWriter', () => {
  const strings = ['', 'a', 'x'.repeat(127), 'y'.repeat(128), 'z'.repeat(300), 'é', 'ü|é'.repeat(50), `${'a'.repeat(126)}é`, 'q'.repeat(20_000),
    // Around the writer's paths: short copy (≤ 24 code units), native write with a one- or
    // two-byte length (UTF-8 length crossing 127), and beyond 5,460 code units.
    'a'.repeat(24), `${'a'.repeat(23)}é`, 'a'.repeat(25), 'é'.repeat(63), 'é'.repeat(64), '😀'.repeat(40), '€'.repeat(5460), '€'.repeat(5461)];

  it('writes strings, varints and raw bytes exactly as protobufjs does', () => {
    for (const s of strings) {
      const ours = new ByteWriter(4).string(3, s).varint(8).varint(300).varint(2 ** 32 - 1).bytes(5, Buffer.from(s)).finish();
      const theirs = protobuf.Writer.create().uint32((3 << 3) | 2).string(s).uint32(8).uint32(300).uint32(2 ** 32 - 1).uint32((5 << 3) | 2).bytes(Buffer.from(s)).finish();
      expect(Buffer.from(ours).equals(Buffer.from(theirs)), `length ${s.length}`).toBe(true);
    }
  });

  it('gives nested messages of every length-prefix size the same bytes as protobufjs fork/ldelim', () => {
    for (const inner of strings) {
      const ours = new ByteWriter(8).fork(2).string(1, 'name').fork(3).string(1, inner).fork(4).varint(8).varint(7).ldelim().ldelim().string(9, inner).ldelim().finish();
      const w = protobuf.Writer.create();
      w.uint32((2 << 3) | 2).fork().uint32((1 << 3) | 2).string('name');
      w.uint32((3 << 3) | 2).fork().uint32((1 << 3) | 2).string(inner).uint32((4 << 3) | 2).fork().uint32(8).uint32(7).ldelim().ldelim();
      w.uint32((9 << 3) | 2).string(inner).ldelim();
      expect(Buffer.from(ours).equals(Buffer.from(w.finish())), `inner length ${inner.length}`).toBe(true);
    }
  });

  it('starts afresh after reset', () => {
    const w = new ByteWriter();
    w.string(1, 'old').fork(2);
    expect([...w.reset().string(1, 'new').finish()]).toEqual([10, 3, 110, 101, 119]);
  });
});
