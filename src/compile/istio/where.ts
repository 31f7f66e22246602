// Turns "this field of this resource" into the location part of a Diagnostic or an IrSource.
// Every cross-resource diagnostic goes through here so they all carry file:line, field and
// resource the same way.
import type { Diagnostic, ResourceRef } from '../../core/diagnostics.ts';
import type { IrSource } from '../ir/types.ts';
import type { Loaded } from '../parse/load-resources.ts';
import { formatFieldPath } from '../parse/field-path.ts';

export type AnyLoaded = Loaded<string, unknown>;
export type Path = readonly (string | number)[];

export function refOf(res: AnyLoaded): ResourceRef {
  return { kind: res.kind, namespace: res.metadata.namespace, name: res.metadata.name };
}

/** `Kind ns/name (file:line)`, how messages name another resource. */
export function describe(res: AnyLoaded, path: Path = ['metadata', 'name']): string {
  const { line } = res.locate(path);
  return `${res.kind} ${res.metadata.namespace}/${res.metadata.name} (${res.file}:${line})`;
}

/** Location fields of a Diagnostic for `path` inside `res`. */
export function at(res: AnyLoaded, path: Path): Pick<Diagnostic, 'file' | 'line' | 'column' | 'field' | 'resource'> {
  const { line, column } = res.locate(path);
  return { file: res.file, line, column, field: formatFieldPath(path), resource: refOf(res) };
}

/** A `related` entry pointing at another resource. */
export function relatedOf(res: AnyLoaded, path: Path = ['metadata', 'name']): NonNullable<Diagnostic['related']>[number] {
  const { line, column } = res.locate(path);
  return { resource: refOf(res), file: res.file, line, column };
}

export function sourceOf(res: AnyLoaded, path: Path, field = formatFieldPath(path)): IrSource {
  const { line, column } = res.locate(path);
  return {
    file: res.file,
    line,
    column,
    kind: res.kind,
    namespace: res.metadata.namespace,
    name: res.metadata.name,
    field,
  };
}

/** `spec.http[i]`: one string per index for every route source (the IR keeps one per rule); the first few cached. */
export function httpRuleField(i: number): string {
  if (i >= 64) return formatFieldPath(['spec', 'http', i]);
  return (HTTP_RULE_FIELDS[i] ??= formatFieldPath(['spec', 'http', i]));
}

const HTTP_RULE_FIELDS: string[] = [];

/** Stable order of resources: namespace, name, file, document index. */
export function compareResources(a: AnyLoaded, b: AnyLoaded): number {
  return (
    cmp(a.metadata.namespace, b.metadata.namespace) ||
    cmp(a.metadata.name, b.metadata.name) ||
    cmp(a.file, b.file) ||
    a.docIndex - b.docIndex
  );
}

/** Code-unit string order (not locale order): the same on every machine. */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How diagnostics name a VirtualService rule: `spec.http[1] ("canary")`, the name when it has one. */
export function ruleRef(rule: { readonly name?: string }, index: number): string {
  return `spec.http[${index}]${rule.name ? ` ("${rule.name}")` : ''}`;
}
