// Building blocks shared by the Istio kinds' schemas. Schemas check SHAPE only (types,
// enum values, unknown fields); ranges, syntax of strings (durations, hosts, regexes) and
// rules between fields are checked in src/compile/validate, where each rule has its own
// diagnostic code and a message that says how to fix it.
import { z } from 'zod';

/** Istio StringMatch: exactly one of exact / prefix / regex (checked in validate). */
export const StringMatchSchema = z.strictObject({
  exact: z.string().optional(),
  prefix: z.string().optional(),
  regex: z.string().optional(),
});
export type StringMatch = z.infer<typeof StringMatchSchema>;

/** Istio Percent: a double in 0..100 (range checked in validate). */
export const PercentSchema = z.strictObject({ value: z.number() });
export type Percent = z.infer<typeof PercentSchema>;

/** Istio PortSelector. */
export const PortSelectorSchema = z.strictObject({ number: z.int() });
export type PortSelector = z.infer<typeof PortSelectorSchema>;

/**
 * A duration as Istio writes it: Go duration syntax, e.g. "1.5s", "300ms", "1h30m".
 * Kept as the original string; `parseDurationMs` (./duration.ts) turns it into milliseconds
 * once validate has accepted it.
 */
export const DurationSchema = z.string();

export const StringMapSchema = z.record(z.string(), z.string());

/** exportTo: "." (own namespace), "*" (everywhere) or namespace names. */
export const ExportToSchema = z.array(z.string());

export const WorkloadSelectorSchema = z.strictObject({ matchLabels: StringMapSchema.optional() });
export type WorkloadSelector = z.infer<typeof WorkloadSelectorSchema>;

/**
 * Kubernetes ObjectMeta: every field it has, so that `kubectl get -o yaml` output, with its
 * server-set fields (uid, resourceVersion, managedFields, ...), loads as it is. Any other key is
 * an unknown-field error, as kubectl's strict field validation makes it: a misspelt
 * `annotations:` or `namespace:` would otherwise be dropped without a word, and with it a
 * Service's endpoints or the namespace the resource belongs to. Only the first four are read.
 */
export const MetadataSchema = z.strictObject({
  name: z.string(),
  namespace: z.string().optional(),
  labels: StringMapSchema.optional(),
  annotations: StringMapSchema.optional(),
  generateName: z.unknown().optional(),
  selfLink: z.unknown().optional(),
  uid: z.unknown().optional(),
  resourceVersion: z.unknown().optional(),
  generation: z.unknown().optional(),
  creationTimestamp: z.unknown().optional(),
  deletionTimestamp: z.unknown().optional(),
  deletionGracePeriodSeconds: z.unknown().optional(),
  ownerReferences: z.unknown().optional(),
  finalizers: z.unknown().optional(),
  managedFields: z.unknown().optional(),
});

/** A whole Istio document: unknown top-level fields are errors; `status` is tolerated. */
export function istioDocumentSchema<S extends z.ZodType>(spec: S) {
  return z.strictObject({
    apiVersion: z.string(),
    kind: z.string(),
    metadata: MetadataSchema,
    spec,
    status: z.unknown().optional(),
  });
}
