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
  readonly resources: ResourceView[];
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
    else if (wire === 2) this.pos += this.varint();
    else if (wire === 5) this.pos += 4;
    else throw new Error(`unsupported wire type ${wire}`);
  }
}

function readAny(buf: Uint8Array): AnyView {
  const r = new Reader(buf);
  let typeUrl = '';
  let value: Uint8Array = new Uint8Array(0);
  for (let t = r.tag(); t; t = r.tag()) {
    if (t[0] === 1 && t[1] === 2) typeUrl = decoder.decode(r.bytes());
    else if (t[0] === 2 && t[1] === 2) value = r.bytes();
    else r.skip(t[1]);
  }
  return { typeUrl, value };
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
  const resources: ResourceView[] = [];
  const removed: string[] = [];
  for (let t = r.tag(); t; t = r.tag()) {
    const [field, wire] = t;
    if (wire !== 2) {
      r.skip(wire);
      continue;
    }
    if (field === 1) versionInfo = decoder.decode(r.bytes());
    else if (field === 2) resources.push(delta ? readDeltaResource(r.bytes()) : { name: '', version: '', any: readAny(r.bytes()) });
    else if (field === 4) typeUrl = decoder.decode(r.bytes());
    else if (field === 5) nonce = decoder.decode(r.bytes());
    else if (field === 6 && delta) removed.push(decoder.decode(r.bytes()));
    else r.skip(wire);
  }
  return { versionInfo, typeUrl, nonce, resources, removed };
}
