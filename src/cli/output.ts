// Output helpers shared by every command: `-o table|json|yaml|markdown` selection, a
// kubectl-style table, JSON/YAML rendering, and the diagnostics printer.
import { fastYaml } from './fast-yaml-out.ts';
import { stringify as yamlStringify } from 'yaml';
import { formatDiagnostic, type Diagnostic } from '../core/diagnostics.ts';

export const OUTPUT_FORMATS = ['table', 'json', 'yaml', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export type FormatChoice = { readonly ok: true; readonly format: OutputFormat } | { readonly ok: false; readonly message: string };

/** Checks `-o VALUE` against the formats a command supports; `undefined` picks the default. */
export function chooseFormat(value: string | undefined, allowed: readonly OutputFormat[], fallback: OutputFormat): FormatChoice {
  if (value === undefined) return { ok: true, format: fallback };
  const found = allowed.find((f) => f === value);
  if (found) return { ok: true, format: found };
  return { ok: false, message: `unsupported output format "${value}" (choose one of: ${allowed.join(', ')})` };
}

/** Upper-case headers, columns padded and separated by three spaces, as kubectl prints. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [headers.map((h) => h.toUpperCase()), ...rows];
  const widths = headers.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  return all
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('   ')
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join('');
}

export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

// lineWidth 0: never fold long strings (regexes, messages) across lines. version 1.1: strings
// that YAML 1.1 reads as booleans (`yes`, `no`, `on`, `off`, `y`, `n`, in any of their cases)
// are quoted. Envoy reads its bootstrap YAML with yaml-cpp, which takes an unquoted `yes` as
// true (and then refuses it for a string field: a header value, a domain); so do PyYAML and
// other YAML 1.1 readers. Strings YAML 1.1 alone reads as numbers or times (`1_000`, `1:30`)
// are quoted too. YAML 1.2 readers read every quoted string as the same string.
const YAML_OPTIONS = { lineWidth: 0, aliasDuplicateObjects: false, version: '1.1' } as const;

/** `value` as YAML: written directly where fast-yaml-out.ts can, else by the `yaml` package (the same text either way). */
export function renderYaml(value: unknown): string {
  return fastYaml(value, (scalar) => yamlStringify(scalar, YAML_OPTIONS).replace(/\n$/, '')) ?? yamlStringify(value, YAML_OPTIONS);
}

/** The `yaml` package's text for `value`, which renderYaml must equal (its tests compare them). */
export function renderYamlByPackage(value: unknown): string {
  return yamlStringify(value, YAML_OPTIONS);
}

/**
 * A diagnostic as JSON, keys in a fixed order. Every key of the documented shape is always
 * there (null when not applicable), so scripts can read `d.line` without checking for it;
 * `related` only when the diagnostic names other places.
 */
export function diagnosticJson(d: Diagnostic): Record<string, unknown> {
  const out: Record<string, unknown> = {
    code: d.code,
    severity: d.severity,
    message: d.message,
    file: d.file ?? null,
    line: d.line ?? null,
    column: d.column ?? null,
    field: d.field ?? null,
    resource: d.resource === undefined ? null : { kind: d.resource.kind, namespace: d.resource.namespace, name: d.resource.name },
  };
  if (d.related !== undefined && d.related.length > 0) out.related = d.related;
  return out;
}

export interface DiagnosticCounts {
  readonly errors: number;
  readonly warnings: number;
  readonly infos: number;
}

export function countDiagnostics(diagnostics: readonly Diagnostic[]): DiagnosticCounts {
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of diagnostics) {
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
  }
  return { errors, warnings, infos };
}

/** "2 errors, 1 warning" (and ", 3 info" when there are info notes). */
export function summarizeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  const { errors, warnings, infos } = countDiagnostics(diagnostics);
  const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(errors, 'error')}, ${plural(warnings, 'warning')}${infos > 0 ? `, ${infos} info` : ''}`;
}

export interface DiagnosticPrintOptions {
  /** Print info notes too (they are counted either way). */
  readonly verbose?: boolean;
  /** Shown before each file path so it is clickable from the user's directory (e.g. the folder argument). */
  readonly pathPrefix?: string;
}

/**
 * One `file:line:col: severity CODE: message [field]` line per diagnostic, grouped by file
 * (a blank line between files), related locations indented below, then the summary line.
 */
/** One diagnostic as the terminal shows it: its line, then a `related:` line per other place. */
export function diagnosticLines(d: Diagnostic, prefix = ''): string[] {
  const lines = [formatDiagnostic({ ...d, file: d.file === undefined ? undefined : `${prefix}${d.file}` })];
  for (const r of d.related ?? []) {
    const where = r.file ? `${prefix}${r.file}${r.line ? `:${r.line}:${r.column ?? 1}` : ''}` : '';
    const what = r.resource ? `${r.resource.kind} ${r.resource.namespace}/${r.resource.name}` : '';
    lines.push(`    related: ${[where, what].filter(Boolean).join(' ')}`);
  }
  return lines;
}

export function renderDiagnostics(diagnostics: readonly Diagnostic[], opts: DiagnosticPrintOptions = {}): string {
  const shown = diagnostics.filter((d) => opts.verbose || d.severity !== 'info');
  const prefix = opts.pathPrefix ?? '';
  let out = '';
  let lastFile: string | undefined | null = null;
  for (const d of shown) {
    if (lastFile !== null && d.file !== lastFile) out += '\n';
    lastFile = d.file;
    for (const line of diagnosticLines(d, prefix)) out += `${line}\n`;
  }
  const hidden = diagnostics.length - shown.length;
  if (out !== '') out += '\n';
  out += `${summarizeDiagnostics(diagnostics)}${hidden > 0 ? ` (info hidden; -v shows it)` : ''}\n`;
  return out;
}
