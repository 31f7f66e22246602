// Packs long-lived small byte strings into shared chunks. Each Buffer of its own is an
// ArrayBuffer with a tracked backing store, and a slice of Node's allocation pool pins the
// whole pool slab together with the dead temporaries around it (measured in serve: ~6x the
// kept bytes). Copying each finished piece here keeps only its bytes alive, a chunk's worth
// of pieces per ArrayBuffer. Chunks live as long as any piece in them.
export class ByteArena {
  readonly #chunkSize: number;
  #chunk: Buffer | undefined;
  #used = 0;

  constructor(chunkSize = 64 * 1024) {
    this.#chunkSize = chunkSize;
  }

  /** A copy of `src` in the arena. */
  keep(src: Uint8Array): Buffer {
    const out = this.alloc(src.length);
    out.set(src);
    return out;
  }

  /** `len` bytes in the arena for the caller to fill (a piece over an eighth of a chunk gets a buffer of its own). */
  alloc(len: number): Buffer {
    if (len > this.#chunkSize / 8) return Buffer.allocUnsafeSlow(len);
    if (!this.#chunk || this.#used + len > this.#chunk.length) {
      this.#chunk = Buffer.allocUnsafeSlow(this.#chunkSize);
      this.#used = 0;
    }
    const out = this.#chunk.subarray(this.#used, this.#used + len);
    this.#used += len;
    return out;
  }
}
