// VirtualServices for the same host bound to one Gateway are merged, as Istio does on
// gateways (QA t8): rules concatenated in (namespace, name) order, said by an info
// diagnostic; on sidecars the same situation stays an error.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { file } from './support.ts';

const BASE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  ports: [{ name: http, port: 80 }]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: default }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: ["*"]
`;

function vs(name: string, namespace: string, rules: string, gateways = '[default/gw]'): string {
  return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  hosts: [shop.example.com]
  gateways: ${gateways}
  http:
${rules}`;
}

const route = (prefix: string) => `    - match: [{ uri: { prefix: ${prefix} } }]\n      route: [{ destination: { host: web.default.svc.cluster.local } }]\n`;

describe('VirtualServices merged on a Gateway', () => {
  it('concatenates the rules in (namespace, name) order and says so on each VirtualService', () => {
    // Written in the file out of order: z-team/a after default/b.
    const text = BASE + vs('b', 'default', route('/b')) + vs('a', 'z-team', route('/z')) + vs('a', 'default', route('/a'));
    const result = buildIr([file('a.yaml', text)]);
    expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
    const view = result.ir?.views.find((v) => v.name === 'gateway~default~gw');
    const vhost = view?.routeTables[0]?.virtualHosts.find((h) => h.name === 'shop.example.com:80');
    expect(vhost?.routes.map((r) => r.name)).toEqual([
      'vs/default/a/http/0/match/0',
      'vs/default/b/http/0/match/0',
      'vs/z-team/a/http/0/match/0',
    ]);
    const infos = result.diagnostics.filter((d) => d.code === 'ML4021');
    expect(infos.map((d) => `${d.resource?.namespace}/${d.resource?.name}`).sort()).toEqual(['default/a', 'default/b', 'z-team/a']);
    expect(infos[0]?.severity).toBe('info');
    expect(infos[0]?.message).toMatch(/1\. VirtualService default\/a .*2\. VirtualService default\/b .*3\. VirtualService z-team\/a/);
    expect(infos[0]?.related).toHaveLength(2);
  });

  it('puts catch-all routes last, as Istio does: an earlier catch-all hides only a later catch-all, not specific rules', () => {
    const catchAll = '    - route: [{ destination: { host: web.default.svc.cluster.local } }]\n';
    const merged = buildIr([file('a.yaml', BASE + vs('a', 'default', catchAll) + vs('b', 'default', route('/b') + catchAll))]);
    const routes = merged.ir!.views.find((v) => v.kind === 'gateway')!.routeTables[0]!.virtualHosts[0]!.routes.map((r) => r.name);
    expect(routes).toEqual(['vs/default/b/http/0/match/0', 'vs/default/a/http/0/match/0', 'vs/default/b/http/1/match/0']);
    const d7 = merged.diagnostics.filter((d) => d.code === 'ML4007');
    expect(d7).toHaveLength(1); // b's catch-all: a's comes first among the catch-alls
    expect(d7[0]).toMatchObject({ severity: 'warning', resource: { name: 'b' }, field: 'spec.http[1]' });
    expect(d7[0]?.message).toContain('spec.http[0] of VirtualService default/a (a.yaml:23), merged before it, also matches every request');
    expect(d7[0]?.related?.[0]).toMatchObject({ line: 23, resource: { name: 'a' } });
    expect(merged.diagnostics.find((d) => d.code === 'ML4021')?.message).toContain('catch-all rules last');
  });

  it('reports a later VirtualService match shadowed by an earlier one', () => {
    const shadowed = buildIr([file('a.yaml', BASE + vs('a', 'default', route('/api')) + vs('b', 'default', route('/x') + route('/api/v2')))]);
    const d8 = shadowed.diagnostics.filter((d) => d.code === 'ML4008');
    expect(d8).toHaveLength(1);
    expect(d8[0]).toMatchObject({ resource: { name: 'b' }, field: 'spec.http[1].match[0]' });
    expect(d8[0]?.message).toContain('spec.http[0].match[0]');
    expect(shadowed.ir).toBeDefined(); // warnings only
  });

  it('is still an error on sidecars, and the message says why', () => {
    const text = BASE + vs('a', 'default', route('/a'), '[mesh]').replaceAll('shop.example.com', 'web') + vs('b', 'default', route('/b'), '[mesh]').replaceAll('shop.example.com', 'web');
    const result = buildIr([file('a.yaml', text)]);
    const errors = result.diagnostics.filter((d) => d.code === 'ML4006');
    expect(errors).toHaveLength(2);
    expect(errors[0]?.severity).toBe('error');
    expect(errors[0]?.message).toContain('on sidecars Istio uses only one of them (only Gateways merge VirtualServices)');
    expect(result.ir).toBeUndefined();
  });
});
