// Reads the two Cluster fields the consistency check needs straight from the wire bytes:
// a large snapshot has tens of thousands of clusters, and a full decode of each (or even a
// protobufjs Reader per cluster and per nested message) would dominate the check.
//
// Cluster.type is field 2 (varint), Cluster.eds_cluster_config field 3, and inside it
// EdsClusterConfig.service_name field 2.
import protobuf from 'protobufjs';

const EDS_TYPE = 3;

/**
 * For an EDS cluster, its eds_cluster_config.service_name ('' when unset); undefined for
 * other cluster types.
 */
export function edsServiceName(bytes: Uint8Array): string | undefined {
  let isEds = false;
  let serviceName = '';
  let at = 0;
  while (at < bytes.length) {
    const key = varint(bytes, at);
    at = key.end;
    const field = key.value >>> 3;
    const wire = key.value & 7;
    if (wire === 0) {
      const v = varint(bytes, at);
      at = v.end;
      if (field === 2) isEds = v.value === EDS_TYPE;
    } else if (wire === 2) {
      const len = varint(bytes, at);
      const start = len.end;
      at = start + len.value;
      if (field === 3) serviceName = nestedServiceName(bytes, start, at);
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return slowEdsServiceName(bytes); // groups: never written by meshlog, read the slow way
  }
  return isEds ? serviceName : undefined;
}

function nestedServiceName(bytes: Uint8Array, from: number, to: number): string {
  let name = '';
  let at = from;
  while (at < to) {
    const key = varint(bytes, at);
    at = key.end;
    const field = key.value >>> 3;
    const wire = key.value & 7;
    if (wire === 0) at = varint(bytes, at).end;
    else if (wire === 2) {
      const len = varint(bytes, at);
      if (field === 2) name = Buffer.from(bytes.buffer, bytes.byteOffset + len.end, len.value).toString('utf8');
      at = len.end + len.value;
    } else if (wire === 1) at += 8;
    else if (wire === 5) at += 4;
    else return protobufServiceName(bytes.subarray(from, to));
  }
  return name;
}

// Scratch result for varint(): one object reused, so reading allocates nothing. Callers
// copy what they need out of it before reading the next varint.
const read = { value: 0, end: 0 };

/** An unsigned varint at `at` (the low 32 bits, as protobufjs' uint32). */
function varint(bytes: Uint8Array, at: number): { value: number; end: number } {
  let value = 0;
  let shift = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++];
    if (b === undefined) throw new Error('edsServiceName: truncated varint');
    if (shift < 32) value |= (b & 127) << shift;
    if (b < 128) break;
    shift += 7;
  }
  read.value = value >>> 0;
  read.end = i;
  return read;
}

function slowEdsServiceName(bytes: Uint8Array): string | undefined {
  const reader = protobuf.Reader.create(bytes);
  let isEds = false;
  let serviceName = '';
  while (reader.pos < reader.len) {
    const key = reader.uint32();
    const field = key >>> 3;
    if (field === 2 && (key & 7) === 0) isEds = reader.int32() === EDS_TYPE;
    else if (field === 3 && (key & 7) === 2) serviceName = protobufServiceName(reader.bytes());
    else reader.skipType(key & 7);
  }
  return isEds ? serviceName : undefined;
}

function protobufServiceName(bytes: Uint8Array): string {
  const inner = protobuf.Reader.create(bytes);
  let name = '';
  while (inner.pos < inner.len) {
    const k = inner.uint32();
    if (k >>> 3 === 2 && (k & 7) === 2) name = inner.string();
    else inner.skipType(k & 7);
  }
  return name;
}
