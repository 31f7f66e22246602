// A minimal protobuf wire writer for the hot encoders (fast-encode.ts, fast-route.ts). It
// writes into one growing Buffer, where protobufjs' Writer allocates an operation object per
// field and a fresh Writer (plus a Buffer.concat) per small piece: at 10,000 services that
// allocation, not the encoding, was the cost. Output is canonical protobuf (minimal varints),
// so it is byte-identical to protobufjs for the same fields in the same order (tested).
// Nested messages are written in place and their length is inserted afterwards (fork/ldelim),
// moving only the nested message's own bytes.

export class ByteWriter {
  private buf: Buffer;
  private pos = 0;
  private readonly forks: number[] = [];

  constructor(capacity = 256) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  get length(): number {
    return this.pos;
  }

  private ensure(extra: number): void {
    const need = this.pos + extra;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /** An unsigned varint (values up to 2^32 - 1, as protobufjs' uint32). */
  varint(value: number): this {
    this.ensure(5);
    let v = value >>> 0;
    while (v > 127) {
      this.buf[this.pos++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[this.pos++] = v;
    return this;
  }

  /** Length-delimited field: tag, length, UTF-8 bytes. */
  string(field: number, s: string): this {
    this.varint((field << 3) | 2);
    const len = s.length;
    // Very short ASCII strings: copying code units beats a native call's overhead.
    if (len <= 24) {
      this.ensure(len + 1);
      const buf = this.buf;
      const at = this.pos + 1;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 127) break;
        buf[at + i] = c;
      }
      if (i === len) {
        buf[this.pos] = len;
        this.pos = at + len;
        return this;
      }
    }
    // Longer ones (names, domains): one native UTF-8 write after a one-byte length slot,
    // widened to two bytes when needed. Measured: faster than a JS copy loop, above all in
    // a compile's first seconds, before that loop is optimized.
    if (len < 5461) {
      this.ensure(3 * len + 2); // at most 16,383 bytes: a length of at most two bytes
      const at = this.pos;
      const n = this.buf.write(s, at + 1);
      if (n < 128) this.buf[at] = n;
      else {
        this.buf.copyWithin(at + 2, at + 1, at + 1 + n);
        this.buf[at] = (n & 127) | 128;
        this.buf[at + 1] = n >>> 7;
        this.pos++;
      }
      this.pos += 1 + n;
      return this;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varint(n);
    this.ensure(n);
    this.pos += this.buf.write(s, this.pos, n, 'utf8');
    return this;
  }

  /** Length-delimited field holding already encoded bytes. */
  bytes(field: number, bytes: Uint8Array): this {
    this.varint((field << 3) | 2).varint(bytes.length);
    return this.raw(bytes);
  }

  /** Bytes appended as they are (pre-encoded fields). */
  raw(bytes: Uint8Array): this {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
    return this;
  }

  /** Starts a nested message in field `field`; close it with ldelim(). */
  fork(field: number): this {
    this.varint((field << 3) | 2);
    this.forks.push(this.pos);
    return this;
  }

  ldelim(): this {
    const start = this.forks.pop();
    if (start === undefined) throw new Error('ByteWriter: ldelim without fork');
    const len = this.pos - start;
    const size = varintSize(len);
    this.ensure(size);
    this.buf.copyWithin(start + size, start, this.pos);
    let v = len;
    let at = start;
    while (v > 127) {
      this.buf[at++] = (v & 127) | 128;
      v >>>= 7;
    }
    this.buf[at] = v;
    this.pos += size;
    return this;
  }

  /** A copy of the written bytes, sized exactly (the writer's buffer is reused or dropped). */
  finish(from = 0): Buffer {
    const out = Buffer.allocUnsafe(this.pos - from);
    this.buf.copy(out, 0, from, this.pos);
    return out;
  }

  /** The written bytes without copying; valid until the next write or reset. */
  view(from = 0): Buffer {
    return this.buf.subarray(from, this.pos);
  }

  reset(): this {
    this.pos = 0;
    this.forks.length = 0;
    return this;
  }
}

export function varintSize(v: number): number {
  return v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : v < 0x10000000 ? 4 : 5;
}

