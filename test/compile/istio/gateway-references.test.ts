// A VirtualService's `gateways: [name]` means a Gateway in its own namespace; when that one is
// missing but one of the name lives elsewhere, ML4005 names it as the reference to write.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { file } from './support.ts';

const gateway = (namespace: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: my-gw
  namespace: ${namespace}
spec:
  selector:
    istio: ingressgateway-${namespace}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts:
    - "*/foo.example.com"
`;
const VIRTUAL_SERVICE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: foo
  namespace: bookinfo
spec:
  hosts:
  - foo.example.com
  gateways:
  - my-gw
  http:
  - route:
    - destination:
        host: productpage
        port: {number: 9080}
`;
const SERVICE = 'apiVersion: v1\nkind: Service\nmetadata: {name: productpage, namespace: bookinfo}\nspec:\n  ports: [{name: http, port: 9080}]\n';

const errors = (files: Record<string, string>) =>
  buildIr(Object.entries(files).map(([name, text]) => file(name, text))).diagnostics.filter((d) => d.severity === 'error');

describe('a Gateway reference without namespace', () => {
  it('suggests the Gateway of that name in another namespace, pointing at it', () => {
    const found = errors({ 'gw.yaml': gateway('other-ns'), 'vs.yaml': VIRTUAL_SERVICE, 'svc.yaml': SERVICE });
    expect(found.map(formatDiagnostic)).toEqual([
      'vs.yaml:10:5: error ML4005: Gateway bookinfo/my-gw does not exist in the repository; did you mean "other-ns/my-gw"? A Gateway in another namespace is referred to as <namespace>/<name> [spec.gateways[0]]',
    ]);
    expect(found[0]!.related).toEqual([{ resource: { kind: 'Gateway', namespace: 'other-ns', name: 'my-gw' }, file: 'gw.yaml', line: 4, column: 3 }]);
  });

  it('lists every namespace that has one, and says nothing more when none has', () => {
    const both = errors({ 'a.yaml': gateway('edge-b'), 'b.yaml': gateway('edge-a'), 'vs.yaml': VIRTUAL_SERVICE, 'svc.yaml': SERVICE });
    expect(both.map((d) => d.message)).toEqual([
      'Gateway bookinfo/my-gw does not exist in the repository; did you mean "edge-a/my-gw" or "edge-b/my-gw"? A Gateway in another namespace is referred to as <namespace>/<name>',
    ]);
    expect(errors({ 'vs.yaml': VIRTUAL_SERVICE, 'svc.yaml': SERVICE }).map((d) => d.message)).toEqual(['Gateway bookinfo/my-gw does not exist in the repository']);
  });
});
