// Encodes a translator's output to protobuf and prints it back as proto3 JSON, so unit
// tests assert what Envoy would actually receive (not the pre-encoding object).
import { decodeToJson, type Json } from '../../../src/envoy/proto-json.ts';
import { encodeResource } from '../../../src/snapshot/encode.ts';
import { MESSAGE_NAMES, type XdsType } from '../../../src/snapshot/types.ts';

export type JsonObject = { [key: string]: Json };

export function roundTrip(type: XdsType, object: Record<string, unknown>): JsonObject {
  const encoded = encodeResource(type, String(object.name ?? object.cluster_name ?? ''), object);
  return decodeToJson(MESSAGE_NAMES[type], encoded.bytes);
}
