// IR → Envoy v3 resources → Snapshot. Imports only IR types. (Being built.)
import type { Snapshot } from '../../snapshot/types.ts';
import type { MeshIR } from '../ir/types.ts';

export function assembleSnapshot(_ir: MeshIR, _commit: string | null): Snapshot {
  throw new Error('assembleSnapshot: not implemented yet');
}
