// Splits one encoded RouteConfiguration into what VHDS serves: the table without its
// virtual hosts (plus `vhds`, pointing Envoy at ADS for them) and each virtual host as its
// own resource. Done on the protobuf wire bytes, never by decoding into objects: the
// compiler's bytes are copied field by field, so a virtual host served over VHDS carries
// exactly the bytes it has inside the full route table (only its name differs).
import { messageType } from '../envoy/proto-root.ts';
import { lenField, stringField } from './wire.ts';
import { wireFields } from '../snapshot/wire-fields.ts';

/** RouteConfiguration / VirtualHost field numbers (envoy/config/route/v3). */
const RC_NAME = 1;
const RC_VIRTUAL_HOSTS = 2;
const RC_VHDS = 9;
const VH_NAME = 1;
const VH_DOMAINS = 2;

export interface SplitVirtualHost {
  /** `<route table name>/<virtual host name>`: also written as the VirtualHost's own name. */
  readonly name: string;
  readonly domains: readonly string[];
  /** The encoded envoy.config.route.v3.VirtualHost. */
  readonly bytes: Buffer;
}

export interface SplitRouteTable {
  readonly name: string;
  /** The encoded RouteConfiguration with no virtual hosts and `vhds` set. */
  readonly table: Buffer;
  /** Each VirtualHost exactly as compiled (a view into the table's bytes, not renamed yet). */
  readonly hostPayloads: readonly Buffer[];
}

interface Field {
  readonly number: number;
  /** The whole field: tag, (length) and payload. */
  readonly raw: Buffer;
  /** Payload of a length-delimited field, else empty. */
  readonly payload: Buffer;
}

let vhdsField: Buffer | undefined;

/** `vhds { config_source { ads {} resource_api_version: V3 } }`, encoded once. */
function vhdsFieldBytes(): Buffer {
  if (!vhdsField) {
    const type = messageType('envoy.config.route.v3.Vhds');
    const body = type.encode(type.fromObject({ config_source: { ads: {}, resource_api_version: 'V3' } })).finish();
    vhdsField = lenField(RC_VHDS, body);
  }
  return vhdsField;
}

export function splitRouteTable(bytes: Uint8Array): SplitRouteTable {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let name = '';
  const kept: Buffer[] = [];
  const hostPayloads: Buffer[] = [];
  for (const f of fields(buf)) {
    if (f.number === RC_VIRTUAL_HOSTS) hostPayloads.push(f.payload);
    else if (f.number === RC_VHDS) continue; // ours replaces any the compiler wrote
    else {
      if (f.number === RC_NAME) name = f.payload.toString('utf8');
      kept.push(f.raw);
    }
  }
  kept.push(vhdsFieldBytes());
  return { name, table: Buffer.concat(kept), hostPayloads };
}

/** A compiled VirtualHost as VHDS serves it: named `<table>/<own name>`. */
export function renameVirtualHost(table: string, payload: Buffer): SplitVirtualHost {
  let own = '';
  const domains: string[] = [];
  const rest: Buffer[] = [];
  for (const f of fields(payload)) {
    if (f.number === VH_NAME) {
      own = f.payload.toString('utf8');
      continue;
    }
    if (f.number === VH_DOMAINS) domains.push(f.payload.toString('utf8'));
    rest.push(f.raw);
  }
  // Envoy keys VHDS virtual hosts by VirtualHost.name and removes them by resource name,
  // so both must be the same string.
  const name = `${table}/${own}`;
  return { name, domains, bytes: Buffer.concat([stringField(VH_NAME, name), ...rest]) };
}

/** Each top-level field of `buf`, with its raw bytes and payload. */
function* fields(buf: Buffer): Generator<Field> {
  for (const f of wireFields(buf)) {
    yield { number: f.number, raw: buf.subarray(f.start, f.end), payload: f.wire === 2 ? buf.subarray(f.payloadStart, f.end) : EMPTY };
  }
}

const EMPTY: Buffer = Buffer.alloc(0);
