// One simulated Envoy on one ADS stream, following Envoy's start-up order: CDS (wildcard),
// EDS for the clusters it got, LDS (wildcard), RDS for the route names in the listeners.
// It ACKs every response, re-subscribes when the names it needs change, never NACKs.
import type * as grpc from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { messageType } from '../../src/envoy/proto-root.ts';
import { TYPE_URLS, xdsTypeOfUrl, type XdsType } from '../../src/snapshot/types.ts';
import type { ResourceDecoder } from './resource-decoder.ts';
import { readResponse, type ResponseView } from './wire-read.ts';

export type Mode = 'sotw' | 'delta';

export interface StreamEvents {
  received(stream: number, type: XdsType, bytes: number, resources: number): void;
  acked(stream: number, type: XdsType): void;
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

export class SimulatedEnvoy {
  readonly #index: number;
  readonly #mode: Mode;
  readonly #decoder: ResourceDecoder;
  readonly #events: StreamEvents;
  readonly #call: grpc.ClientDuplexStream<Buffer, Buffer>;
  #node: object | undefined;
  #closed = false;
  readonly #subs: Record<XdsType, string[]> = { cds: [], eds: [], lds: [], rds: [] };
  /** CDS and LDS: resource name → the EDS or RDS names it needs. */
  readonly #refs: { cds: Map<string, readonly string[]>; lds: Map<string, readonly string[]> } = { cds: new Map(), lds: new Map() };
  readonly #version: Partial<Record<XdsType, string>> = {};
  readonly #nonce: Partial<Record<XdsType, string>> = {};
  #ldsStarted = false;

  constructor(client: grpc.Client, index: number, mode: Mode, decoder: ResourceDecoder, events: StreamEvents) {
    this.#index = index;
    this.#mode = mode;
    this.#decoder = decoder;
    this.#events = events;
    this.#node = { id: `node-${index}`, cluster: 'bench', metadata: { fields: { NAMESPACE: { stringValue: 'default' } } } };
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
      const type = xdsTypeOfUrl(r.typeUrl);
      if (!type) throw new Error(`unexpected type ${r.typeUrl}`);
      this.#events.received(this.#index, type, buf.length, r.resources.length);
      this.#handle(type, r);
      this.#events.acked(this.#index, type);
    } catch (err) {
      this.#events.failed(this.#index, err as Error);
      this.close();
    }
  }

  #handle(type: XdsType, r: ResponseView): void {
    const refs = type === 'cds' || type === 'lds' ? this.#followed(type, r) : undefined;
    r.resources.forEach((res, i) => {
      if (!res.any) throw new Error(`${type} resource without payload`);
      const decoded = this.#decoder.decode(type, this.#mode === 'delta' ? res.name : String(i), res.any.value);
      refs?.set(decoded.name, decoded.refs);
    });
    this.#version[type] = r.versionInfo;
    this.#nonce[type] = r.nonce;
    this.#ack(type);
    if (type === 'cds') {
      this.#resubscribe('eds', this.#refs.cds);
      if (this.#subs.eds.length === 0) this.#startLds();
    } else if (type === 'eds') {
      this.#startLds();
    } else if (type === 'lds') {
      this.#resubscribe('rds', this.#refs.lds);
    }
  }

  /** SotW carries the full set, so the map starts over; Delta applies additions and removals. */
  #followed(type: 'cds' | 'lds', r: ResponseView): Map<string, readonly string[]> {
    if (this.#mode === 'sotw') this.#refs[type] = new Map();
    const map = this.#refs[type];
    for (const name of r.removed) map.delete(name);
    return map;
  }

  #startLds(): void {
    if (this.#ldsStarted) return;
    this.#ldsStarted = true;
    this.#subscribe('lds', []);
  }

  #resubscribe(type: XdsType, from: Map<string, readonly string[]>): void {
    const names = [...new Set([...from.values()].flat())].sort();
    const old = this.#subs[type];
    if (names.length === old.length && names.every((n, i) => n === old[i])) return;
    this.#subscribe(type, names);
  }

  #subscribe(type: XdsType, names: string[]): void {
    if (this.#mode === 'sotw') {
      this.#subs[type] = names;
      this.#send({ type_url: TYPE_URLS[type], version_info: this.#version[type] ?? '', response_nonce: this.#nonce[type] ?? '', resource_names: names });
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
      this.#send({ type_url: TYPE_URLS[type], version_info: this.#version[type] ?? '', response_nonce: this.#nonce[type] ?? '', resource_names: this.#subs[type] });
    } else {
      this.#send({ type_url: TYPE_URLS[type], response_nonce: this.#nonce[type] ?? '' });
    }
  }

  #send(fields: Record<string, unknown>): void {
    if (this.#closed) return;
    const type = requestType(this.#mode);
    // The node goes on the first request only, as Envoy does by default.
    const message = this.#node ? { ...fields, node: this.#node } : fields;
    this.#node = undefined;
    this.#call.write(Buffer.from(type.encode(type.fromObject(message)).finish()));
  }
}
