// A VirtualService host (ML4017) or destination host (ML4001) that only a wildcard ServiceEntry
// host covers: the hint says why the wildcard does not serve it, rather than offering the
// wildcard as a typo fix ("did you mean *.example.com?").
import { describe, expect, it } from 'vitest';
import { compileYaml } from '../../support/compile-yaml.ts';

const YAML = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: a, namespace: web}
spec:
  hosts: [a.example.com]
  http:
  - route: [{destination: {host: a.example.com}}]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: w, namespace: web}
spec:
  hosts: ['*.example.com']
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  endpoints: [{address: proxy.example.net}]
`;

describe('unknown hosts a wildcard ServiceEntry host covers', () => {
  const messages = (code: string) => compileYaml(YAML).diagnostics.filter((d) => d.code === code).map((d) => d.message);

  it('ML4017 explains the wildcard instead of suggesting it as a typo fix', () => {
    expect(messages('ML4017')).toEqual([
      'host a.example.com has no Service or ServiceEntry, so sidecars ignore this VirtualService for it; the ServiceEntry host *.example.com covers it, but sidecars have a virtual host for *.example.com only, not one for each host it covers: list a.example.com in a ServiceEntry, or write *.example.com as the VirtualService host',
    ]);
  });

  it('ML4001 keeps the destination wording', () => {
    expect(messages('ML4001')).toEqual([
      'destination host a.example.com is not defined by any Service or ServiceEntry in the repository; the ServiceEntry host *.example.com covers it, but Istio routes a destination only to the service of exactly its host: write *.example.com as the destination host, or list a.example.com in a ServiceEntry',
    ]);
  });
});
