// ML1xxx — YAML and document structure.
import type { DiagnosticCodeInfo } from './types.ts';

export const PARSE_CODES: readonly DiagnosticCodeInfo[] = [];
