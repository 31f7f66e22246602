// TLS origination (DestinationRule tls.mode SIMPLE) checks the server as Istio does by default:
// against the rule's caCertificates, else the proxy's system CA bundle (MeshConfig
// defaults.caCertificates, which "" turns off), never with insecureSkipVerify.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function caOf(tls: string, meshConfig = ''): string | undefined {
  const yaml = `${meshConfig}apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: api, namespace: default}
spec:
  hosts: [api.example.test]
  ports: [{number: 443, name: http-tls, protocol: HTTP}]
  resolution: DNS
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: api, namespace: default}
spec:
  host: api.example.test
  trafficPolicy: {tls: ${tls}}
`;
  const { ir, diagnostics } = buildIr([file('a.yaml', yaml)]);
  if (!ir) throw new Error(JSON.stringify(diagnostics));
  const cluster = ir.clusters.find((c) => c.host === 'api.example.test')!;
  expect(cluster.tls?.mode).toBe('simple');
  return cluster.tls!.caCertificatesFile;
}

const meshConfig = (ca: string) => `apiVersion: meshlog.dev/v1alpha1
kind: MeshConfig
metadata: {name: mesh}
spec: {defaults: {caCertificates: "${ca}"}}
---
`;

describe('upstream TLS verification', () => {
  it("uses the rule's CAs, else the proxy's system bundle", () => {
    expect(caOf('{mode: SIMPLE, caCertificates: /etc/certs/api-ca.pem}')).toBe('/etc/certs/api-ca.pem');
    expect(caOf('{mode: SIMPLE}')).toBe('/etc/ssl/certs/ca-certificates.crt');
  });

  it('takes the system bundle from MeshConfig, and checks nothing with "" or insecureSkipVerify', () => {
    expect(caOf('{mode: SIMPLE}', meshConfig('/etc/pki/tls/certs/ca-bundle.crt'))).toBe('/etc/pki/tls/certs/ca-bundle.crt');
    expect(caOf('{mode: SIMPLE}', meshConfig(''))).toBeUndefined();
    expect(caOf('{mode: SIMPLE, insecureSkipVerify: true}')).toBeUndefined();
  });
});
