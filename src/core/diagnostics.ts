// Diagnostics are how every user-facing problem with config is reported: collected as
// data, never thrown, so one run reports everything it found. The codes are stable
// (documented in docs/diagnostics.md) and are what scripts and the API match on.

export type Severity = 'error' | 'warning' | 'info';

/** Identity of a Kubernetes-style resource. */
export interface ResourceRef {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
}

/** A place in a source file (1-based line and column). */
export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

export interface Diagnostic {
  /** Stable code, e.g. `ML1001`. See src/compile/diagnostic-codes.ts. */
  readonly code: string;
  readonly severity: Severity;
  readonly message: string;
  /** Path of the file relative to the repository root, with `/` separators. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** Path of the field inside the document, e.g. `spec.http[0].route[1].weight`. */
  readonly field?: string;
  /** The resource the diagnostic concerns, when there is one. */
  readonly resource?: ResourceRef;
  /** For conflicts: the other resource involved and where it is. */
  readonly related?: ReadonlyArray<{ readonly resource?: ResourceRef } & Partial<SourceLocation>>;
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Deterministic order: file, line, column, code, message. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort(
    (a, b) =>
      (a.file ?? '').localeCompare(b.file ?? '') ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] ||
      a.code.localeCompare(b.code) ||
      a.message.localeCompare(b.message),
  );
}

/** `file:line:col: severity CODE message (field)` — the one-line human form. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.file ? `${d.file}${d.line ? `:${d.line}:${d.column ?? 1}` : ''}: ` : '';
  const field = d.field ? ` [${d.field}]` : '';
  return `${where}${d.severity} ${d.code}: ${d.message}${field}`;
}
