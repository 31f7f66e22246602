// MeshConfig → what the translator needs: the IR's mesh-wide settings plus the defaults a
// route gets when its rule says nothing (timeout, retries).
import type { IrRetry, IrSettings } from '../ir/types.ts';
import { DEFAULT_MESH_CONFIG, durationToWholeMs, type MeshConfigSpec } from '../schema/index.ts';
import { toRetry } from './route-parts.ts';

export interface FrontSettings {
  readonly ir: IrSettings;
  readonly strictHosts: boolean;
  /** Route timeout when a rule sets none: 0 = none, as in Istio. */
  readonly defaultTimeoutMs: number;
  /** Retry policy when a rule sets no `retries` (Istio's default unless MeshConfig overrides). */
  readonly defaultRetry: IrRetry | undefined;
  /**
   * The same for a host's default route (no VirtualService): Istio builds it with the
   * previous_hosts predicate even when the host's DestinationRule hashes consistently.
   */
  readonly defaultRouteRetry: IrRetry | undefined;
  /** CA bundle on the proxy that TLS origination verifies servers against when a rule names none; '' = do not. */
  readonly defaultCaFile: string;
}

export function settingsFrom(spec: MeshConfigSpec | undefined): FrontSettings {
  const mc = spec ?? DEFAULT_MESH_CONFIG;
  const d = mc.defaults;
  const defaultRetry = toRetry(d.retries);
  return {
    ir: {
      clusterDomain: mc.clusterDomain,
      trustDomain: mc.trustDomain,
      connectTimeoutMs: durationToWholeMs(d.connectTimeout) ?? 10_000,
      bindAddress: mc.listeners.bindAddress,
      defaultNamespace: mc.defaultNamespace,
    },
    strictHosts: mc.strictHosts,
    defaultTimeoutMs: d.timeout === undefined ? 0 : (durationToWholeMs(d.timeout) ?? 0),
    defaultRetry,
    defaultRouteRetry: defaultRetry && { ...defaultRetry, previousHosts: true },
    defaultCaFile: d.caCertificates,
  };
}
