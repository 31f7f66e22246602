// Ports whose protocol nothing states (ML4035, info): Istio detects it from the traffic,
// meshlog serves them as HTTP and says so at the port, for Kubernetes Services and ServiceEntries.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function notes(yaml: string): string[] {
  return buildIr([file('a.yaml', yaml)]).diagnostics.filter((d) => d.code === 'ML4035').map((d) => `${d.severity} ${d.line} ${d.field}`);
}

describe('ports served as HTTP for want of a protocol', () => {
  it("are noted on a Service port whose name and appProtocol say nothing, not on one they name (or UDP)", () => {
    expect(
      notes(`apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  ports:
  - {port: 5432}
  - {name: metrics, port: 9090}
  - {name: tcp-postgres, port: 5433}
  - {name: web, port: 8080, appProtocol: http}
  - {name: dns, port: 53, protocol: UDP}
`),
    ).toEqual(['info 6 spec.ports[0]', 'info 7 spec.ports[1]']);
  });

  it('are noted on a ServiceEntry port without protocol', () => {
    expect(
      notes(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: broker, namespace: shop}
spec:
  hosts: [broker.example.net]
  ports: [{number: 5672, name: amqp}, {number: 443, name: https, protocol: HTTPS}]
  resolution: DNS
`),
    ).toEqual(['info 6 spec.ports[0]']);
  });
});
