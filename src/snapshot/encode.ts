// Encodes one Envoy resource (a plain object) to protobuf bytes, once, with its hash.
// Encoding is deterministic: protobufjs writes fields in field-number order, and every
// map in our objects is built with sorted keys.
import { messageType } from '../envoy/proto-root.ts';
import { resourceHash } from './hash.ts';
import { MESSAGE_NAMES, type EncodedResource, type XdsType } from './types.ts';

export function encodeResource(type: XdsType, name: string, object: Record<string, unknown>): EncodedResource {
  const messageTypeOf = messageType(MESSAGE_NAMES[type]);
  return withHash(type, name, messageTypeOf.encode(messageTypeOf.fromObject(object)).finish());
}

/** A resource from bytes encoded elsewhere (see src/compile/xds/fast-encode.ts). */
export function withHash(type: XdsType, name: string, bytes: Uint8Array): EncodedResource {
  return { type, name, bytes, hash: resourceHash(type, name, bytes) };
}

/** Decodes a resource back to a protobufjs message (for checks, dumps and tests). */
export function decodeResource(resource: Pick<EncodedResource, 'type' | 'bytes'>): Record<string, unknown> {
  return messageType(MESSAGE_NAMES[resource.type]).decode(resource.bytes) as unknown as Record<string, unknown>;
}
