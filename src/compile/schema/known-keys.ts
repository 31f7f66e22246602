// The field names a schema accepts at a path of a document, for "did you mean" suggestions on
// an unknown field, and whether a path holds free-form keys. Walks zod's definitions; used only
// while building a diagnostic.
import type { z } from 'zod';

interface Def {
  readonly type: string;
  readonly shape?: Readonly<Record<string, z.ZodType>>;
  readonly element?: z.ZodType;
  readonly valueType?: z.ZodType;
  readonly innerType?: z.ZodType;
  readonly options?: readonly z.ZodType[];
}

export const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

/** Field names of the mapping at `path` (indices step into lists, keys into mappings and maps). */
export function knownKeysAt(schema: z.ZodType, path: readonly (string | number)[]): readonly string[] {
  let nodes: z.ZodType[] = [schema];
  for (const segment of path) {
    nodes = nodes.flatMap(unwrap).flatMap((n) => step(n, segment));
    if (nodes.length === 0) return [];
  }
  return [...new Set(nodes.flatMap(unwrap).flatMap((n) => Object.keys(defOf(n).shape ?? {})))];
}

/** The schemas a value may match once optional/default wrappers and unions are looked through. */
export function unwrap(schema: z.ZodType): z.ZodType[] {
  const def = defOf(schema);
  if (def.innerType) return unwrap(def.innerType);
  if (def.options) return def.options.flatMap(unwrap);
  return [schema];
}

function step(schema: z.ZodType, segment: string | number): z.ZodType[] {
  const def = defOf(schema);
  if (typeof segment === 'number') return def.element ? [def.element] : [];
  if (def.shape) return Object.hasOwn(def.shape, segment) ? [def.shape[segment]!] : [];
  return def.valueType ? [def.valueType] : [];
}

/** The schemas a value at `path` may match, optional/default wrappers and unions looked through. */
export function schemasAt(schema: z.ZodType, path: readonly (string | number)[]): readonly z.ZodType[] {
  let nodes: z.ZodType[] = [schema];
  for (const segment of path) nodes = nodes.flatMap(unwrap).flatMap((n) => step(n, segment));
  return nodes.flatMap(unwrap);
}

/** Whether the value at `path` is a map of free-form keys (labels, annotations, header values), not a mapping of fields. */
export function isMapAt(schema: z.ZodType, path: readonly (string | number)[]): boolean {
  return schemasAt(schema, path).some((n) => defOf(n).type === 'record');
}
