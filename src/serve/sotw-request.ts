// A hand-rolled reader for DiscoveryRequest. Envoy repeats its whole resource-name list
// (thousands of cluster names for EDS) in every ACK; decoding those into strings for every
// ACK of every proxy was a large share of the server's CPU and garbage. Here the names stay
// bytes: we hash them, and decode them only when the hash differs from what the stream
// already has. Small nested messages (node, error_detail) still go through protobufjs.
import { createHash } from 'node:crypto';
import type protobuf from 'protobufjs';
import { messageType } from '../envoy/proto-root.ts';
import type { NodeMessage, RpcStatus, SotwRequest } from './codec.ts';

let nodeType: protobuf.Type | undefined;
let statusType: protobuf.Type | undefined;

/** A request whose names are decoded on first access. */
export interface LazySotwRequest extends SotwRequest {
  /** Digest of the resource_names field bytes; equal digests mean equal name lists. */
  readonly namesDigest: string;
}

export function readSotwRequest(buf: Buffer): LazySotwRequest {
  let pos = 0;
  let version = '';
  let typeUrl = '';
  let nonce = '';
  let node: NodeMessage | null = null;
  let error: RpcStatus | null = null;
  const nameRanges: number[] = [];

  const varint = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated varint');
      const b = buf[pos++]!;
      result += (b & 0x7f) * 2 ** shift;
      if (b < 0x80) return result;
      shift += 7;
      if (shift > 49) throw new Error('varint too long');
    }
  };

  while (pos < buf.length) {
    const tag = varint();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (wire === 0) {
      varint();
      continue;
    }
    if (wire === 1 || wire === 5) {
      pos += wire === 1 ? 8 : 4;
      continue;
    }
    if (wire !== 2) throw new Error(`unsupported wire type ${wire}`);
    const len = varint();
    const start = pos;
    const end = pos + len;
    if (end > buf.length) throw new Error('truncated field');
    pos = end;
    switch (field) {
      case 1:
        version = buf.toString('utf8', start, end);
        break;
      case 2:
        nodeType ??= messageType('envoy.config.core.v3.Node');
        node = nodeType.decode(buf.subarray(start, end)) as unknown as NodeMessage;
        break;
      case 3:
        nameRanges.push(start, end);
        break;
      case 4:
        typeUrl = buf.toString('utf8', start, end);
        break;
      case 5:
        nonce = buf.toString('utf8', start, end);
        break;
      case 6:
        statusType ??= messageType('google.rpc.Status');
        error = statusType.decode(buf.subarray(start, end)) as unknown as RpcStatus;
        break;
      default:
        break; // resource_locators and future fields: not used
    }
  }

  const hash = createHash('sha1');
  for (let i = 0; i < nameRanges.length; i += 2) {
    // Include the length so ["ab","c"] and ["a","bc"] differ.
    hash.update(`${nameRanges[i + 1]! - nameRanges[i]!}:`).update(buf.subarray(nameRanges[i]!, nameRanges[i + 1]!));
  }
  const namesDigest = `${nameRanges.length / 2}/${hash.digest('base64')}`;
  let names: string[] | undefined;
  return {
    version_info: version,
    node,
    type_url: typeUrl,
    response_nonce: nonce,
    error_detail: error,
    namesDigest,
    get resource_names(): readonly string[] {
      names ??= decodeNames(buf, nameRanges);
      return names;
    },
  };
}

function decodeNames(buf: Buffer, ranges: readonly number[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < ranges.length; i += 2) out.push(buf.toString('utf8', ranges[i], ranges[i + 1]));
  return out;
}
