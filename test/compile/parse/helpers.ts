// Test helpers for the loader: build SourceFiles from strings and summarise diagnostics.
import type { Diagnostic } from '../../../src/core/diagnostics.ts';
import { loadResources, type LoadResult } from '../../../src/compile/parse/load-resources.ts';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';

const enc = new TextEncoder();

export function files(map: Record<string, string | Uint8Array>): SourceFile[] {
  return Object.entries(map).map(([path, content]) => ({ path, bytes: typeof content === 'string' ? enc.encode(content) : content }));
}

export function load(map: Record<string, string | Uint8Array>): LoadResult {
  return loadResources(files(map));
}

/** Loads one file `config.yaml` holding `yaml`. */
export function loadOne(yaml: string): LoadResult {
  return load({ 'config.yaml': yaml });
}

/** `CODE field@line` for each error/warning (infos left out unless asked), in report order. */
export function summary(diagnostics: readonly Diagnostic[], withInfo = false): string[] {
  return diagnostics
    .filter((d) => withInfo || d.severity !== 'info')
    .map((d) => `${d.code}${d.field ? ` ${d.field}` : ''}@${d.line ?? '-'}`);
}

export function codes(diagnostics: readonly Diagnostic[]): string[] {
  return diagnostics.map((d) => d.code);
}

/** A minimal valid VirtualService document with `http` spliced in (indented by the caller). */
export function virtualService(body: string, name = 'reviews'): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: ${name}
spec:
${body}`;
}
