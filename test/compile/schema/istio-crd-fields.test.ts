// Every field of Istio's v1 CRDs for the kinds meshlog compiles is either in meshlog's schema
// or listed as valid-but-not-supported-yet (src/compile/parse/not-yet-fields.ts), and every
// string enum value Istio accepts is in the schema or listed likewise: a released Istio field
// must never read as a typo ("unknown field", "did you mean"). The field list is extracted
// from Istio's manifests/charts/base/files/crd-all.gen.yaml (commit in the fixture's
// `source`); to check a newer Istio, run scripts/extract-istio-crd-fields.ts.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOCUMENT_SCHEMAS, type SupportedKind } from '../../../src/compile/schema/index.ts';
import { knownKeysAt, schemasAt } from '../../../src/compile/schema/known-keys.ts';
import { isNotYetSupported, isNotYetSupportedValue } from '../../../src/compile/parse/not-yet-fields.ts';

interface Fixture {
  readonly source: { readonly commit: string };
  readonly kinds: Record<string, { readonly fields: readonly string[]; readonly enums: Record<string, readonly string[]> }>;
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/istio-crd/fields.json', import.meta.url), 'utf8')) as Fixture;

/** `spec.http[].match[].uri` → spec, http, 0, match, 0, uri (`{}`, a map value, as any key). */
function segments(path: string): (string | number)[] {
  return path.split(/(?=\.)|(?=\[\])|(?=\{\})/).map((s) => (s === '[]' ? 0 : s === '{}' ? 'key' : s.replace(/^\./, '')));
}

const enumValues = (schema: unknown): unknown[] => {
  const def = (schema as { _zod: { def: { type: string; entries?: Record<string, unknown> } } })._zod.def;
  return def.type === 'enum' ? Object.values(def.entries ?? {}) : [];
};

describe("meshlog's schemas against Istio's CRDs", () => {
  it('holds the four kinds meshlog compiles, and reads their paths as the schemas do', () => {
    expect(Object.keys(fixture.kinds).sort()).toEqual(['DestinationRule', 'Gateway', 'ServiceEntry', 'VirtualService']);
    expect(segments('spec.http[].headers.request.set{}')).toEqual(['spec', 'http', 0, 'headers', 'request', 'set', 'key']);
    // Most of Istio's fields are meshlog's: a path read wrongly would skip them all unnoticed.
    const checked = fixture.kinds.VirtualService!.fields.filter((f) => schemasAt(DOCUMENT_SCHEMAS.VirtualService, segments(f)).length > 0);
    expect(checked.length).toBeGreaterThan(100);
  });

  for (const [kind, { fields, enums }] of Object.entries(fixture.kinds)) {
    const schema = DOCUMENT_SCHEMAS[kind as SupportedKind];

    it(`${kind}: every Istio field is in the schema or listed as not supported yet`, () => {
      const unknown: string[] = [];
      for (const field of fields) {
        const path = segments(field);
        const key = path.pop() as string;
        // Under a field meshlog does not read at all (itself not supported yet): nothing more to know.
        if (schemasAt(schema, path).length === 0) continue;
        if (!knownKeysAt(schema, path).includes(key) && !isNotYetSupported(kind, path, key)) unknown.push(field);
      }
      expect(unknown, `Istio ${kind} fields meshlog would call unknown (Istio ${fixture.source.commit})`).toEqual([]);
    });

    it(`${kind}: every Istio enum value is in the schema or listed as not supported yet`, () => {
      const missing: string[] = [];
      for (const [field, values] of Object.entries(enums)) {
        const path = segments(field);
        const ours = schemasAt(schema, path).flatMap(enumValues);
        if (ours.length === 0) continue; // not an enum in meshlog (or not read): checked elsewhere
        for (const v of values) if (!ours.includes(v) && !isNotYetSupportedValue(kind, path, v)) missing.push(`${field}: ${v}`);
      }
      expect(missing, `Istio ${kind} enum values meshlog would refuse (Istio ${fixture.source.commit})`).toEqual([]);
    });
  }
});
