// ML3xxx — Per-resource semantic rules (Istio's validation).
import type { DiagnosticCodeInfo } from './types.ts';

export const SEMANTIC_CODES: readonly DiagnosticCodeInfo[] = [];
