// The code registry is the contract scripts and the API match on: every code used in src/
// is registered (once), and docs/diagnostics.md is exactly what the generator writes.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES } from '../../../src/core/diagnostic-codes/index.ts';
import { DIAGNOSTICS_DOC, renderDiagnosticsDoc } from '../../../scripts/gen-diagnostics-doc.ts';

const SRC = new URL('../../../src/', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('diagnostic code registry', () => {
  it('has unique, well-formed, documented codes', () => {
    const seen = new Set<string>();
    for (const c of DIAGNOSTIC_CODES) {
      expect(c.code, c.code).toMatch(/^ML\d{4}$/);
      expect(seen.has(c.code), `${c.code} registered twice`).toBe(false);
      seen.add(c.code);
      expect(c.title.length, c.code).toBeGreaterThan(3);
      expect(c.description.length, c.code).toBeGreaterThan(20);
    }
  });

  it('registers every code that src/ emits', () => {
    const registered = new Set(DIAGNOSTIC_CODES.map((c) => c.code));
    const unregistered: string[] = [];
    for (const file of sourceFiles(SRC)) {
      if (file.includes('/diagnostic-codes/')) continue;
      for (const m of readFileSync(file, 'utf8').matchAll(/['"`](ML\d{4})['"`]/g)) {
        if (!registered.has(m[1]!)) unregistered.push(`${m[1]} in ${file.slice(SRC.length)}`);
      }
    }
    expect(unregistered).toEqual([]);
  });

  it('docs/diagnostics.md is up to date (run: node scripts/gen-diagnostics-doc.ts)', () => {
    expect(readFileSync(DIAGNOSTICS_DOC, 'utf8')).toBe(renderDiagnosticsDoc());
  });
});
