// A Service port with a named targetPort on a Service that states its endpoints (ML4044): the
// name is a container port only the pods' specs resolve, so meshlog sends to the Service port.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function service(ports: string, annotation = '10.0.0.1 version=v1'): string {
  return `apiVersion: v1
kind: Service
metadata:
  name: reviews
  namespace: shop
  annotations:
    meshlog.dev/endpoints: ${annotation}
spec:
  selector: {app: reviews}
  ports:
${ports}
`;
}

function warnings(yaml: string): string[] {
  return buildIr([file('a.yaml', yaml)])
    .diagnostics.filter((d) => d.code === 'ML4044')
    .map((d) => `${d.severity} ${d.line}:${d.column} ${d.field} ${d.message}`);
}

describe('named targetPort with stated endpoints', () => {
  it('warns at the targetPort, naming the port the endpoints get instead, and still compiles them there', () => {
    const yaml = service('  - {name: http, port: 9080, targetPort: http-web}\n  - {name: grpc, port: 9090, targetPort: 9091}');
    expect(warnings(yaml)).toEqual([
      expect.stringMatching(/^warning 11:30 spec\.ports\[0\]\.targetPort targetPort "http-web" is a container port name, .* get port 9080, the Service port/),
    ]);
    const endpoints = buildIr([file('a.yaml', yaml)]).ir!.endpoints.map((e) => `${e.clusterName} ${e.endpoints.map((x) => x.port).join(',')}`);
    expect(endpoints).toEqual(['outbound|9080||reviews.shop.svc.cluster.local 9080', 'outbound|9090||reviews.shop.svc.cluster.local 9091']);
  });

  it('says nothing without stated endpoints (Kubernetes supplies them, with the resolved port), or for a UDP port', () => {
    const noEndpoints = `apiVersion: v1
kind: Service
metadata: {name: reviews, namespace: shop}
spec:
  ports: [{name: http, port: 9080, targetPort: http-web}]
`;
    expect(warnings(noEndpoints)).toEqual([]);
    expect(warnings(service('  - {name: dns, port: 53, protocol: UDP, targetPort: dns}\n  - {name: http, port: 9080}'))).toEqual([]);
    expect(warnings(service('  - {name: sig, port: 3868, protocol: SCTP, targetPort: sig}'))).toEqual([]);
    expect(warnings(service('  - {name: http, port: 9080, targetPort: http-web}', '""'))).toEqual([]);
  });

  it('says nothing for an empty targetPort (Kubernetes makes it the port) or an ExternalName Service (no endpoints of its own)', () => {
    expect(warnings(service('  - {name: http, port: 9080, targetPort: ""}'))).toEqual([]);
    const external = `apiVersion: v1
kind: Service
metadata: {name: payments, namespace: shop}
spec:
  type: ExternalName
  externalName: payments.example.com
  ports: [{name: https, port: 443, targetPort: https}]
`;
    expect(warnings(external)).toEqual([]);
  });

  it('calls a number in quotes what it is: no port name, which Kubernetes refuses', () => {
    expect(warnings(service('  - {name: http, port: 9080, targetPort: "8080"}'))).toEqual([
      expect.stringMatching(/^warning 11:30 spec\.ports\[0\]\.targetPort targetPort "8080" is a string, and not a port name .* get port 9080, .* Write the number without quotes$/),
    ]);
  });
});
