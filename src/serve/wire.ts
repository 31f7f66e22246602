// Hand-written protobuf framing for the few xDS envelope messages we send. Resources are
// encoded once by the compiler; here we only wrap those bytes (Any, Resource) and stitch
// responses together from already-framed pieces. Protobuf lets fields appear in any order
// and repeated fields be split, so concatenating framed fields is a valid message: that is
// what lets one cached buffer serve every stream, with only the nonce written per stream.

const WIRE_VARINT = 0;
const WIRE_LEN = 2;

function varintLength(n: number): number {
  let len = 1;
  while (n >= 0x80) {
    n = Math.floor(n / 128);
    len++;
  }
  return len;
}

function writeVarint(buf: Buffer, offset: number, n: number): number {
  while (n >= 0x80) {
    buf[offset++] = (n % 128) | 0x80;
    n = Math.floor(n / 128);
  }
  buf[offset++] = n;
  return offset;
}

/** One length-delimited field: tag, length, payload. */
export function lenField(fieldNumber: number, payload: Uint8Array): Buffer {
  const tag = (fieldNumber << 3) | WIRE_LEN;
  const out = Buffer.allocUnsafe(varintLength(tag) + varintLength(payload.length) + payload.length);
  let o = writeVarint(out, 0, tag);
  o = writeVarint(out, o, payload.length);
  out.set(payload, o);
  return out;
}

/** A string field; proto3 omits empty strings, so do we (keeps bytes canonical). */
export function stringField(fieldNumber: number, value: string): Buffer {
  if (value === '') return Buffer.alloc(0);
  return lenField(fieldNumber, Buffer.from(value, 'utf8'));
}

/** A bool field (only written when true, as proto3 does). */
export function boolField(fieldNumber: number, value: boolean): Buffer {
  if (!value) return Buffer.alloc(0);
  const tag = (fieldNumber << 3) | WIRE_VARINT;
  const out = Buffer.allocUnsafe(varintLength(tag) + 1);
  const o = writeVarint(out, 0, tag);
  out[o] = 1;
  return out;
}

/** google.protobuf.Any {type_url = 1, value = 2}, unframed. */
export function anyMessage(typeUrl: string, value: Uint8Array): Buffer {
  return Buffer.concat([stringField(1, typeUrl), lenField(2, value)]);
}

/**
 * Field numbers of the envelopes (envoy/service/discovery/v3/discovery.proto). Written out
 * here because the stitcher must agree with the schema; a test decodes stitched bytes with
 * protobufjs to keep the two honest.
 */
export const SOTW_FIELDS = { versionInfo: 1, resources: 2, typeUrl: 4, nonce: 5 } as const;
export const DELTA_FIELDS = {
  systemVersionInfo: 1,
  resources: 2,
  typeUrl: 4,
  nonce: 5,
  removedResources: 6,
} as const;
export const RESOURCE_FIELDS = { version: 1, resource: 2, name: 3 } as const;
