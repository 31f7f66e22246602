// Fields written with no value (`trafficPolicy:` alone, YAML null) read as absent, as the API
// server reads them: for a CRD with a structural schema it prunes every null it finds in a
// mapping before validating (apiextensions' PruneNonNullableNullsWithoutDefaults, since
// Kubernetes 1.20), and a field Istio's CRDs do mark nullable is unset when null; native
// kinds (Service) decode null as the field's zero value. So `spec: {host: r, trafficPolicy: }`
// applies as `spec: {host: r}`, and meshlog compiles it so.
//
// Only fields the schema declares are dropped. A null entry of a map of free-form keys (a label
// value, a header match: `headers: {end-user: }`) stays, and so stays an error (ML2002): the
// API server would drop it too, which would make the header match every request, and a
// routing rule silently widened is worse than a refused one. For the same reason a null inside
// a string match stays (`{exact: }` pruned would be `{}`, "the header is present"). A null list
// item stays as well, as it does on the API server; so does a null under an unknown key (its
// own error).
import type { z } from 'zod';
import { StringMatchSchema } from './common.ts';
import { defOf, unwrap } from './known-keys.ts';

/** `value` with every null field its schema declares left out (copied where anything is; else `value` itself). */
export function withoutNullFields(value: unknown, schema: z.ZodType): unknown {
  return prune(value, unwrap(schema));
}

function prune(value: unknown, schemas: readonly z.ZodType[]): unknown {
  if (schemas.length === 0 || value === null || typeof value !== 'object') return value;
  if (schemas.includes(StringMatchSchema)) return value;
  if (Array.isArray(value)) {
    const items = schemas.flatMap((s) => {
      const element = defOf(s).element;
      return element ? unwrap(element) : [];
    });
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const pruned = prune(value[i], items);
      if (pruned !== value[i]) (out ??= [...value])[i] = pruned;
    }
    return out ?? value;
  }
  const record = value as Record<string, unknown>;
  let out: Record<string, unknown> | undefined;
  for (const key of Object.keys(record)) {
    const field = schemas.flatMap((s) => {
      // Own keys only: a key named `constructor` or `__proto__` is no declared field.
      const shape = defOf(s).shape;
      return shape && Object.hasOwn(shape, key) ? unwrap(shape[key]!) : [];
    });
    const child = record[key];
    if (child === null && field.length > 0) {
      out ??= { ...record };
      delete out[key];
      continue;
    }
    const under =
      field.length > 0
        ? field
        : schemas.flatMap((s) => {
            const values = defOf(s).valueType;
            return values ? unwrap(values) : [];
          });
    const pruned = prune(child, under);
    if (pruned !== child) (out ??= { ...record })[key] = pruned;
  }
  return out ?? value;
}
