// What every rule file reports through: code + message + field path; the context adds the
// file, line/column (via the resource's locator) and the resource identity. Messages do not
// repeat the field path: it is in `field`, and the one-line format prints it.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { formatFieldPath } from '../parse/field-path.ts';
import type { AnyLoaded, FieldPath } from '../parse/types.ts';

export interface RuleContext {
  report(code: string, message: string, path: Path): void;
  readonly diagnostics: Diagnostic[];
}

export function ruleContext(resource: AnyLoaded): RuleContext {
  const diagnostics: Diagnostic[] = [];
  return {
    diagnostics,
    report(code, message, path) {
      const flat = flatPath(path);
      const field = formatFieldPath(flat);
      const ref = { kind: resource.kind, namespace: resource.metadata.namespace, name: resource.metadata.name };
      diagnostics.push(diagnostic(code, message, { file: resource.file, ...resource.locate(flat), field, resource: ref }));
    },
  };
}

type Key = string | number;

/**
 * A field path: an array, or keys under a parent path. The rules run for every field of
 * every resource and almost never report, so they extend paths with `at` — one small link
 * per key, nothing copied — and the flat array is built only when a problem is reported.
 * (Copying arrays with `[...path, key]` at every level was most of the rules' garbage.)
 */
export type Path = FieldPath | PathLink;

interface PathLink {
  readonly up: Path;
  readonly key: Key;
}

/** `path` extended by one to four keys. */
export function at(path: Path, a: Key, b?: Key, c?: Key, d?: Key): Path {
  let p: Path = { up: path, key: a };
  if (b !== undefined) p = { up: p, key: b };
  if (c !== undefined) p = { up: p, key: c };
  if (d !== undefined) p = { up: p, key: d };
  return p;
}

export function flatPath(path: Path): FieldPath {
  const keys: Key[] = [];
  let p: Path = path;
  while (!Array.isArray(p)) {
    const link = p as PathLink;
    keys.push(link.key);
    p = link.up;
  }
  return [...(p as FieldPath), ...keys.reverse()];
}

/** Stands in for an absent list (`list ?? NONE`) without allocating an empty one per use. */
export const NONE: readonly never[] = Object.freeze([]);
