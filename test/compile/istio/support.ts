// Test helpers for the Istio front end: the template's files (through the real ingest), and
// one in-memory file from YAML text.
import path from 'node:path';
import { readFolder } from '../../../src/ingest/read-folder.ts';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';

/**
 * The config-repo template as the compiler receives it, read by the real folder ingest
 * (read once: every test module that imports this shares it).
 */
export const TEMPLATE_FILES: readonly SourceFile[] = await readTemplate();

async function readTemplate(): Promise<readonly SourceFile[]> {
  const read = await readFolder(path.join(import.meta.dirname, '../../../config-repo-template'));
  if (!read.ok) throw new Error(`cannot read config-repo-template: ${read.error.message}`);
  return read.bundle.files;
}

export function file(pathName: string, text: string): SourceFile {
  return { path: pathName, bytes: new TextEncoder().encode(text) };
}

/** The template with one file's text changed by `edit` (which must change something). */
export function templateWith(pathName: string, edit: (text: string) => string): SourceFile[] {
  const dec = new TextDecoder();
  return TEMPLATE_FILES.map((f) => {
    if (f.path !== pathName) return f;
    const before = dec.decode(f.bytes);
    const after = edit(before);
    if (after === before) throw new Error(`templateWith: the edit changed nothing in ${pathName}`);
    return file(pathName, after);
  });
}
