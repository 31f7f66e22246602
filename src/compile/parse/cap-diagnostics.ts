// Keeps one run's output readable and small: a broken or hostile repository (200,000 tiny
// documents, say) must not produce 50,000 near-identical lines. At most `max` diagnostics of
// each code are kept, in the order found; each code that had more ends with one summary
// diagnostic of the same code and severity that says how many were left out.
import type { Diagnostic } from '../../core/diagnostics.ts';

export const MAX_PER_CODE = 100;

export function capPerCode(diagnostics: readonly Diagnostic[], max: number = MAX_PER_CODE): Diagnostic[] {
  const counts = new Map<string, number>();
  const last = new Map<string, Diagnostic>();
  const kept: Diagnostic[] = [];
  for (const d of diagnostics) {
    const n = (counts.get(d.code) ?? 0) + 1;
    counts.set(d.code, n);
    if (n <= max) {
      kept.push(d);
      last.set(d.code, d);
    }
  }
  for (const [code, n] of counts) {
    if (n <= max) continue;
    const shown = last.get(code)!;
    // Placed at the last shown one, so sorted output keeps it next to its kind.
    const where = shown.file === undefined ? {} : { file: shown.file, ...(shown.line === undefined ? {} : { line: shown.line, column: shown.column ?? 1 }) };
    kept.push({ code, severity: shown.severity, message: `${n - max} more ${code} diagnostics are not shown (only the first ${max}); fix those first`, ...where });
  }
  return kept;
}

/**
 * The loader's diagnostics in report order: repository-wide ones (no file, e.g. ML1007 "too
 * many documents") first, since they explain everything after them. The per-code cap is
 * applied once per run, by compile(), over every stage's diagnostics.
 */
export function repositoryWideFirst(diagnostics: Diagnostic[]): Diagnostic[] {
  if (!diagnostics.some((d) => d.file === undefined)) return diagnostics;
  return [...diagnostics.filter((d) => d.file === undefined), ...diagnostics.filter((d) => d.file !== undefined)];
}
