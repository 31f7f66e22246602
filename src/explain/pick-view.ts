// Which view's configuration the request is simulated against. Default: the sidecar view of
// MeshConfig's default namespace, where config without metadata.namespace lives, so short
// names as written there (`reviews:9080`) resolve as they would for its pods; when that
// namespace has no view of its own, the default sidecar view (what a pod of any other
// namespace gets). A gateway may be named as `ns/name`.
import type { IrView, MeshIR } from '../compile/ir/types.ts';

export function pickView(ir: MeshIR, requested: string | undefined): IrView | undefined {
  if (requested === undefined) {
    const ns = ir.settings.defaultNamespace ?? 'default';
    return (
      ir.views.find((v) => v.kind === 'sidecar' && v.name === `sidecar~${ns}`) ??
      ir.views.find((v) => v.kind === 'sidecar' && v.namespaces.length === 0) ??
      ir.views.find((v) => v.name === 'sidecar')
    );
  }
  const exact = ir.views.find((v) => v.name === requested);
  if (exact) return exact;
  const parts = requested.split('/');
  if (parts.length === 2) return ir.views.find((v) => v.name === `gateway~${parts[0]}~${parts[1]}`);
  return undefined;
}
