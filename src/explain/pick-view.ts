// Which view's configuration the request is simulated against. Default: the default sidecar
// view (what a pod without a Sidecar resource gets). A gateway may be named as `ns/name`.
import type { IrView, MeshIR } from '../compile/ir/types.ts';

export function pickView(ir: MeshIR, requested: string | undefined): IrView | undefined {
  if (requested === undefined) {
    return ir.views.find((v) => v.kind === 'sidecar' && v.namespaces.length === 0) ?? ir.views.find((v) => v.name === 'sidecar');
  }
  const exact = ir.views.find((v) => v.name === requested);
  if (exact) return exact;
  const parts = requested.split('/');
  if (parts.length === 2) return ir.views.find((v) => v.name === `gateway~${parts[0]}~${parts[1]}`);
  return undefined;
}
