// The one path `validate` and `compile` share: read the input, compile the bundle, then
// (when an Envoy binary was given) prove the snapshot with it. Envoy only sees config that
// passed meshlog's own rules, because those give better locations.
import { compile, type CompileResult } from '../compile/index.ts';
import { hasErrors, type Diagnostic } from '../core/diagnostics.ts';
import { restoreAfterCompile } from '../core/one-compile-v8.ts';
import type { SourceBundle } from '../ingest/source-bundle.ts';
import { chooseCheckedEnvoy } from '../verify/envoy-identity.ts';
import { verifyWithEnvoy } from '../verify/envoy-verify.ts';
import type { ParsedArgs } from './args.ts';
import { EXIT, type CliIo, type ExitCode } from './command.ts';
import { readInput, reportInputError, type InputSpec } from './input.ts';

export interface ProvenResult {
  readonly result: CompileResult;
  /** meshlog's diagnostics, then Envoy's (if it ran). */
  readonly diagnostics: readonly Diagnostic[];
  readonly valid: boolean;
  /** Views a real Envoy checked (`--envoy`), when it ran. */
  readonly provenViews?: number;
}

export async function compileAndProve(bundle: SourceBundle, envoyPath: string | undefined): Promise<ProvenResult> {
  const result = compile(bundle);
  const valid = result.valid && !hasErrors(result.diagnostics);
  if (!valid || !result.snapshot || envoyPath === undefined) return { result, diagnostics: result.diagnostics, valid };
  restoreAfterCompile(); // writing a bootstrap per view is long work after the compile
  const fromEnvoy = await verifyWithEnvoy(result.snapshot, { envoyPath });
  return { result, diagnostics: [...result.diagnostics, ...fromEnvoy], valid: !hasErrors(fromEnvoy), provenViews: result.snapshot.views.length };
}

export type ReadAndProveOutcome =
  | ({ readonly ok: true; readonly bundle: SourceBundle } & ProvenResult)
  | { readonly ok: false; readonly exit: ExitCode };

/**
 * `--envoy` chosen, the input read, compiled and proved. A missing Envoy binary or an
 * unreadable input is reported on stderr here, and the outcome carries the exit code.
 */
export async function readAndProve(args: ParsedArgs, spec: InputSpec, io: CliIo): Promise<ReadAndProveOutcome> {
  const envoy = await chooseCheckedEnvoy(args.string('envoy'), io.env, io.cwd);
  if (!envoy.ok) {
    io.stderr(`Error: ${envoy.message}\n`);
    return { ok: false, exit: EXIT.unavailable };
  }
  const input = await readInput(spec, io);
  if (!input.ok) {
    reportInputError(io, input.error);
    return { ok: false, exit: input.exit };
  }
  return { ok: true, bundle: input.bundle, ...(await compileAndProve(input.bundle, envoy.envoyPath)) };
}
