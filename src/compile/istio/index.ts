// Istio front end: YAML files → validated resources → MeshIR. (Being built.)
import type { Diagnostic } from '../../core/diagnostics.ts';
import type { SourceFile } from '../../ingest/source-bundle.ts';
import type { MeshIR } from '../ir/types.ts';

export interface FrontEndResult {
  readonly ir?: MeshIR;
  readonly diagnostics: readonly Diagnostic[];
}

export function buildIr(_files: readonly SourceFile[]): FrontEndResult {
  throw new Error('buildIr: not implemented yet');
}
