// What every cross-resource check reads. Checks only report; they never change inputs.
import type { Diagnostic } from '../../../core/diagnostics.ts';
import type { LoadedResources } from '../../parse/load-resources.ts';
import type { DroppedIndex } from './dropped.ts';
import type { DrIndex } from '../from-destination-rule.ts';
import type { GatewayInfo } from '../from-gateway.ts';
import type { GatewayGroup } from '../gateway-groups.ts';
import type { Registry } from '../registry.ts';
import type { FrontSettings } from '../settings.ts';

export interface CheckContext {
  readonly settings: FrontSettings;
  readonly resources: LoadedResources;
  readonly registry: Registry;
  readonly drs: DrIndex;
  readonly gateways: ReadonlyMap<string, GatewayInfo>;
  /** Gateways by view: those with the very same selector share one (gateway-groups.ts). */
  readonly gatewayGroups: readonly GatewayGroup[];
  readonly diagnostics: Diagnostic[];
  /** Present only when the loader left resources out for errors (see dropped.ts). */
  readonly dropped?: DroppedIndex | undefined;
}
