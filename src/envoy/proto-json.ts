// Decoded protobuf → proto3 JSON the way Envoy's config dump prints it: snake_case field
// names, default scalars omitted, enums by name, 64-bit integers as strings, bytes in
// base64, Duration as "1.500s", wrappers unwrapped, and Any expanded recursively as
// {"@type": url, ...fields}. Output is plain JSON data (key order = field-number order).
import protobuf from 'protobufjs';
import { envoyRoot, messageType } from './proto-root.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const WRAPPERS = new Set([
  'google.protobuf.DoubleValue',
  'google.protobuf.FloatValue',
  'google.protobuf.Int64Value',
  'google.protobuf.UInt64Value',
  'google.protobuf.Int32Value',
  'google.protobuf.UInt32Value',
  'google.protobuf.BoolValue',
  'google.protobuf.StringValue',
  'google.protobuf.BytesValue',
]);
const LONG_TYPES = new Set(['int64', 'uint64', 'sint64', 'fixed64', 'sfixed64']);

/** Decodes `bytes` as `typeName` and prints it as proto3 JSON. */
export function decodeToJson(typeName: string, bytes: Uint8Array): { [key: string]: Json } {
  const type = messageType(typeName);
  return messageToJson(type, type.decode(bytes)) as { [key: string]: Json };
}

/** What the printer needs of a message type, worked out once per type. */
interface TypeInfo {
  /** Full name without the leading dot (protobufjs builds `fullName` anew on every read). */
  readonly name: string;
  /** Fields in field-number order, resolved. */
  readonly fields: readonly protobuf.Field[];
}

// A config dump of a 10,000-service mesh prints millions of messages of a few hundred types:
// naming and sorting each type's fields per message cost about 30 % of `compile -o json`
// (10,000 services: 7,965 against 5,648 ms once worked out per type, BENCHMARKS.md).
const typeInfos = new WeakMap<protobuf.Type, TypeInfo>();

function infoOf(type: protobuf.Type): TypeInfo {
  let info = typeInfos.get(type);
  if (!info) {
    const fields = type.fieldsArray.slice().sort((a, b) => a.id - b.id);
    for (const field of fields) field.resolve();
    info = { name: type.fullName.slice(1), fields };
    typeInfos.set(type, info);
  }
  return info;
}

/** Prints a decoded protobufjs message of `type` as proto3 JSON. */
export function messageToJson(type: protobuf.Type, message: protobuf.Message | Record<string, unknown>): Json {
  const msg = message as Record<string, unknown>;
  const { name, fields } = infoOf(type);
  if (WRAPPERS.has(name)) return scalarToJson(type.fields.value!, msg.value ?? defaultOf(type.fields.value!));
  switch (name) {
    case 'google.protobuf.Any':
      return anyToJson(msg);
    case 'google.protobuf.Duration':
      return durationToJson(msg);
    case 'google.protobuf.Timestamp':
      return timestampToJson(msg);
    case 'google.protobuf.Struct':
      return structToJson(msg);
    case 'google.protobuf.Value':
      return valueToJson(msg);
    case 'google.protobuf.ListValue':
      return ((msg.values ?? []) as Record<string, unknown>[]).map(valueToJson);
  }
  const out: { [key: string]: Json } = {};
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const value = msg[field.name];
    if (field.map) {
      const entries = Object.entries((value ?? {}) as Record<string, unknown>);
      if (entries.length === 0) continue;
      const obj: { [key: string]: Json } = {};
      for (const [k, v] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) obj[k] = fieldValueToJson(field, v);
      out[field.name] = obj;
    } else if (field.repeated) {
      const list = (value ?? []) as unknown[];
      if (list.length > 0) out[field.name] = list.map((v) => fieldValueToJson(field, v));
    } else {
      if (!Object.prototype.hasOwnProperty.call(msg, field.name) || value === null || value === undefined) continue;
      // Scalars without explicit presence are omitted at their default, as proto3 JSON does.
      const explicit = field.partOf !== null || field.resolvedType instanceof protobuf.Type || field.options?.proto3_optional;
      if (!explicit && isDefault(field, value)) continue;
      out[field.name] = fieldValueToJson(field, value);
    }
  }
  return out;
}

function fieldValueToJson(field: protobuf.Field, value: unknown): Json {
  const resolved = field.resolvedType;
  if (resolved instanceof protobuf.Type) return messageToJson(resolved, value as Record<string, unknown>);
  if (resolved instanceof protobuf.Enum) {
    const n = Number(value);
    return resolved.valuesById[n] ?? n;
  }
  return scalarToJson(field, value);
}

function scalarToJson(field: protobuf.Field, value: unknown): Json {
  if (LONG_TYPES.has(field.type)) return String(longToString(value, field.type.startsWith('u') || field.type === 'fixed64'));
  if (field.type === 'bytes') return Buffer.from(value as Uint8Array).toString('base64');
  if (field.type === 'double' || field.type === 'float') {
    const n = value as number;
    return Number.isFinite(n) ? n : Number.isNaN(n) ? 'NaN' : n > 0 ? 'Infinity' : '-Infinity';
  }
  return value as Json;
}

function longToString(value: unknown, unsigned: boolean): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'string') return String(value);
  const long = value as { low: number; high: number; unsigned?: boolean };
  const big = (BigInt(long.high >>> 0) << 32n) | BigInt(long.low >>> 0);
  return (unsigned ? big : BigInt.asIntN(64, big)).toString();
}

function isDefault(field: protobuf.Field, value: unknown): boolean {
  if (field.resolvedType instanceof protobuf.Enum) return Number(value) === 0;
  if (LONG_TYPES.has(field.type)) return longToString(value, true) === '0';
  if (field.type === 'bytes') return (value as Uint8Array).length === 0;
  return value === defaultOf(field);
}

function defaultOf(field: protobuf.Field): unknown {
  if (field.type === 'bool') return false;
  if (field.type === 'string') return '';
  return 0;
}

/** The type an Any's URL names, looked up once per URL (null: not in the schema). */
const anyTypes = new Map<string, protobuf.ReflectionObject | null>();

function anyToJson(msg: Record<string, unknown>): Json {
  const url = String(msg.type_url ?? '');
  let inner = anyTypes.get(url);
  if (inner === undefined) anyTypes.set(url, (inner = envoyRoot().lookup(url.slice(url.lastIndexOf('/') + 1))));
  if (!(inner instanceof protobuf.Type)) {
    return { '@type': url, value: Buffer.from((msg.value ?? new Uint8Array()) as Uint8Array).toString('base64') };
  }
  const printed = messageToJson(inner, inner.decode((msg.value ?? new Uint8Array()) as Uint8Array));
  // Well-known types with a non-object JSON form nest it under "value" (proto3 JSON rule).
  if (printed === null || typeof printed !== 'object' || Array.isArray(printed)) return { '@type': url, value: printed };
  return { '@type': url, ...printed };
}

function durationToJson(msg: Record<string, unknown>): string {
  const seconds = BigInt(longToString(msg.seconds ?? 0, false));
  const nanos = Number(msg.nanos ?? 0);
  const negative = seconds < 0n || nanos < 0;
  const absSeconds = seconds < 0n ? -seconds : seconds;
  const absNanos = Math.abs(nanos);
  return `${negative ? '-' : ''}${absSeconds}${fraction(absNanos)}s`;
}

/** 0, 3, 6 or 9 fractional digits, as protobuf's JSON printer does. */
function fraction(nanos: number): string {
  if (nanos === 0) return '';
  if (nanos % 1_000_000 === 0) return '.' + String(nanos / 1_000_000).padStart(3, '0');
  if (nanos % 1_000 === 0) return '.' + String(nanos / 1_000).padStart(6, '0');
  return '.' + String(nanos).padStart(9, '0');
}

function timestampToJson(msg: Record<string, unknown>): string {
  const seconds = Number(longToString(msg.seconds ?? 0, false));
  const nanos = Number(msg.nanos ?? 0);
  const iso = new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, '');
  return `${iso}${fraction(nanos)}Z`;
}

function structToJson(msg: Record<string, unknown>): Json {
  const out: { [key: string]: Json } = {};
  const fields = (msg.fields ?? {}) as Record<string, Record<string, unknown>>;
  for (const k of Object.keys(fields).sort()) out[k] = valueToJson(fields[k]!);
  return out;
}

function valueToJson(v: Record<string, unknown>): Json {
  // Only the oneof member actually decoded is an own property; the rest are prototype
  // defaults. protobufjs bundles google.protobuf.Value with camelCase field names.
  const get = (snake: string, camel: string): unknown => {
    for (const k of [snake, camel]) if (Object.prototype.hasOwnProperty.call(v, k) && v[k] !== null && v[k] !== undefined) return v[k];
    return undefined;
  };
  const struct = get('struct_value', 'structValue');
  if (struct !== undefined) return structToJson(struct as Record<string, unknown>);
  const list = get('list_value', 'listValue');
  if (list !== undefined) return ((list as { values?: Record<string, unknown>[] }).values ?? []).map(valueToJson);
  const str = get('string_value', 'stringValue');
  if (str !== undefined) return str as string;
  const num = get('number_value', 'numberValue');
  if (num !== undefined) return num as number;
  const bool = get('bool_value', 'boolValue');
  if (bool !== undefined) return bool as boolean;
  return null;
}
