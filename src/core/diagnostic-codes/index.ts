// The one table of diagnostic codes. Each area owns a file and a leading digit:
// ML0xxx ingest, ML1xxx parse, ML2xxx schema, ML3xxx semantic, ML4xxx cross-resource,
// ML5xxx the real-Envoy check.
// Codes are stable: never renumber or reuse one; retire it instead.
import type { Diagnostic, Severity } from '../diagnostics.ts';
import { CROSS_RESOURCE_CODES } from './cross-resource.ts';
import { ENVOY_CODES } from './envoy.ts';
import { INGEST_CODES } from './ingest.ts';
import { PARSE_CODES } from './parse.ts';
import { SCHEMA_CODES } from './schema.ts';
import { SEMANTIC_CODES } from './semantic.ts';
import type { DiagnosticCodeInfo } from './types.ts';

export type { DiagnosticCodeInfo } from './types.ts';

export const DIAGNOSTIC_CODES: readonly DiagnosticCodeInfo[] = [
  ...INGEST_CODES,
  ...PARSE_CODES,
  ...SCHEMA_CODES,
  ...SEMANTIC_CODES,
  ...CROSS_RESOURCE_CODES,
  ...ENVOY_CODES,
];

const BY_CODE = new Map(DIAGNOSTIC_CODES.map((c) => [c.code, c]));

export function codeInfo(code: string): DiagnosticCodeInfo {
  const info = BY_CODE.get(code);
  if (!info) throw new Error(`unregistered diagnostic code ${code}`); // a bug, not user input
  return info;
}

/** Builds a Diagnostic with the registered severity (override only where config says so, e.g. strictHosts). */
export function diagnostic(
  code: string,
  message: string,
  where: Omit<Diagnostic, 'code' | 'severity' | 'message'> = {},
  severity?: Severity,
): Diagnostic {
  return { code, severity: severity ?? codeInfo(code).severity, message, ...where };
}
