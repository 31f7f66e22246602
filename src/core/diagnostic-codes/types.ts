import type { Severity } from '../diagnostics.ts';

/** One documented diagnostic code. docs/diagnostics.md is generated from these tables. */
export interface DiagnosticCodeInfo {
  /** `ML` + 4 digits; the first digit is the area (see index.ts). */
  readonly code: string;
  readonly severity: Severity;
  /** Short title, e.g. "Unknown field". */
  readonly title: string;
  /** What it means and how to fix it (Markdown, one paragraph). */
  readonly description: string;
}
