// Small builders for the protobuf value shapes every translator needs (Duration, wrappers,
// FractionalPercent, Any, StringMatcher). The objects are plain data for protobufjs'
// `Type.fromObject`, with snake_case field names (the shared root uses keepCase).
import { messageType } from '../../envoy/proto-root.ts';
import { unixSocketPath } from '../ir/endpoint-address.ts';
import type { IrStringMatch } from '../ir/types.ts';

/** A plain object ready for `Type.fromObject`. */
export type ProtoObject = { [field: string]: unknown };

const TYPE_PREFIX = 'type.googleapis.com/';

/** google.protobuf.Duration from whole milliseconds. */
export function duration(ms: number): ProtoObject {
  const seconds = Math.floor(ms / 1000);
  const nanos = (ms - seconds * 1000) * 1_000_000;
  return nanos === 0 ? { seconds } : { seconds, nanos };
}

/** google.protobuf.UInt32Value / BoolValue / ... wrapper. */
export function wrap(value: number | boolean | string): ProtoObject {
  return { value };
}

/**
 * envoy.type.v3.FractionalPercent from a 0..100 float. Always per million, so every
 * percentage (e.g. 0.1 %) is exact to 4 decimals and equal inputs give equal bytes.
 */
export function fractionalPercent(percent: number): ProtoObject {
  const numerator = Math.round(Math.min(100, Math.max(0, percent)) * 10_000);
  return { numerator, denominator: 'MILLION' };
}

// Any payloads are encoded once per distinct content: many clusters share the same
// protocol options or TLS settings, and encoding is the hot path of a large compile.
const anyCache = new Map<string, ProtoObject>();
const ANY_CACHE_LIMIT = 10_000;

/**
 * google.protobuf.Any holding `typeName` built from `value`. The payload is encoded here,
 * so the outer message's encoding embeds the same bytes every time.
 */
export function anyOf(typeName: string, value: ProtoObject): ProtoObject {
  const key = typeName + '\u0000' + JSON.stringify(value);
  const hit = anyCache.get(key);
  if (hit) return hit;
  const type = messageType(typeName);
  const bytes = type.encode(type.fromObject(value)).finish();
  const any = { type_url: TYPE_PREFIX + typeName, value: bytes };
  if (anyCache.size >= ANY_CACHE_LIMIT) anyCache.clear();
  anyCache.set(key, any);
  return any;
}

/** envoy.type.matcher.v3.StringMatcher. Regexes use Envoy's default engine (RE2). */
export function stringMatcher(match: IrStringMatch, ignoreCase = false): ProtoObject {
  const base: ProtoObject =
    match.kind === 'exact'
      ? { exact: match.value }
      : match.kind === 'prefix'
        ? { prefix: match.value }
        : { safe_regex: { regex: match.value } };
  // ignore_case has no effect on (and is rejected by Envoy for) safe_regex.
  if (ignoreCase && match.kind !== 'regex') base.ignore_case = true;
  return base;
}

/** envoy.config.core.v3.ConfigSource pointing at the ADS stream, v3 resources. */
export function adsConfigSource(): ProtoObject {
  return { ads: {}, resource_api_version: 'V3' };
}

/** envoy.config.core.v3.Address for a TCP socket. */
export function socketAddress(address: string, port: number): ProtoObject {
  return { socket_address: { address, port_value: port } };
}

/** envoy.config.core.v3.Address for an endpoint: a pipe for `unix://` (endpoint-address.ts), else a TCP socket. */
export function endpointAddress(address: string, port: number): ProtoObject {
  const path = unixSocketPath(address);
  return path === undefined ? socketAddress(address, port) : { pipe: { path } };
}

/** Copies only the defined entries, so absent IR fields never reach the proto object. */
export function compact(fields: Record<string, unknown>): ProtoObject {
  const out: ProtoObject = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) out[k] = v;
  return out;
}

/** Tag of a length-delimited field (wire type 2), for encoders that write bytes directly. */
export function tag(field: number): number {
  return (field << 3) | 2;
}
