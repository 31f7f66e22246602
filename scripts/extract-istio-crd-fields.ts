// Extracts, from Istio's generated CRDs, the field paths and string enum values of the kinds
// meshlog compiles, for test/compile/schema/istio-crd-fields.test.ts (which checks meshlog's
// schemas know every field: supported, or listed as not supported yet).
//
//   node scripts/extract-istio-crd-fields.ts [CRD_FILE] [ISTIO_COMMIT]
//
// Without CRD_FILE it reads manifests/charts/base/files/crd-all.gen.yaml at HEAD of the Istio
// bare repository (/work/.mirror/istio+istio/repo). Writes test/fixtures/istio-crd/fields.json.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const CRD_PATH = 'manifests/charts/base/files/crd-all.gen.yaml';
const ISTIO_REPO = '/work/.mirror/istio+istio/repo';
const KINDS = ['VirtualService', 'DestinationRule', 'Gateway', 'ServiceEntry'];
const OUT = new URL('../test/fixtures/istio-crd/fields.json', import.meta.url);

const [fileArg, commitArg] = process.argv.slice(2);
const commit = commitArg ?? (fileArg ? 'unknown' : execFileSync('git', ['-C', ISTIO_REPO, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim());
const text = fileArg ? readFileSync(fileArg, 'utf8') : execFileSync('git', ['-C', ISTIO_REPO, 'show', `${commit}:${CRD_PATH}`], { encoding: 'utf8', maxBuffer: 64 << 20 });

interface Schema {
  properties?: Record<string, Schema>;
  items?: Schema;
  additionalProperties?: Schema | boolean;
  enum?: unknown[];
  type?: string;
}

const kinds: Record<string, { fields: string[]; enums: Record<string, string[]> }> = {};
for (const doc of parseAllDocuments(text)) {
  const crd = doc.toJS() as { spec?: { names: { kind: string }; versions: { name: string; schema: { openAPIV3Schema: Schema } }[] } } | null;
  const kind = crd?.spec?.names.kind;
  if (!crd?.spec || !kind || !KINDS.includes(kind)) continue;
  const v1 = crd.spec.versions.find((v) => v.name === 'v1');
  const spec = v1?.schema.openAPIV3Schema.properties?.spec;
  if (!spec) continue;
  const fields: string[] = [];
  const enums: Record<string, string[]> = {};
  // Paths as meshlog's diagnostics write them, with [] for a list item and {} for a map value.
  const walk = (s: Schema, path: string): void => {
    if (s.enum && s.type === 'string') enums[path] = s.enum.map(String);
    for (const [key, child] of Object.entries(s.properties ?? {})) {
      fields.push(`${path}.${key}`);
      walk(child, `${path}.${key}`);
    }
    if (s.items) walk(s.items, `${path}[]`);
    if (typeof s.additionalProperties === 'object') walk(s.additionalProperties, `${path}{}`);
  };
  walk(spec, 'spec');
  kinds[kind] = { fields: fields.sort(), enums };
}
const missing = KINDS.filter((k) => !kinds[k]);
if (missing.length > 0) throw new Error(`no v1 schema for ${missing.join(', ')} in the CRD file`);
const out = { source: { repository: 'https://github.com/istio/istio', commit, path: CRD_PATH, note: 'v1 spec field paths and string enums only, extracted by scripts/extract-istio-crd-fields.ts' }, kinds };
writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${OUT.pathname}: ${KINDS.map((k) => `${k} ${kinds[k]!.fields.length} fields`).join(', ')}`);
