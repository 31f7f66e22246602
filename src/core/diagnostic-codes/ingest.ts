// ML0xxx — Reading the repository (symlinks, submodules, paths).
import type { DiagnosticCodeInfo } from './types.ts';

export const INGEST_CODES: readonly DiagnosticCodeInfo[] = [];
