// A resource stored as parts that other resources share. A route table lists one virtual
// host per service, and a sidecar view per namespace repeats nearly every one of another
// view's (only its own namespace's services add their short names: sidecar-plan.ts). Stored
// whole, each view's table was a copy of megabytes: at 10,000 services in 50 namespaces, a
// 635 MB snapshot and a compile over 1 GB. Stored as parts, each virtual host's bytes are kept
// once, and a table is a list of them.
//
// `bytes` joins the parts on every read, into a buffer of its own: whoever reads it (serve,
// when it first frames the resource for a proxy; a dump) keeps it as long as they need it.
// The hash is the resource hash of the joined bytes (hash.ts), computed without joining them:
// a route table's from its parts' digests, each part hashed once.
import { fieldDigests, hashChunks, routeTableHash } from './hash.ts';
import type { EncodedResource, XdsType } from './types.ts';

export class ComposedResource implements EncodedResource {
  readonly type: XdsType;
  readonly name: string;
  /** The bytes, in order: joined, they are the serialized Envoy message. */
  readonly parts: readonly Uint8Array[];
  readonly byteLength: number;
  readonly hash: string;

  /** `hash`: the resource hash when already known (a snapshot received whole); computed otherwise. */
  constructor(type: XdsType, name: string, parts: readonly Uint8Array[], hash?: string) {
    this.type = type;
    this.name = name;
    this.parts = parts;
    let n = 0;
    for (let i = 0; i < parts.length; i++) n += parts[i]!.length;
    this.byteLength = n;
    this.hash = hash ?? composedHash(type, name, parts);
  }

  get bytes(): Uint8Array {
    const out = Buffer.allocUnsafe(this.byteLength);
    let at = 0;
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.parts[i]!;
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/** The parts of `r` if it is stored as parts, else undefined. */
export function partsOf(r: EncodedResource): readonly Uint8Array[] | undefined {
  return r instanceof ComposedResource ? r.parts : undefined;
}

/** How many bytes `r` has, without joining a composed resource's parts. */
export function byteLengthOf(r: EncodedResource): number {
  return r instanceof ComposedResource ? r.byteLength : r.bytes.length;
}

/**
 * resourceHash's definition (hash.ts) over the parts joined, without joining them. A route
 * table is hashed field by field, and its parts are whole fields (a virtual host each, the
 * name, the trailing settings): each part's digests are computed once (`DIGESTS`), however
 * many tables list it. Other types are hashed as their bytes, part after part.
 */
function composedHash(type: XdsType, name: string, parts: readonly Uint8Array[]): string {
  if (type !== 'rds') return hashChunks(`${type}\n${name}\n`, parts);
  const digests = new Array<Uint8Array>(parts.length);
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    let d = DIGESTS.get(part);
    if (d === undefined) DIGESTS.set(part, (d = fieldDigests(part)));
    digests[i] = d;
  }
  return routeTableHash(name, digests);
}

/** Each route table part's field digests, while the part lives. */
const DIGESTS = new WeakMap<Uint8Array, Uint8Array>();
