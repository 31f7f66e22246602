// A real gRPC ADS client for tests: requests encoded with protobufjs, responses kept as
// raw bytes (so tests can compare bytes across servers) and decoded on demand.
import * as grpc from '@grpc/grpc-js';
import { messageType } from '../../../src/envoy/proto-root.ts';
import { TYPE_URLS, MESSAGE_NAMES, type XdsType } from '../../../src/snapshot/types.ts';

const SERVICE = '/envoy.service.discovery.v3.AggregatedDiscoveryService';

export interface DecodedResponse {
  readonly raw: Buffer;
  readonly version: string;
  readonly nonce: string;
  readonly typeUrl: string;
  readonly type: XdsType | undefined;
  /** SotW: resource names in order; Delta: updated resource names. */
  readonly names: string[];
  /** Delta: resource name → version. */
  readonly versions: Record<string, string>;
  readonly removed: string[];
}

export interface NodeSpec {
  id?: string;
  cluster?: string;
  namespace?: string;
  labels?: Record<string, string>;
}

function nodeMessage(n: NodeSpec): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (n.namespace) fields['NAMESPACE'] = { stringValue: n.namespace };
  if (n.labels) {
    fields['LABELS'] = {
      // protobufjs' bundled Struct/Value use camelCase names (see src/serve/codec.ts).
      structValue: { fields: Object.fromEntries(Object.entries(n.labels).map(([k, v]) => [k, { stringValue: v }])) },
    };
  }
  return { id: n.id ?? 'proxy-1', cluster: n.cluster ?? 'test', metadata: { fields } };
}

const typeOf = (url: string): XdsType | undefined =>
  (Object.entries(TYPE_URLS).find(([, u]) => u === url)?.[0] as XdsType | undefined) ?? undefined;

export class AdsTestClient {
  readonly mode: 'sotw' | 'delta';
  readonly #client: grpc.Client;
  readonly #call: grpc.ClientDuplexStream<Buffer, Buffer>;
  readonly #queue: DecodedResponse[] = [];
  #waiter: (() => void) | undefined;
  status: grpc.StatusObject | undefined;
  error: Error | undefined;

  constructor(port: number, mode: 'sotw' | 'delta') {
    this.mode = mode;
    this.#client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    const method = mode === 'sotw' ? 'StreamAggregatedResources' : 'DeltaAggregatedResources';
    this.#call = this.#client.makeBidiStreamRequest(
      `${SERVICE}/${method}`,
      (b: Buffer) => b,
      (b: Buffer) => b,
    );
    this.#call.on('data', (raw: Buffer) => {
      this.#queue.push(this.#decode(raw));
      this.#waiter?.();
    });
    this.#call.on('status', (s) => {
      this.status = s;
      this.#waiter?.();
    });
    this.#call.on('error', (e) => {
      this.error = e;
      this.#waiter?.();
    });
  }

  #decode(raw: Buffer): DecodedResponse {
    if (this.mode === 'sotw') {
      const m = messageType('envoy.service.discovery.v3.DiscoveryResponse').decode(raw) as unknown as {
        version_info: string; nonce: string; type_url: string; resources: { type_url: string; value: Uint8Array }[];
      };
      const type = typeOf(m.type_url);
      const names = m.resources.map((a) => {
        const inner = messageType(MESSAGE_NAMES[typeOf(a.type_url)!]).decode(a.value) as unknown as { name?: string; cluster_name?: string };
        return inner.name || inner.cluster_name || '';
      });
      return { raw, version: m.version_info, nonce: m.nonce, typeUrl: m.type_url, type, names, versions: {}, removed: [] };
    }
    const m = messageType('envoy.service.discovery.v3.DeltaDiscoveryResponse').decode(raw) as unknown as {
      system_version_info: string; nonce: string; type_url: string; removed_resources: string[];
      resources: { name: string; version: string; resource: { type_url: string; value: Uint8Array } }[];
    };
    const versions: Record<string, string> = {};
    for (const r of m.resources) versions[r.name] = r.version;
    return {
      raw, version: m.system_version_info, nonce: m.nonce, typeUrl: m.type_url, type: typeOf(m.type_url),
      names: m.resources.map((r) => r.name), versions, removed: [...m.removed_resources],
    };
  }

  /** SotW request. */
  request(type: XdsType, opts: { names?: string[]; version?: string; nonce?: string; error?: string; node?: NodeSpec } = {}): void {
    const t = messageType('envoy.service.discovery.v3.DiscoveryRequest');
    const msg = t.fromObject({
      version_info: opts.version ?? '',
      node: opts.node ? nodeMessage(opts.node) : undefined,
      resource_names: opts.names ?? [],
      type_url: TYPE_URLS[type],
      response_nonce: opts.nonce ?? '',
      error_detail: opts.error ? { code: 3, message: opts.error } : undefined,
    });
    this.#call.write(Buffer.from(t.encode(msg).finish()));
  }

  /** SotW ACK of a response (same names as given). */
  ack(r: DecodedResponse, names?: string[]): void {
    this.request(r.type!, { version: r.version, nonce: r.nonce, ...(names ? { names } : {}) });
  }

  /** Delta request. */
  delta(
    type: XdsType,
    opts: { subscribe?: string[]; unsubscribe?: string[]; initial?: Record<string, string>; nonce?: string; error?: string; node?: NodeSpec } = {},
  ): void {
    const t = messageType('envoy.service.discovery.v3.DeltaDiscoveryRequest');
    const msg = t.fromObject({
      node: opts.node ? nodeMessage(opts.node) : undefined,
      type_url: TYPE_URLS[type],
      resource_names_subscribe: opts.subscribe ?? [],
      resource_names_unsubscribe: opts.unsubscribe ?? [],
      initial_resource_versions: opts.initial ?? {},
      response_nonce: opts.nonce ?? '',
      error_detail: opts.error ? { code: 3, message: opts.error } : undefined,
    });
    this.#call.write(Buffer.from(t.encode(msg).finish()));
  }

  /** The next response, failing after `timeoutMs`. */
  async next(timeoutMs = 3000): Promise<DecodedResponse> {
    const deadline = Date.now() + timeoutMs;
    while (this.#queue.length === 0) {
      if (this.status || this.error) throw new Error(`stream ended: ${this.error?.message ?? this.status?.details}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.#waiter = undefined;
    }
    return this.#queue.shift()!;
  }

  /** Asserts nothing arrives within `ms` (used to prove a NACKed version is not resent). */
  async expectSilence(ms = 300): Promise<void> {
    await new Promise((r) => setTimeout(r, ms));
    if (this.#queue.length > 0) throw new Error(`unexpected response: ${this.#queue[0]!.type} ${this.#queue[0]!.version}`);
  }

  /** Waits for the stream's final status. */
  async ended(timeoutMs = 3000): Promise<grpc.StatusObject> {
    const deadline = Date.now() + timeoutMs;
    while (!this.status) {
      if (Date.now() > deadline) throw new Error('stream did not end');
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.status;
  }

  close(): void {
    this.#call.cancel();
    this.#client.close();
  }
}
