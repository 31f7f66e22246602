// Port names index plain objects (an endpoint's `ports`): a valid port name that is also an
// Object.prototype member (`constructor`, `toString`) must read as any other name. It used to
// read the prototype's function as the endpoint port, and `meshlog compile` then failed with
// an internal error.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { compileYaml } from '../../support/compile-yaml.ts';
import { file } from './support.ts';

const yaml = (name: string, endpoint: string) => `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: db, namespace: shop}
spec:
  hosts: [db.example.internal]
  ports: [{number: 5432, name: ${name}, protocol: TCP, targetPort: 6432}]
  resolution: STATIC
  endpoints: [${endpoint}]
`;

describe('port names that are Object.prototype members', () => {
  it.each([['constructor'], ['toString'], ['hasOwnProperty']])('a port named %s uses the targetPort, or the endpoint own port for it', (name) => {
    const ports = (text: string) => buildIr([file('a.yaml', text)]).ir!.endpoints.flatMap((e) => e.endpoints.map((x) => x.port));
    expect(ports(yaml(name, '{address: 10.0.0.1}'))).toEqual([6432]);
    expect(ports(yaml(name, `{address: 10.0.0.1, ports: {${name}: 7000}}`))).toEqual([7000]);
    expect(compileYaml(yaml(name, '{address: 10.0.0.1}')).snapshot).toBeDefined();
  });
});
