// explain cites the match entry that matched, found again in the rule's file.
import { describe, expect, it } from 'vitest';
import type { IrRoute } from '../../src/compile/ir/types.ts';
import { entrySourceIn } from '../../src/explain/entry-source.ts';

const FILE = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: a}
spec:
  hosts: [web]
  http:
  - match:
    - uri: {prefix: /a1}
    - uri: {prefix: /a2}
    route: [{destination: {host: web}}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: web, namespace: b}
spec:
  hosts: [web]
  http:
  - match:
    - uri: {prefix: /b1}
    - uri: {prefix: /b2}
    route: [{destination: {host: web}}]
  - route: [{destination: {host: web}}]
`;

function route(namespace: string, rule: number, entry: number, line: number): IrRoute {
  return {
    name: `vs/${namespace}/web/http/${rule}/match/${entry}`,
    source: { file: 'dup.yaml', line, column: 5, kind: 'VirtualService', namespace, name: 'web', field: `spec.http[${rule}]` },
  } as IrRoute;
}

describe('entrySourceIn', () => {
  const locate = entrySourceIn([{ path: 'dup.yaml', bytes: new TextEncoder().encode(FILE) }]);

  it('finds the entry in the VirtualService of the route own namespace, when a file holds two of one name', () => {
    expect(locate(route('b', 0, 1, 18))).toMatchObject({ line: 20, field: 'spec.http[0].match[1]', namespace: 'b' });
    expect(locate(route('a', 0, 1, 7))).toMatchObject({ line: 9, field: 'spec.http[0].match[1]', namespace: 'a' });
  });

  it('gives nothing for a rule without match list, or a file it cannot find: the rule is cited', () => {
    expect(locate(route('b', 1, 0, 21))).toBeUndefined();
    expect(entrySourceIn([])(route('b', 0, 1, 18))).toBeUndefined();
  });
});
