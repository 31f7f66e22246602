// docs/config-reference.md must keep up with the code: every field a schema accepts is
// named in its kind's section, MeshConfig defaults are the ones the schema applies, and the
// diagnostic codes it cites exist (with the severities the registry gives them).
// The schemas are read programmatically, so a field added to src/compile/schema without a
// line in the reference fails here.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { DEFAULT_MESH_CONFIG, DOCUMENT_SCHEMAS, type SupportedKind } from '../../src/compile/schema/index.ts';
import { DIAGNOSTIC_CODES } from '../../src/core/diagnostic-codes/index.ts';

const DOC = readFileSync(new URL('../../docs/config-reference.md', import.meta.url), 'utf8');

/** The `## ` heading under which each kind is documented. */
const SECTION_OF_KIND: Record<SupportedKind, string> = {
  VirtualService: 'VirtualService',
  DestinationRule: 'DestinationRule',
  ServiceEntry: 'ServiceEntry',
  Gateway: 'Gateway',
  Service: 'Kubernetes Service',
  MeshConfig: 'MeshConfig',
};

function section(title: string): string {
  const start = DOC.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`docs/config-reference.md has no "## ${title}" section`);
  const end = DOC.indexOf('\n## ', start + 1);
  return DOC.slice(start, end < 0 ? undefined : end);
}

/** Backticked spans of a text, e.g. `http[].match[].uri`. */
function codeSpans(text: string): string[] {
  return [...text.matchAll(/`([^`\n]+)`/g)].map((m) => m[1] ?? '');
}

/** Every identifier inside backticks: `http[].match[].uri` gives http, match, uri. */
function codeWords(text: string): Set<string> {
  return new Set(codeSpans(text).flatMap((span) => span.split(/[^A-Za-z0-9_]+/).filter((w) => w !== '')));
}

// zod 4 keeps a schema's structure in `_zod.def`; only the parts walked here are typed.
interface Def {
  readonly type: string;
  readonly innerType?: z.ZodType;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly options?: readonly z.ZodType[];
  readonly valueType?: z.ZodType;
}
const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Strips optional / default / prefault / nullable wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const inner = defOf(s).innerType;
    if (!inner) return s;
    s = inner;
  }
  throw new Error('schema wrappers nested too deep');
}

/** The object schemas directly reachable from `schema` (through lists, maps and unions). */
function objectsIn(schema: z.ZodType): z.ZodType[] {
  const s = unwrap(schema);
  const def = defOf(s);
  if (def.shape) return [s];
  if (def.element) return objectsIn(def.element);
  if (def.valueType) return objectsIn(def.valueType);
  if (def.options) return def.options.flatMap(objectsIn);
  return [];
}

function specSchema(kind: SupportedKind): z.ZodType {
  const spec = defOf(DOCUMENT_SCHEMAS[kind]).shape?.spec;
  if (!spec) throw new Error(`${kind}: document schema has no spec`);
  return unwrap(spec);
}

function topLevelFields(kind: SupportedKind): string[] {
  return Object.keys(defOf(specSchema(kind)).shape ?? {});
}

/** Every field name at any depth of the spec, with one path where it occurs. */
function allFields(kind: SupportedKind): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (schema: z.ZodType, prefix: string, depth: number): void => {
    if (depth > 12) return;
    for (const obj of objectsIn(schema)) {
      for (const [name, child] of Object.entries(defOf(obj).shape ?? {})) {
        const path = prefix === '' ? name : `${prefix}.${name}`;
        if (!out.has(name)) out.set(name, path);
        walk(child, path, depth + 1);
      }
    }
  };
  walk(specSchema(kind), '', 0);
  return out;
}

const KINDS = Object.keys(SECTION_OF_KIND) as SupportedKind[];

describe('docs/config-reference.md', () => {
  it.each(KINDS)('names every top-level spec field of %s in its section', (kind) => {
    const text = section(SECTION_OF_KIND[kind]);
    const documented = new Set(codeSpans(text).map((span) => span.replace(/^spec\./, '').split(/[.[ :]/)[0]));
    const fields = topLevelFields(kind);
    expect(fields.length).toBeGreaterThan(0);
    expect(fields.filter((f) => !documented.has(f))).toEqual([]);
  });

  it.each(KINDS)('names every nested field of %s in its section', (kind) => {
    const words = codeWords(section(SECTION_OF_KIND[kind]));
    const fields = allFields(kind);
    expect(fields.size).toBeGreaterThan(topLevelFields(kind).length); // the walk did reach nested objects
    const missing = [...fields].filter(([name]) => !words.has(name)).map(([, path]) => path);
    expect(missing).toEqual([]);
  });

  it('gives the MeshConfig defaults the schema applies', () => {
    const text = section('MeshConfig');
    const leaves: [string, unknown][] = [];
    const walk = (value: unknown, path: string): void => {
      if (value !== null && typeof value === 'object') {
        for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k}`);
      } else if (value !== undefined) leaves.push([path, value]);
    };
    walk(DEFAULT_MESH_CONFIG, '');
    expect(leaves.length).toBeGreaterThan(5);
    for (const [path, value] of leaves) {
      const row = text.split('\n').find((line) => line.startsWith(`| \`${path}\` |`));
      expect(row, `MeshConfig table row for ${path}`).toBeDefined();
      const defaultCell = row?.split(' | ')[1];
      expect(defaultCell, `default of ${path}`).toBe(`\`${String(value)}\``);
    }
  });

  it('cites only registered diagnostic codes', () => {
    const registered = new Set(DIAGNOSTIC_CODES.map((c) => c.code));
    const cited = [...new Set(DOC.match(/ML\d{4}/g) ?? [])];
    expect(cited.length).toBeGreaterThan(20);
    expect(cited.filter((c) => !registered.has(c))).toEqual([]);
  });

  it('mentions every schema, semantic and cross-resource code', () => {
    const missing = DIAGNOSTIC_CODES.filter((c) => /^ML[234]/.test(c.code) && !DOC.includes(c.code)).map((c) => c.code);
    expect(missing).toEqual([]);
  });

  it('lists each cross-resource check with its registered severity', () => {
    const text = section('Cross-resource checks');
    for (const info of DIAGNOSTIC_CODES.filter((c) => c.code.startsWith('ML4'))) {
      const row = text.split('\n').find((line) => line.startsWith(`| ${info.code} |`));
      expect(row, `row for ${info.code}`).toBeDefined();
      expect(row?.split(' | ')[1]?.split(' ')[0], `severity of ${info.code}`).toBe(info.severity);
    }
  });

  // Istio validates one resource at a time; these are istioctl analyze messages there, or not
  // reported at all. Where meshlog refuses them, the table must say what Istio does at run time.
  it('says what Istio does at run time for each cross-resource error Istio accepts', () => {
    const rows = section('Deviations from Istio').split('\n').filter((line) => line.startsWith('| '));
    const atRunTime: Record<string, RegExp> = {
      ML4004: /503, flag `NC`.*a mirror to it sends nothing/,
      ML4003: /declared ports only, so requests the route takes get 503 `NC`/,
      ML4012: /the oldest rule's subset is kept and the later copy is dropped/,
      ML4005: /applies to no proxy/,
    };
    for (const [code, istio] of Object.entries(atRunTime)) {
      const istioCells = rows.filter((line) => /^error\b/.test(line.split(' | ')[2] ?? '') && line.split(' | ')[2]!.includes(`(${code})`)).map((line) => line.split(' | ')[1]);
      expect(istioCells.some((cell) => istio.test(cell ?? '')), `a Deviations row for ${code} saying ${istio}`).toBe(true);
    }
    const kinds = rows.find((line) => line.includes('(ML1013;'));
    expect(kinds).toMatch(/skipped with a warning .*an error with `strictKinds: true`/);
  });
});
