// Field paths name a key that is not a plain name in brackets, whichever check reports it:
// the cross-resource checks (ML4015 on the endpoints annotation) as the per-resource ones
// (ML3048 on an unknown meshlog annotation, headers["x-user:id"]).
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { formatDiagnostic } from '../../../src/core/diagnostics.ts';
import { file } from './support.ts';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: bookinfo
  annotations:
    meshlog.dev/endpoints: |
      10.20.3.10 version=v1
      10.20.3.311 version=v2
    meshlog.dev/endpoint: "10.0.0.1"
spec:
  ports:
  - name: http
    port: 9080
`;

describe('field paths of annotation keys', () => {
  it('are written with brackets by every check', () => {
    const found = buildIr([file('svc.yaml', SERVICE)]).diagnostics.filter((d) => d.severity !== 'info');
    expect(found.map(formatDiagnostic)).toEqual([
      'svc.yaml:10:5: warning ML3048: unknown meshlog annotation "meshlog.dev/endpoint", so it is ignored; did you mean "meshlog.dev/endpoints"? [metadata.annotations["meshlog.dev/endpoint"]]',
      'svc.yaml:9:7: error ML4015: endpoint "10.20.3.311" is not an IP address (IPv4: four numbers 0-255 without leading zeros, e.g. 10.0.0.7; or IPv6) [metadata.annotations["meshlog.dev/endpoints"]]',
    ]);
  });
});
