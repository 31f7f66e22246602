// ML2xxx — Resource schemas.
import type { DiagnosticCodeInfo } from './types.ts';

export const SCHEMA_CODES: readonly DiagnosticCodeInfo[] = [];
