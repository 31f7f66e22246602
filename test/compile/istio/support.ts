// Test helpers for the Istio front end: read a folder as SourceFiles (what ingest does for
// a plain folder), and build one in-memory file from YAML text.
import fs from 'node:fs';
import path from 'node:path';
import type { SourceFile } from '../../../src/ingest/source-bundle.ts';

/** Every `*.yaml` / `*.yml` under `root`, dot-folders skipped, paths relative and sorted. */
export function readTree(root: string): SourceFile[] {
  const out: SourceFile[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.ya?ml$/i.test(entry.name)) {
        out.push({ path: path.relative(root, full).split(path.sep).join('/'), bytes: fs.readFileSync(full) });
      }
    }
  };
  walk(root);
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

export function file(pathName: string, text: string): SourceFile {
  return { path: pathName, bytes: new TextEncoder().encode(text) };
}
