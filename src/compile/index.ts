// The compiler's one entry point: a SourceBundle in, diagnostics plus (when there is no
// error) the IR and the encoded Snapshot out. Pure: no I/O happens below this line.
import { hasErrors, sortDiagnostics, type Diagnostic } from '../core/diagnostics.ts';
import type { SourceBundle } from '../ingest/source-bundle.ts';
import type { Snapshot } from '../snapshot/types.ts';
import type { MeshIR } from './ir/types.ts';
import { buildIr } from './istio/index.ts';
import { capPerCode } from './parse/cap-diagnostics.ts';
import { assembleSnapshot, checkConsistency } from './xds/index.ts';

export interface CompileResult {
  readonly valid: boolean;
  readonly diagnostics: readonly Diagnostic[];
  /** Present whenever the front end got far enough, even with warnings; absent on errors. */
  readonly ir?: MeshIR;
  readonly snapshot?: Snapshot;
}

export function compile(bundle: SourceBundle): CompileResult {
  const front = compileToIr(bundle);
  if (!front.valid || !front.ir) return front;
  const { diagnostics } = front;
  const snapshot = assembleSnapshot(front.ir, bundle.commit);
  // A snapshot whose listeners or clusters point at missing resources is a compiler bug,
  // never a user error: refuse to return it rather than let a proxy warm forever.
  const problems = checkConsistency(snapshot);
  if (problems.length > 0) throw new Error(`compile: inconsistent snapshot: ${problems.join('; ')}`);
  return { valid: true, diagnostics, ir: front.ir, snapshot };
}

/**
 * The front end alone: the same diagnostics and validity as compile(), and the IR, without
 * encoding a Snapshot. For the commands that read only the IR (`diff`, `explain`): encoding,
 * hashing and checking every resource is about a third of a compile (BENCHMARKS.md).
 */
export function compileToIr(bundle: SourceBundle): Omit<CompileResult, 'snapshot'> {
  const front = buildIr(bundle.files);
  // At most 100 of each code per run (plus a summary line), so a broken repository cannot
  // flood the output (see parse/cap-diagnostics.ts).
  const diagnostics = sortDiagnostics(capPerCode([...bundle.diagnostics, ...front.diagnostics]));
  if (hasErrors(diagnostics) || !front.ir) return { valid: false, diagnostics };
  return { valid: true, diagnostics, ir: front.ir };
}
