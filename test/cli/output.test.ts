import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { chooseFormat, diagnosticJson, renderDiagnostics, renderTable, renderYaml, summarizeDiagnostics } from '../../src/cli/output.ts';

const diags: Diagnostic[] = [
  { code: 'ML2001', severity: 'error', message: 'unknown field "wieght"', file: 'a.yaml', line: 3, column: 5, field: 'spec.http[0].route[0].wieght' },
  {
    code: 'ML4005',
    severity: 'error',
    message: 'host reviews is also routed by VirtualService bookinfo/reviews-2',
    file: 'a.yaml',
    line: 9,
    column: 1,
    resource: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews' },
    related: [{ file: 'b.yaml', line: 2, column: 1, resource: { kind: 'VirtualService', namespace: 'bookinfo', name: 'reviews-2' } }],
  },
  { code: 'ML4001', severity: 'warning', message: 'host ratings is not in the registry', file: 'b.yaml', line: 7, column: 9 },
  { code: 'ML1014', severity: 'info', message: 'Deployment skipped', file: 'c.yaml', line: 1, column: 1 },
];

describe('CLI output helpers', () => {
  it('prints diagnostics one per line, grouped by file, related places indented, then a summary', () => {
    expect(renderDiagnostics(diags, { pathPrefix: 'config/' })).toBe(
      'config/a.yaml:3:5: error ML2001: unknown field "wieght" [spec.http[0].route[0].wieght]\n' +
        'config/a.yaml:9:1: error ML4005: host reviews is also routed by VirtualService bookinfo/reviews-2\n' +
        '    related: config/b.yaml:2:1 VirtualService bookinfo/reviews-2\n' +
        '\n' +
        'config/b.yaml:7:9: warning ML4001: host ratings is not in the registry\n' +
        '\n' +
        '2 errors, 1 warning, 1 info (info hidden; -v shows it)\n',
    );
    expect(renderDiagnostics(diags, { verbose: true })).toContain('c.yaml:1:1: info ML1014: Deployment skipped\n');
    expect(renderDiagnostics([])).toBe('0 errors, 0 warnings\n');
    expect(summarizeDiagnostics(diags.slice(0, 1))).toBe('1 error, 0 warnings');
  });

  it('renders diagnostics as JSON with a fixed key order, null for what does not apply', () => {
    expect(Object.keys(diagnosticJson(diags[1]!))).toEqual(['code', 'severity', 'message', 'file', 'line', 'column', 'field', 'resource', 'related']);
    expect(diagnosticJson(diags[1]!).field).toBeNull();
    expect(diagnosticJson({ code: 'ML0001', severity: 'error', message: 'm' })).toEqual({
      code: 'ML0001',
      severity: 'error',
      message: 'm',
      file: null,
      line: null,
      column: null,
      field: null,
      resource: null,
    });
  });

  it('renders kubectl-style tables and unfolded YAML', () => {
    expect(renderTable(['name', 'weight'], [['reviews-v1', '90'], ['v2', '10']])).toBe(
      'NAME         WEIGHT\nreviews-v1   90\nv2           10\n',
    );
    expect(renderYaml({ regex: 'x'.repeat(200) })).toBe(`regex: ${'x'.repeat(200)}\n`);
  });

  it('accepts only the formats a command supports', () => {
    expect(chooseFormat(undefined, ['table', 'json'], 'table')).toEqual({ ok: true, format: 'table' });
    expect(chooseFormat('yaml', ['table', 'json'], 'table')).toMatchObject({ ok: false });
  });
});
