// What every rule file reports through: code + message + field path; the context adds the
// file, line/column (via the resource's locator) and the resource identity. Messages do not
// repeat the field path: it is in `field`, and the one-line format prints it.
import { diagnostic } from '../../core/diagnostic-codes/index.ts';
import type { Diagnostic } from '../../core/diagnostics.ts';
import { formatFieldPath } from '../parse/field-path.ts';
import type { AnyLoaded, FieldPath } from '../parse/types.ts';

export interface RuleContext {
  report(code: string, message: string, path: FieldPath): void;
  readonly diagnostics: Diagnostic[];
}

export function ruleContext(resource: AnyLoaded): RuleContext {
  const diagnostics: Diagnostic[] = [];
  const ref = { kind: resource.kind, namespace: resource.metadata.namespace, name: resource.metadata.name };
  return {
    diagnostics,
    report(code, message, path) {
      const field = formatFieldPath(path);
      diagnostics.push(diagnostic(code, message, { file: resource.file, ...resource.locate(path), field, resource: ref }));
    },
  };
}

export type Path = readonly (string | number)[];
