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

  it('are noted on a Service port whose appProtocol names no protocol Istio knows, whatever its name: Istio reads the name only without one', () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  ports:
  - {name: grpc, port: 9090, appProtocol: example.com/rpc}
  - {name: tcp-postgres, port: 5432, appProtocol: http-admin}
`;
    expect(notes(yaml)).toEqual(['info 6 spec.ports[0]']);
    const ports = buildIr([file('a.yaml', yaml)]).ir!.clusters.map((c) => `${c.port} http2=${c.http2}`);
    expect(ports).toEqual(['5432 http2=false', '9090 http2=false']);
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

  it('are TCP on the ports Istio knows as TCP (SMTP, DNS, MySQL, MongoDB) when nothing names them: a TCP proxy, no note', () => {
    const yaml = `apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  ports:
  - {port: 3306}
  - {port: 27017}
  - {port: 25}
  - {name: http-admin, port: 53}
  - {port: 8080}
`;
    expect(notes(yaml)).toEqual(['info 10 spec.ports[4]']);
    const { ir } = buildIr([file('a.yaml', yaml)]);
    const view = ir!.views.find((v) => v.name === 'sidecar')!;
    const kind = (port: number) => {
      const l = view.listeners.find((x) => x.port === port)!;
      return l.routeTableName === '' ? 'tcp' : 'http';
    };
    expect([3306, 27017, 25, 53, 8080].map(kind)).toEqual(['tcp', 'tcp', 'tcp', 'http', 'http']);
  });
});
