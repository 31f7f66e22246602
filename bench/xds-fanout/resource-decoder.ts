// Decodes xDS resources the way a simulated Envoy needs them: the name, and for clusters
// and listeners the EDS / RDS names they refer to (what Envoy subscribes to next).
// "Distinct" decoding: one worker process stands in for hundreds of Envoys that would each
// decode on their own CPU, so a payload byte-identical to one already decoded (compared
// byte for byte, not trusted by name) reuses that result. Every payload is still checked.
import type protobuf from 'protobufjs';
import { messageType } from '../../src/envoy/proto-root.ts';
import { MESSAGE_NAMES, type XdsType } from '../../src/snapshot/types.ts';
import { readResources } from './wire-read.ts';

/** The xDS types the harness follows: the four classic ones plus VHDS's VirtualHost. */
export type HarnessType = XdsType | 'vhds';
export const HARNESS_TYPES = ['cds', 'eds', 'lds', 'rds', 'vhds'] as const satisfies readonly HarnessType[];
export const VIRTUAL_HOST_URL = 'type.googleapis.com/envoy.config.route.v3.VirtualHost';

export interface Decoded {
  readonly name: string;
  /** CDS: the EDS service names; LDS: the RDS route names; RDS: ['vhds'] when the table uses VHDS. */
  readonly refs: readonly string[];
}

const HCM = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

type Msg = Record<string, unknown>;

export class ResourceDecoder {
  readonly #types: Record<HarnessType, protobuf.Type>;
  readonly #hcm: protobuf.Type;
  /** Per type, keyed by the resource's slot (position in SotW, name in Delta). */
  readonly #cache: Record<HarnessType, Map<string, { bytes: Uint8Array; decoded: Decoded }>> = {
    cds: new Map(),
    eds: new Map(),
    lds: new Map(),
    rds: new Map(),
    vhds: new Map(),
  };
  /** Per type, the last response region decoded whole, compared whole before reuse. */
  readonly #lastRegion: Partial<Record<HarnessType, { region: Uint8Array; delta: boolean; decoded: readonly Decoded[] }>> = {};
  /** Sorted, de-duplicated refs of a decoded list, computed once per list. */
  readonly #refNames = new WeakMap<readonly Decoded[], readonly string[]>();
  decodedCount = 0;

  constructor() {
    this.#types = {
      cds: messageType(MESSAGE_NAMES.cds),
      eds: messageType(MESSAGE_NAMES.eds),
      lds: messageType(MESSAGE_NAMES.lds),
      rds: messageType(MESSAGE_NAMES.rds),
      vhds: messageType('envoy.config.route.v3.VirtualHost'),
    };
    this.#hcm = messageType(HCM);
  }

  /**
   * Every resource of a response region. A region byte-identical to the previous one of the
   * type (one memcmp) reuses its result; otherwise each resource goes through `decode`.
   */
  decodeRegion(type: HarnessType, region: Uint8Array, delta: boolean): readonly Decoded[] {
    const last = this.#lastRegion[type];
    if (last && last.delta === delta && Buffer.compare(last.region, region) === 0) return last.decoded;
    const decoded = readResources(region, delta).flatMap((res, i) => {
      // VHDS "not found" answers to on-demand names carry no payload.
      if (!res.any && type === 'vhds') return [];
      if (!res.any) throw new Error(`${type} resource without payload`);
      return this.decode(type, delta ? res.name : String(i), res.any.value);
    });
    this.#lastRegion[type] = { region, delta, decoded };
    return decoded;
  }

  /** The refs (EDS or RDS names) of a decoded list, sorted and unique; shared per list. */
  refNames(list: readonly Decoded[]): readonly string[] {
    let names = this.#refNames.get(list);
    if (!names) {
      names = [...new Set(list.flatMap((d) => d.refs))].sort();
      this.#refNames.set(list, names);
    }
    return names;
  }

  decode(type: HarnessType, slot: string, bytes: Uint8Array): Decoded {
    const cache = this.#cache[type];
    const hit = cache.get(slot);
    if (hit && Buffer.compare(hit.bytes, bytes) === 0) return hit.decoded;
    const decoded = this.#decodeFresh(type, bytes);
    this.decodedCount++;
    cache.set(slot, { bytes, decoded });
    return decoded;
  }

  #decodeFresh(type: HarnessType, bytes: Uint8Array): Decoded {
    const m = this.#types[type].decode(bytes) as unknown as Msg;
    if (type === 'eds') return { name: String(m.cluster_name ?? ''), refs: [] };
    if (type === 'rds') return { name: String(m.name ?? ''), refs: m.vhds ? ['vhds'] : [] };
    if (type === 'vhds') return { name: String(m.name ?? ''), refs: [] };
    if (type === 'cds') {
      const name = String(m.name ?? '');
      // Cluster.DiscoveryType EDS = 3.
      if (m.type !== 3) return { name, refs: [] };
      const eds = m.eds_cluster_config as Msg | undefined;
      const service = eds && typeof eds.service_name === 'string' && eds.service_name !== '' ? eds.service_name : name;
      return { name, refs: [service] };
    }
    return { name: String(m.name ?? ''), refs: this.#routeNames(m) };
  }

  /** RDS names used by a listener's HTTP connection managers (filter chains or API listener). */
  #routeNames(listener: Msg): string[] {
    const anys: Msg[] = [];
    for (const chain of (listener.filter_chains as Msg[] | undefined) ?? []) {
      for (const f of (chain.filters as Msg[] | undefined) ?? []) if (f.typed_config) anys.push(f.typed_config as Msg);
    }
    const api = (listener.api_listener as Msg | undefined)?.api_listener as Msg | undefined;
    if (api) anys.push(api);
    const names: string[] = [];
    for (const any of anys) {
      if (!String(any.type_url).endsWith(HCM)) continue;
      const hcm = this.#hcm.decode(any.value as Uint8Array) as unknown as Msg;
      const rds = hcm.rds as Msg | undefined;
      if (rds && typeof rds.route_config_name === 'string') names.push(rds.route_config_name);
    }
    return names;
  }
}
