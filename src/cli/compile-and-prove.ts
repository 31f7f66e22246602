// The one path `validate` and `compile` share: compile the bundle, then (when an Envoy
// binary was given) prove the snapshot with it. Envoy only sees config that passed
// meshlog's own rules, because those give better locations.
import { compile, type CompileResult } from '../compile/index.ts';
import { hasErrors, type Diagnostic } from '../core/diagnostics.ts';
import type { SourceBundle } from '../ingest/source-bundle.ts';
import { verifyWithEnvoy } from '../verify/envoy-verify.ts';

export interface ProvenResult {
  readonly result: CompileResult;
  /** meshlog's diagnostics, then Envoy's (if it ran). */
  readonly diagnostics: readonly Diagnostic[];
  readonly valid: boolean;
}

export async function compileAndProve(bundle: SourceBundle, envoyPath: string | undefined): Promise<ProvenResult> {
  const result = compile(bundle);
  const valid = result.valid && !hasErrors(result.diagnostics);
  if (!valid || !result.snapshot || envoyPath === undefined) return { result, diagnostics: result.diagnostics, valid };
  const fromEnvoy = await verifyWithEnvoy(result.snapshot, { envoyPath });
  return { result, diagnostics: [...result.diagnostics, ...fromEnvoy], valid: !hasErrors(fromEnvoy) };
}
