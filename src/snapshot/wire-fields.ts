// Top-level fields of protobuf wire bytes, read without decoding: the route table hash
// (hash.ts) hashes a table field by field, and VHDS (serve/vhds-split.ts) takes tables apart
// the same way.

export interface WireField {
  readonly number: number;
  /** Wire type: 0 varint, 1 64-bit, 2 length-delimited, 5 32-bit. */
  readonly wire: number;
  /** Where the field starts (its tag) and ends, in the bytes read. */
  readonly start: number;
  readonly end: number;
  /** A length-delimited field's payload range (else both equal `end`). */
  readonly payloadStart: number;
}

/** Each top-level field of `bytes`, in order. Groups (wire types 3, 4), unused by Envoy's v3 API, are refused. */
export function* wireFields(bytes: Uint8Array): Generator<WireField> {
  let at = 0;
  while (at < bytes.length) {
    const field = readField(bytes, at);
    at = field.end;
    yield field;
  }
}

/** Where the top-level field starting at `at` ends. */
export function fieldEnd(bytes: Uint8Array, at: number): number {
  return readField(bytes, at).end;
}

function readField(bytes: Uint8Array, start: number): WireField {
  const [tag, afterTag] = readVarint(bytes, start);
  const wire = tag % 8;
  const number = Math.floor(tag / 8);
  let end: number;
  let payloadStart: number;
  if (wire === 0) end = payloadStart = readVarint(bytes, afterTag)[1];
  else if (wire === 1) end = payloadStart = afterTag + 8;
  else if (wire === 5) end = payloadStart = afterTag + 4;
  else if (wire === 2) {
    const [len, afterLen] = readVarint(bytes, afterTag);
    payloadStart = afterLen;
    end = afterLen + len;
  } else throw new Error(`unsupported protobuf wire type ${wire} at byte ${start}`);
  if (end > bytes.length) throw new Error(`truncated protobuf field at byte ${start}`);
  return { number, wire, start, end, payloadStart };
}

function readVarint(bytes: Uint8Array, offset: number): [value: number, end: number] {
  let value = 0;
  let scale = 1;
  let at = offset;
  for (;;) {
    const b = bytes[at++];
    if (b === undefined) throw new Error(`truncated varint at byte ${offset}`);
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, at];
    scale *= 128;
  }
}
