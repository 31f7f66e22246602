// Gateways with the very same selector configure the same proxies: one view holds all their
// servers, as Istio merges them. The view is named after the first Gateway (namespace, then
// name); explain, proxies naming a Gateway in node.cluster and diff still find it.
import { describe, expect, it } from 'vitest';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { assembleSnapshot } from '../../../src/compile/xds/index.ts';
import { diffIr, renderDiffText } from '../../../src/diff/index.ts';
import { explain } from '../../../src/explain/explain.ts';
import { parseRequest } from '../../../src/explain/parse-request.ts';
import { selectView, viewNamed } from '../../../src/snapshot/select-view.ts';
import { file } from './support.ts';

const SERVICE = `apiVersion: v1
kind: Service
metadata: { name: web, namespace: shared }
spec:
  ports: [{ name: http, port: 80 }]
`;

/** One team's Gateway `edge` (port 80, its host in its own namespace) and VirtualService `site` for the host. */
function team(ns: string, host: string, selector = 'istio: ingressgateway'): string {
  return gw(ns, 'edge', 80, `${ns}/${host}`, false, selector) + vsOn(ns, 'site', host, 'edge', `    - route: [{ destination: { host: web.shared.svc.cluster.local } }]\n`);
}

const compile = (...teams: string[]) => {
  const result = buildIr([file('mesh.yaml', SERVICE + teams.join(''))]);
  expect(result.diagnostics.filter((d) => d.severity !== 'info')).toEqual([]);
  return result;
};

const request = (text: string) => {
  const p = parseRequest(text);
  if (!p.ok) throw new Error(p.error);
  return p.request;
};

/** A Gateway with one HTTP server, selecting the ingress proxies. */
function gw(ns: string, name: string, port: number, host: string, redirect = false, selector = 'istio: ingressgateway'): string {
  return `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${ns} }
spec:
  selector: { ${selector} }
  servers:
    - port: { number: ${port}, name: http, protocol: HTTP }
      hosts: ["${host}"]${redirect ? '\n      tls: { httpsRedirect: true }' : ''}
`;
}
/** A VirtualService on one host, bound to `gateway`. */
function vsOn(ns: string, name: string, host: string, gateway: string, rules: string): string {
  return `---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ${name}, namespace: ${ns} }
spec:
  hosts: [${host}]
  gateways: [${gateway}]
  http:
${rules}`;
}
/** A rule's route to the shared service. */
const to = '      route: [{ destination: { host: web.shared.svc.cluster.local } }]\n';
/** Diagnostic codes other than info, ML4021 (merge notes) kept. */
const codes = (r: ReturnType<typeof buildIr>) => r.diagnostics.filter((d) => d.severity !== 'info' || d.code === 'ML4021').map((d) => d.code);


describe('Gateways with one selector', () => {
  it('share one view, named after the first, with every server and each VirtualService on its own Gateway', () => {
    const { ir, diagnostics } = compile(team('team-b', 'b.example.com'), team('team-a', 'a.example.com'));
    const gateways = ir!.views.filter((v) => v.kind === 'gateway');
    expect(gateways.map((v) => [v.name, v.gateways])).toEqual([['gateway~team-a~edge', ['team-a/edge', 'team-b/edge']]]);
    expect(gateways[0]!.routeTables[0]!.virtualHosts.map((h) => h.name)).toEqual(['a.example.com:80', 'b.example.com:80']);
    expect(diagnostics.map((d) => `${d.code} ${d.severity} ${d.resource?.namespace}`)).toEqual(['ML4028 info team-a', 'ML4028 info team-b']);
  });

  it('order Gateways by namespace, then name (team before team-a, though "team-a/" < "team/")', () => {
    const { ir } = compile(team('team-a', 'a.example.com'), team('team', 'b.example.com'));
    expect(ir!.views.filter((v) => v.kind === 'gateway').map((v) => [v.name, v.gateways])).toEqual([['gateway~team~edge', ['team/edge', 'team-a/edge']]]);
  });

  it('keep separate views for different selectors', () => {
    const { ir } = compile(team('team-a', 'a.example.com'), team('team-b', 'b.example.com', 'istio: internal'));
    expect(ir!.views.filter((v) => v.kind === 'gateway').map((v) => v.name)).toEqual(['gateway~team-a~edge', 'gateway~team-b~edge']);
  });

  it('are found by either Gateway: explain --view ns/name, and a proxy naming it in node.cluster', () => {
    const { ir } = compile(team('team-a', 'a.example.com'), team('team-b', 'b.example.com'));
    const e = explain(ir!, request('GET http://b.example.com/'), { view: 'team-b/edge' });
    expect(e.view).toBe('gateway~team-a~edge');
    expect(e.outcome.kind).toBe('forward');
    const snapshot = assembleSnapshot(ir!, null);
    expect(snapshot.views.find((v) => v.kind === 'gateway')?.mergedGateways).toEqual(['team-a/edge', 'team-b/edge']);
    expect(selectView(snapshot, { id: 'p', cluster: 'gateway~team-b~edge' })?.name).toBe('gateway~team-a~edge');
    // compile --view takes the same names.
    expect(viewNamed(snapshot, 'team-b/edge')?.name).toBe('gateway~team-a~edge');
    expect(viewNamed(snapshot, 'gateway~team-c~edge')).toBeUndefined();
  });

  it('diff a view renamed by a new first Gateway as one view: only the new hosts show', () => {
    const before = compile(team('team-b', 'b.example.com')).ir!;
    const after = compile(team('team-a', 'a.example.com'), team('team-b', 'b.example.com')).ir!;
    const d = diffIr(before, after);
    expect(d.counts).toMatchObject({ viewsAdded: 0, viewsRemoved: 0, viewsRenamed: 1, hostsAdded: 1, hostsRemoved: 0 });
    const text = renderDiffText(d);
    expect(text).toContain('~ view gateway~team-a~edge (was gateway~team-b~edge)');
    expect(text).toContain('+ a.example.com:80');
  });

  it("diff says when a gateway view's selector changes: other proxies get it", () => {
    const before = compile(team('team-a', 'a.example.com')).ir!;
    const after = compile(team('team-a', 'a.example.com', 'istio: internal')).ir!;
    const d = diffIr(before, after);
    expect(d.empty).toBe(false);
    expect(d.counts.selectorsChanged).toBe(1);
    expect(renderDiffText(d)).toContain('~ selector istio=ingressgateway → istio=internal (which proxies get the view)');
  });

  it("route a VirtualService bound to two of them with each Gateway's match entries", () => {
    const yaml = SERVICE + gw('team-a', 'public', 80, '*.example.com') + gw('team-b', 'app', 8080, 'app.example.com') +
      vsOn('team-b', 'app', 'app.example.com', 'team-a/public, team-b/app', `    - match: [{ uri: { prefix: /b }, gateways: [team-b/app] }]\n${to}    - match: [{ uri: { prefix: /a }, gateways: [team-a/public] }]\n${to}`);
    const ir = buildIr([file('mesh.yaml', yaml)]).ir!;
    const view = ir.views.find((v) => v.kind === 'gateway')!;
    const routesOn = (table: string) => view.routeTables.find((t) => t.name === table)!.virtualHosts.flatMap((h) => h.routes.map((r) => r.name));
    expect(routesOn('http.80')).toEqual(['vs/team-b/app/http/1/match/0']);
    expect(routesOn('http.8080')).toEqual(['vs/team-b/app/http/0/match/0']);
    // Both Gateways serving the host on one port: one virtual host with the rules of both, in
    // Istio's order: the first Gateway's server (team-a/public) first, then team-b/app's.
    const samePort = buildIr([file('mesh.yaml', yaml.replace('number: 8080,', 'number: 80,'))]).ir!;
    const host = samePort.views.find((v) => v.kind === 'gateway')!.routeTables[0]!.virtualHosts.find((h) => h.name === 'app.example.com:80')!;
    expect(host.routes.map((r) => r.name)).toEqual(['vs/team-b/app/http/1/match/0', 'vs/team-b/app/http/0/match/0']);
  });

  it('redirect the hosts of an httpsRedirect server that no VirtualService routes (the platform team\'s port 80)', () => {
    const edge = gw('istio-system', 'redirect', 80, '*', true);
    const ir = buildIr([file('mesh.yaml', SERVICE + edge + gw('team-a', 'edge', 8080, 'a.example.com') + vsOn('team-a', 'site', 'a.example.com', 'edge', to.replace('      route', '    - route')))]).ir!;
    const view = ir.views.find((v) => v.kind === 'gateway')!;
    const e = explain(ir, request('GET http://a.example.com/x'), { view: view.name });
    expect(e.outcome).toMatchObject({ kind: 'redirect', status: 301, location: 'https://a.example.com/x' });
  });

  describe('merged routes and their checks, as Istio builds a gateway route table', () => {
    it('VirtualServices on different ports of one view are not merged, and not checked against each other', () => {
      const rules = `    - match: [{ uri: { prefix: /api } }]\n${to}    - route: [{ destination: { host: web.shared.svc.cluster.local } }]\n`;
      const r = buildIr([file('m.yaml', SERVICE + gw('a', 'g1', 80, 'x.example.com') + gw('a', 'g2', 8080, 'x.example.com') + vsOn('a', 'p', 'x.example.com', 'g1', rules) + vsOn('a', 'q', 'x.example.com', 'g2', rules))]);
      expect(codes(r)).toEqual([]);
    });

    it('a match on port alone is a catch-all there: moved last, it hides no later VirtualService', () => {
      const r = buildIr([file('m.yaml', SERVICE + gw('a', 'g1', 80, 'x.example.com') +
        vsOn('a', 'v1', 'x.example.com', 'g1', `    - match: [{ port: 80 }]\n${to}`) +
        vsOn('a', 'v2', 'x.example.com', 'g1', `    - match: [{ port: 80, uri: { prefix: /api } }]\n${to}`))]);
      expect(codes(r)).toEqual(['ML4021', 'ML4021']);
      const routes = r.ir!.views.find((v) => v.kind === 'gateway')!.routeTables[0]!.virtualHosts[0]!.routes.map((x) => x.name);
      expect(routes).toEqual(['vs/a/v2/http/0/match/0', 'vs/a/v1/http/0/match/0']);
    });

    it('checks each port of a view, and reports hosts made up the same way once', () => {
      const twoPorts = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: g1, namespace: a }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: ["*"]
    - port: { number: 8080, name: http-alt, protocol: HTTP }
      hosts: ["*"]
`;
      const r = buildIr([file('m.yaml', SERVICE + twoPorts +
        vsOn('a', 'v1', 'x.example.com', 'g1', `    - match: [{ uri: { prefix: /api }, port: 8080 }]\n${to}`) +
        vsOn('a', 'v2', 'x.example.com', 'g1', `    - match: [{ uri: { prefix: /api/v1 } }]\n${to}`))]);
      // Port 80: only v2 routes x.example.com (no merge); port 8080: v1's /api shadows v2's /api/v1.
      expect(codes(r)).toEqual(['ML4021', 'ML4021', 'ML4008']);
      expect(r.diagnostics.find((d) => d.code === 'ML4008')?.message).toContain('(port 8080)');

      const many = `---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: g1, namespace: a }
spec:
  selector: { istio: ingressgateway }
  servers:
    - port: { number: 80, name: http, protocol: HTTP }
      hosts: [${Array.from({ length: 50 }, (_, i) => `h${i}.example.com`).join(', ')}]
`;
      const wide = buildIr([file('m.yaml', SERVICE + many +
        vsOn('a', 'v1', '"*.example.com"', 'g1', `    - match: [{ uri: { prefix: /api } }]\n${to}`) +
        vsOn('a', 'v2', '"*.example.com"', 'g1', `    - match: [{ uri: { prefix: /api/v1 } }]\n${to}`))]);
      expect(codes(wide)).toEqual(['ML4021', 'ML4021', 'ML4008']);
      expect(wide.diagnostics[0]!.message).toContain('hosts h0.example.com, h1.example.com, h2.example.com and 47 more on port 80');
    });

    it('does not count a VirtualService that gives the host no route through this Gateway', () => {
      const r = buildIr([file('m.yaml', SERVICE + gw('a', 'g1', 80, 'x.example.com') + gw('a', 'internal', 80, 'x.example.com', false, 'istio: internal') +
        vsOn('a', 'v1', 'x.example.com', 'g1', to.replace('      route', '    - route')) +
        vsOn('a', 'v2', 'x.example.com', '[g1, internal]'.slice(1, -1), `    - match: [{ gateways: [internal] }]\n${to}`))]);
      expect(codes(r)).toEqual([]);
    });

    it("a redirecting server's host redirects even where another Gateway's VirtualService routes it", () => {
      const r = buildIr([file('m.yaml', SERVICE + gw('a', 'g1', 80, 'x.example.com', true) + gw('b', 'g2', 80, '*.example.com') + vsOn('b', 'v', 'x.example.com', 'g2', `    - route: [{ destination: { host: web.shared.svc.cluster.local } }]\n`))]);
      const e = explain(r.ir!, request('GET http://x.example.com/p'), { view: 'a/g1' });
      expect(e.outcome).toMatchObject({ kind: 'redirect', status: 301, location: 'https://x.example.com/p' });
    });
  });
});
