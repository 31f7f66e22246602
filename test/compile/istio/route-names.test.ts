// Envoy route names follow the rule's `name:` (as Istio's do), so inserting a rule does not
// rename the routes after it in a snapshot diff (QA item 18); unnamed rules keep the index.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

function routeNames(rules: string): { names: string[]; codes: string[] } {
  const text = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  ports: [{ name: http, port: 80 }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: web, namespace: default }
spec:
  hosts: [web]
  http:
${rules}`;
  const result = buildIr([file('a.yaml', text)]);
  const view = result.ir?.views.find((v) => v.name === 'sidecar~default');
  const vhost = view?.routeTables[0]?.virtualHosts.find((h) => h.name === 'web.default.svc.cluster.local:80');
  return { names: vhost?.routes.map((r) => r.name) ?? [], codes: result.diagnostics.map((d) => d.code) };
}

const rule = (name: string | undefined, prefix: string) =>
  `    - ${name !== undefined ? `name: ${name}\n      ` : ''}match: [{ uri: { prefix: ${prefix} } }, { uri: { prefix: ${prefix}2 } }]\n      route: [{ destination: { host: web } }]\n`;

describe('route names', () => {
  it('use the rule name when present, the index otherwise', () => {
    const { names, codes } = routeNames(rule('beta', '/beta') + rule(undefined, '/x'));
    expect(codes).toEqual([]);
    expect(names).toEqual([
      'vs/default/web/http/beta/match/0',
      'vs/default/web/http/beta/match/1',
      'vs/default/web/http/1/match/0',
      'vs/default/web/http/1/match/1',
    ]);
  });

  it('do not change for named rules when a rule is inserted before them', () => {
    const before = routeNames(rule('beta', '/beta') + rule('api', '/api')).names;
    const after = routeNames(rule('new', '/new') + rule('beta', '/beta') + rule('api', '/api')).names;
    expect(after.slice(2)).toEqual(before);
  });

  it('warn about a repeated rule name and fall back to the index for the later rule', () => {
    const { names, codes } = routeNames(rule('same', '/a') + rule('same', '/b') + rule('"1"', '/c'));
    expect(codes).toEqual(['ML4022']);
    // Rule 2 is named "1", which rule 1's fallback already took: it falls back too.
    expect(names.filter((n) => n.endsWith('/match/0'))).toEqual([
      'vs/default/web/http/same/match/0',
      'vs/default/web/http/1/match/0',
      'vs/default/web/http/2/match/0',
    ]);
    expect(new Set(names).size).toBe(names.length);
  });
});
