// ML4xxx — Cross-resource checks (hosts, subsets, gateways, conflicts).
import type { DiagnosticCodeInfo } from './types.ts';

export const CROSS_RESOURCE_CODES: readonly DiagnosticCodeInfo[] = [];
