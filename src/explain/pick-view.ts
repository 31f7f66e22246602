// Which view's configuration the request is simulated against. Default: the sidecar view of
// MeshConfig's default namespace, where config without metadata.namespace lives, so short
// names as written there (`reviews:9080`) resolve as they would for its pods; when that
// namespace has no view of its own, the default sidecar view (what a pod of any other
// namespace gets). A gateway may be named as `ns/name`; it names the view that holds it.
import type { IrView, MeshIR } from '../compile/ir/types.ts';
import { gatewayKeyOf } from '../snapshot/select-view.ts';

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
  // A Gateway by `ns/name`, or by the view name it would have alone: Gateways with one
  // selector share the view named after the first of them.
  const key = gatewayKeyOf(requested);
  if (key === undefined) return undefined;
  const [ns, name] = key.split('/');
  return ir.views.find((v) => v.kind === 'gateway' && (v.gateways?.includes(key) ?? v.name === `gateway~${ns}~${name}`));
}
