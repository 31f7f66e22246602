// One simulated Envoy on one ADS stream, following Envoy's start-up order: CDS (wildcard),
// EDS for the clusters it got, LDS (wildcard), RDS for the route names in the listeners.
// It ACKs every response, re-subscribes when the names it needs change, never NACKs.
// With VHDS (Delta only), it opts in through node metadata and, like Envoy 1.40, opens the
// VirtualHost subscription (empty: the wildcard) once it holds a route table with `vhds`.
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { messageType } from '../../src/envoy/proto-root.ts';
import { TYPE_URLS, xdsTypeOfUrl, type XdsType } from '../../src/snapshot/types.ts';
import { VIRTUAL_HOST_URL, type HarnessType, type ResourceDecoder } from './resource-decoder.ts';
import { readResponse, type ResponseView } from './wire-read.ts';

export type Mode = 'sotw' | 'delta';

export interface StreamEvents {
  received(stream: number, type: HarnessType, bytes: number, resources: number): void;
  acked(stream: number, type: HarnessType): void;
  failed(stream: number, error: Error): void;
}

const METHOD = {
  sotw: '/envoy.service.discovery.v3.AggregatedDiscoveryService/StreamAggregatedResources',
  delta: '/envoy.service.discovery.v3.AggregatedDiscoveryService/DeltaAggregatedResources',
} as const;

let sotwRequest: protobuf.Type | undefined;
let deltaRequest: protobuf.Type | undefined;

function requestType(mode: Mode): protobuf.Type {
  if (mode === 'sotw') return (sotwRequest ??= messageType('envoy.service.discovery.v3.DiscoveryRequest'));
  return (deltaRequest ??= messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest'));
}

const passThrough = (b: Buffer): Buffer => b;

/**
 * DiscoveryRequest.resource_names (field 3) encoded once per names array: every SotW ACK of
 * EDS repeats thousands of names, and streams of one worker share the same arrays.
 */
const encodedNames = new WeakMap<readonly string[], Buffer>();
function resourceNamesField(names: readonly string[]): Buffer {
  let b = encodedNames.get(names);
  if (!b) {
    const parts: Buffer[] = [];
    for (const n of names) {
      const s = Buffer.from(n, 'utf8');
      const len: number[] = [];
      for (let v = s.length; ; v >>>= 7) {
        if (v < 0x80) {
          len.push(v);
          break;
        }
        len.push((v & 0x7f) | 0x80);
      }
      parts.push(Buffer.from([(3 << 3) | 2, ...len]), s);
    }
    b = Buffer.concat(parts);
    encodedNames.set(names, b);
  }
  return b;
}

export class SimulatedEnvoy {
  readonly #index: number;
  readonly #mode: Mode;
  readonly #decoder: ResourceDecoder;
  readonly #events: StreamEvents;
  readonly #call: grpc.ClientDuplexStream<Buffer, Buffer>;
  #node: object | undefined;
  #closed = false;
  readonly #subs: Record<XdsType, readonly string[]> = { cds: [], eds: [], lds: [], rds: [] };
  /** Delta, CDS and LDS: resource name → the EDS or RDS names it needs. */
  readonly #refs: { cds: Map<string, readonly string[]>; lds: Map<string, readonly string[]> } = { cds: new Map(), lds: new Map() };
  readonly #version: Partial<Record<HarnessType, string>> = {};
  readonly #nonce: Partial<Record<HarnessType, string>> = {};
  #ldsStarted = false;
  readonly #vhds: boolean;
  #vhdsStarted = false;

  constructor(client: grpc.Client, index: number, mode: Mode, decoder: ResourceDecoder, events: StreamEvents, vhds = false) {
    this.#index = index;
    this.#mode = mode;
    this.#decoder = decoder;
    this.#events = events;
    this.#vhds = vhds && mode === 'delta';
    const fields: Record<string, object> = { NAMESPACE: { stringValue: 'default' } };
    if (this.#vhds) fields['meshlog.dev/vhds'] = { stringValue: 'true' };
    this.#node = { id: `node-${index}`, cluster: 'bench', metadata: { fields } };
    this.#call = client.makeBidiStreamRequest(METHOD[mode], passThrough, passThrough);
    this.#call.on('data', (buf: Buffer) => this.#onResponse(buf));
    this.#call.on('error', (err: Error) => {
      if (!this.#closed) events.failed(index, err);
    });
    this.#call.on('end', () => {
      if (!this.#closed) events.failed(index, new Error('server ended the stream'));
    });
  }

  start(): void {
    this.#subscribe('cds', []);
  }

  close(): void {
    this.#closed = true;
    this.#call.cancel();
  }

  #onResponse(buf: Buffer): void {
    try {
      const r = readResponse(buf, this.#mode === 'delta');
      const type: HarnessType | undefined = r.typeUrl === VIRTUAL_HOST_URL && this.#vhds ? 'vhds' : xdsTypeOfUrl(r.typeUrl);
      if (!type) throw new Error(`unexpected type ${r.typeUrl}`);
      this.#events.received(this.#index, type, buf.length, r.count);
      this.#handle(type, r);
      this.#events.acked(this.#index, type);
    } catch (err) {
      this.#events.failed(this.#index, err as Error);
      this.close();
    }
  }

  #handle(type: HarnessType, r: ResponseView): void {
    const delta = this.#mode === 'delta';
    const decoded = this.#decoder.decodeRegion(type, r.region, delta);
    this.#version[type] = r.versionInfo;
    this.#nonce[type] = r.nonce;
    if (type === 'vhds') {
      this.#send({ type_url: VIRTUAL_HOST_URL, response_nonce: r.nonce });
      return;
    }
    this.#ack(type);
    if (type === 'rds' && this.#vhds && !this.#vhdsStarted && decoded.some((d) => d.refs.length > 0)) {
      this.#vhdsStarted = true;
      this.#send({ type_url: VIRTUAL_HOST_URL });
    }
    if (type !== 'cds' && type !== 'lds') {
      if (type === 'eds') this.#startLds();
      return;
    }
    // What the clusters / listeners refer to: SotW carries the full set (so the names are
    // those of this response, shared by every stream that got the same bytes); Delta
    // applies additions and removals to what the stream holds.
    let names: readonly string[];
    if (delta) {
      const map = this.#refs[type];
      for (const name of r.removed) map.delete(name);
      for (const d of decoded) map.set(d.name, d.refs);
      names = [...new Set([...map.values()].flat())].sort();
    } else {
      names = this.#decoder.refNames(decoded);
    }
    const next = type === 'cds' ? 'eds' : 'rds';
    const old = this.#subs[next];
    if (names.length !== old.length || names.some((n, i) => n !== old[i])) this.#subscribe(next, names);
    if (type === 'cds' && this.#subs.eds.length === 0) this.#startLds();
  }

  #startLds(): void {
    if (this.#ldsStarted) return;
    this.#ldsStarted = true;
    this.#subscribe('lds', []);
  }

  #subscribe(type: XdsType, names: readonly string[]): void {
    if (this.#mode === 'sotw') {
      this.#subs[type] = names;
      this.#sendSotw(type);
      return;
    }
    const old = new Set(this.#subs[type]);
    const now = new Set(names);
    this.#subs[type] = names;
    this.#send({
      type_url: TYPE_URLS[type],
      resource_names_subscribe: names.filter((n) => !old.has(n)),
      resource_names_unsubscribe: [...old].filter((n) => !now.has(n)),
    });
  }

  #ack(type: XdsType): void {
    if (this.#mode === 'sotw') {
      this.#sendSotw(type);
    } else {
      this.#send({ type_url: TYPE_URLS[type], response_nonce: this.#nonce[type] ?? '' });
    }
  }

  /** A SotW request: ACK (or first request) of `type` naming the resources still wanted. */
  #sendSotw(type: XdsType): void {
    // Protobuf fields may come in any order: the pre-encoded names are appended.
    this.#send({ type_url: TYPE_URLS[type], version_info: this.#version[type] ?? '', response_nonce: this.#nonce[type] ?? '' }, resourceNamesField(this.#subs[type]));
  }

  #send(fields: Record<string, unknown>, tail?: Buffer): void {
    if (this.#closed) return;
    const type = requestType(this.#mode);
    // The node goes on the first request only, as Envoy does by default.
    const message = this.#node ? { ...fields, node: this.#node } : fields;
    this.#node = undefined;
    const head = type.encode(type.fromObject(message)).finish();
    this.#call.write(tail && tail.length > 0 ? Buffer.concat([head, tail]) : Buffer.from(head));
  }
}
