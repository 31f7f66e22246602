// A minimal protobuf reader for the xDS response envelopes. The simulated clients read
// thousands of responses a second; decoding each envelope with protobufjs would build an
// object per resource per stream. Here a resource is a view (subarray) into the response,
// so a client can compare it with what it already decoded before decoding it again.

export interface AnyView {
  readonly typeUrl: string;
  readonly value: Uint8Array;
}

export interface ResourceView {
  /** Delta only: the resource's name and version (SotW leaves them empty). */
  readonly name: string;
  readonly version: string;
  readonly any: AnyView | undefined;
}

export interface ResponseView {
  readonly versionInfo: string;
  readonly typeUrl: string;
  readonly nonce: string;
  /**
   * The bytes from the first to the last `resources` field. Servers that stitch responses
   * send identical regions to every stream, so a client can compare it whole before parsing.
   */
  readonly region: Uint8Array;
  /** How many `resources` fields the response has. */
  readonly count: number;
  readonly removed: string[];
}

const decoder = new TextDecoder();

class Reader {
  pos: number;
  readonly buf: Uint8Array;
  readonly end: number;
  constructor(buf: Uint8Array, start = 0, end = buf.length) {
    this.buf = buf;
    this.pos = start;
    this.end = end;
  }
  varint(): number {
    let result = 0;
    let mul = 1;
    for (;;) {
      const b = this.buf[this.pos++];
      if (b === undefined) throw new Error('truncated varint');
      result += (b & 0x7f) * mul;
      if (b < 0x80) return result;
      mul *= 128;
    }
  }
  /** Returns [field, wire type], or undefined at the end. */
  tag(): [number, number] | undefined {
    if (this.pos >= this.end) return undefined;
    const t = this.varint();
    return [Math.floor(t / 8), t & 7];
  }
  bytes(): Uint8Array {
    const len = this.varint();
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
  skip(wire: number): void {
    if (wire === 0) this.varint();
    else if (wire === 1) this.pos += 8;
    else if (wire === 2) {
      // Read the length first: `this.pos += this.varint()` would add to the pos before the varint.
      const len = this.varint();
      this.pos += len;
    }
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function readAny(buf: Uint8Array): AnyView {
  const r = new Reader(buf);
  let typeUrl: Uint8Array = new Uint8Array(0);
  let value: Uint8Array = new Uint8Array(0);
  for (let t = r.tag(); t; t = r.tag()) {
    if (t[0] === 1 && t[1] === 2) typeUrl = r.bytes();
    else if (t[0] === 2 && t[1] === 2) value = r.bytes();
    else r.skip(t[1]);
  }
  // Decoded lazily: the client rarely needs it, and thousands per response add up.
  return {
    get typeUrl() {
      return decoder.decode(typeUrl);
    },
    value,
  };
}

function readDeltaResource(buf: Uint8Array): ResourceView {
  const r = new Reader(buf);
  let name = '';
  let version = '';
  let any: AnyView | undefined;
  for (let t = r.tag(); t; t = r.tag()) {
    if (t[1] !== 2) r.skip(t[1]);
    else if (t[0] === 3) name = decoder.decode(r.bytes());
    else if (t[0] === 1) version = decoder.decode(r.bytes());
    else if (t[0] === 2) any = readAny(r.bytes());
    else r.skip(t[1]);
  }
  return { name, version, any };
}

/** DiscoveryResponse (SotW) or DeltaDiscoveryResponse: the same field numbers where it matters. */
export function readResponse(buf: Uint8Array, delta: boolean): ResponseView {
  const r = new Reader(buf);
  let versionInfo = '';
  let typeUrl = '';
  let nonce = '';
  let regionStart = -1;
  let regionEnd = 0;
  let count = 0;
  const removed: string[] = [];
  for (;;) {
    const at = r.pos;
    const t = r.tag();
    if (!t) break;
    const [field, wire] = t;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    if (field === 2) {
      if (regionStart < 0) regionStart = at;
      r.skip(wire);
      regionEnd = r.pos;
      count++;
    } else if (field === 1) versionInfo = decoder.decode(r.bytes());
    else if (field === 4) typeUrl = decoder.decode(r.bytes());
    else if (field === 5) nonce = decoder.decode(r.bytes());
    else if (field === 6 && delta) removed.push(decoder.decode(r.bytes()));
    else r.skip(wire);
  }
  const region = regionStart < 0 ? new Uint8Array(0) : buf.subarray(regionStart, regionEnd);
  return { versionInfo, typeUrl, nonce, region, count, removed };
}

/** The `resources` entries of a region (other fields in between are skipped). */
export function readResources(region: Uint8Array, delta: boolean): ResourceView[] {
  const r = new Reader(region);
  const out: ResourceView[] = [];
  for (let t = r.tag(); t; t = r.tag()) {
    if (t[0] !== 2 || t[1] !== 2) {
      r.skip(t[1]);
      continue;
    }
    out.push(delta ? readDeltaResource(r.bytes()) : { name: '', version: '', any: readAny(r.bytes()) });
  }
  return out;
}
