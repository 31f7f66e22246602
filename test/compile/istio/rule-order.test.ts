// The rule-order checks (ML4007/ML4008) on what users write: big generated route lists
// must stay fast, and copy-paste slips inside one rule's match list are reported.
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/core/diagnostics.ts';
import { checkRuleOrder } from '../../../src/compile/istio/checks/rule-order.ts';
import type { CheckContext } from '../../../src/compile/istio/checks/context.ts';
import { buildIr } from '../../../src/compile/istio/index.ts';
import { loadResources } from '../../../src/compile/parse/load-resources.ts';
import { file } from './support.ts';

const HEAD = `apiVersion: v1
kind: Service
metadata: { name: x, namespace: default }
spec:
  ports: [{ name: http, port: 80 }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: big, namespace: default }
spec:
  hosts: [x]
  http:
`;

function ruleOrder(text: string): Diagnostic[] {
  const loaded = loadResources([file('a.yaml', text)]);
  expect(loaded.resources.virtualServices).toHaveLength(1);
  const diagnostics: Diagnostic[] = [];
  checkRuleOrder({ resources: loaded.resources, diagnostics } as unknown as CheckContext);
  return diagnostics;
}

describe('rule order', () => {
  it('checks a VirtualService with 20,000 rules in well under the test timeout, still finding the shadowed one', () => {
    const rules: string[] = [];
    for (let i = 0; i < 20_000; i++) rules.push(`  - match: [{ uri: { prefix: /p${i}/ } }]\n    route: [{ destination: { host: x } }]\n`);
    // Shadowed by rule 7 (prefix /p7/ takes /p7/deep), and by rule 123 (same header split).
    rules.push('  - match: [{ uri: { prefix: /p7/deep } }]\n    route: [{ destination: { host: x } }]\n');
    const loaded = loadResources([file('a.yaml', HEAD + rules.join(''))]);
    const diagnostics: Diagnostic[] = [];
    const started = performance.now();
    checkRuleOrder({ resources: loaded.resources, diagnostics } as unknown as CheckContext);
    const ms = performance.now() - started;
    // The quadratic scan took ~20 s here; the bucketed one well under a second.
    expect(ms).toBeLessThan(5_000);
    expect(diagnostics.map((d) => [d.code, d.field])).toEqual([['ML4008', 'spec.http[20000].match[0]']]);
    expect(diagnostics[0]?.message).toContain('spec.http[7].match[0]');
  });

  it('names the FIRST earlier match that shadows, across path, header and query buckets', () => {
    const d = ruleOrder(
      HEAD +
        `  - match: [{ uri: { prefix: /a }, headers: { x: { exact: "1" } } }]
    route: [{ destination: { host: x } }]
  - match: [{ queryParams: { q: { exact: v } } }]
    route: [{ destination: { host: x } }]
  - match: [{ uri: { prefix: /ab } }]
    route: [{ destination: { host: x } }]
  - match: [{ uri: { exact: /abc }, headers: { x: { exact: "1" } }, queryParams: { q: { exact: v } } }]
    route: [{ destination: { host: x } }]
`,
    );
    expect(d.map((x) => x.field)).toEqual(['spec.http[3].match[0]']);
    expect(d[0]?.message).toContain('spec.http[0].match[0]');
  });

  it('warns about an identical match block repeated inside one rule (QA t4 rule 3)', () => {
    const d = ruleOrder(
      HEAD +
        `  - match: [{ uri: { exact: /z }, headers: { x: { exact: "1" } } }, { uri: { exact: /y } }, { headers: { x: { exact: "1" } }, uri: { exact: /z } }]
    route: [{ destination: { host: x } }]
`,
    );
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ code: 'ML4008', severity: 'warning', field: 'spec.http[0].match[2]', line: 13 });
    expect(d[0]?.message).toContain('repeats spec.http[0].match[0] of the same rule');
  });

  it('does not call different match blocks of one rule duplicates', () => {
    const d = ruleOrder(
      HEAD +
        `  - match: [{ uri: { exact: /z } }, { uri: { exact: /z }, port: 80 }, { uri: { exact: /z }, ignoreUriCase: true }]
    route: [{ destination: { host: x } }]
`,
    );
    expect(d).toEqual([]);
    expect(buildIr([file('a.yaml', HEAD + '  - route: [{ destination: { host: x } }]\n')]).ir).toBeDefined();
  });

  it("a regex '.*' on the path takes every request, as Istio counts it: later rules are reported and get no route", () => {
    const text = HEAD + '  - match: [{ uri: { regex: ".*" } }]\n    route: [{ destination: { host: x } }]\n  - match: [{ uri: { prefix: /late } }]\n    route: [{ destination: { host: x } }]\n';
    expect(ruleOrder(text).map((d) => `${d.code} ${d.field}`)).toEqual(['ML4007 spec.http[1]']);
    const routes = buildIr([file('a.yaml', text)]).ir!.views.find((v) => v.name === 'sidecar~default')!.routeTables[0]!.virtualHosts.find((h) => h.name.startsWith('x.'))!.routes;
    expect(routes.map((r) => r.name)).toEqual(['vs/default/big/http/0/match/0']);
  });
});

// tcp and tls entries: shadowed by an earlier entry's scope (tcp) or SNI names (tls), as the
// compiler builds their chains: the warning must say what the listener then does.
const L4_HEAD = `apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: db, namespace: default }
spec:
  hosts: [db.example.com]
  ports: [{ number: 27017, name: mongo, protocol: TCP }]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: web, namespace: default }
spec:
  hosts: [b.example.com, c.example.com]
  ports: [{ number: 443, name: tls, protocol: TLS }]
  resolution: DNS
  location: MESH_EXTERNAL
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: l4, namespace: default }
spec:
  hosts: [db.example.com, b.example.com, c.example.com]
`;

describe('rule order: tcp and tls entries', () => {
  it('warns about a tcp entry an earlier rule takes, and a repeated entry of one rule; not about a narrower earlier entry', () => {
    const d = ruleOrder(
      L4_HEAD +
        `  tcp:
  - match: [{ port: 27017, sourceNamespace: a }, { port: 27017, sourceNamespace: a }]
    route: [{ destination: { host: db.example.com } }]
  - match: [{ port: 27017 }]
    route: [{ destination: { host: db.example.com } }]
  - match: [{ port: 27017, sourceNamespace: b }, { port: 27017, sourceLabels: { app: x } }]
    route: [{ destination: { host: db.example.com } }]
`,
    );
    expect(d.map((x) => `${x.code} ${x.field} ${x.line}`)).toEqual(['ML4008 spec.tcp[0].match[1] 25', 'ML4008 spec.tcp[2].match[0] 29']);
    expect(d[0]?.message).toBe('spec.tcp[0].match[1] repeats spec.tcp[0].match[0] of the same rule (line 25); remove the duplicate');
    expect(d[1]?.message).toBe('spec.tcp[2].match[0] never applies: spec.tcp[1].match[0] (line 27) already takes every connection it matches');
  });

  it('leaves a tcp rule after one that takes every connection to ML4007 alone', () => {
    const d = ruleOrder(
      L4_HEAD +
        `  tcp:
  - match: [{ gateways: [mesh] }]
    route: [{ destination: { host: db.example.com } }]
  - match: [{ port: 27017 }]
    route: [{ destination: { host: db.example.com } }]
`,
    );
    expect(d.map((x) => `${x.code} ${x.field}`)).toEqual(['ML4007 spec.tcp[1]']);
  });

  it('warns about tls entries whose SNI names an earlier entry takes, all or some, as the compiled chains show', () => {
    const text =
      L4_HEAD +
      `  tls:
  - match: [{ sniHosts: [b.example.com] }]
    route: [{ destination: { host: b.example.com } }]
  - match: [{ sniHosts: [B.example.com, c.example.com] }]
    route: [{ destination: { host: c.example.com } }]
  - match: [{ sniHosts: [c.example.com], port: 443 }]
    route: [{ destination: { host: c.example.com } }]
`;
    const d = ruleOrder(text);
    expect(d.map((x) => `${x.code} ${x.field}`)).toEqual(['ML4008 spec.tls[1].match[0]', 'ML4008 spec.tls[2].match[0]']);
    expect(d[0]?.message).toBe(
      'spec.tls[1].match[0] does not get b.example.com: spec.tls[0].match[0] (line 25) already takes it, and an SNI name goes to the first entry that applies; this entry gets only c.example.com',
    );
    expect(d[1]?.message).toBe(
      'spec.tls[2].match[0] never applies: spec.tls[1].match[0] (line 27) already takes its SNI name (c.example.com), and an SNI name goes to the first entry that applies',
    );
    // What the sidecars get on port 443: one chain per entry, with the names the warnings say.
    const built = buildIr([file('a.yaml', text)]);
    const listener = built.ir!.views.find((v) => v.name === 'sidecar')!.listeners.find((l) => l.port === 443)!;
    expect(listener.tcp!.map((c) => `${c.name}: ${c.serverNames.join(',')}`)).toEqual([
      'vs/default/l4/tls/0: b.example.com',
      'vs/default/l4/tls/1: c.example.com',
    ]);
  });

  it('does not warn about an exact SNI name after a wildcard: Envoy gives the exact name its own chain', () => {
    const text =
      L4_HEAD.replace('hosts: [db.example.com, b.example.com, c.example.com]', 'hosts: ["*.example.com"]') +
      `  tls:
  - match: [{ sniHosts: ["*.example.com"] }]
    route: [{ destination: { host: b.example.com } }]
  - match: [{ sniHosts: [c.example.com] }]
    route: [{ destination: { host: c.example.com } }]
`;
    expect(ruleOrder(text)).toEqual([]);
    const listener = buildIr([file('a.yaml', text)]).ir!.views.find((v) => v.name === 'sidecar')!.listeners.find((l) => l.port === 443)!;
    expect(listener.tcp!.map((c) => `${c.name}: ${c.serverNames.join(',')}`)).toEqual(['vs/default/l4/tls/0: *.example.com', 'vs/default/l4/tls/1: c.example.com']);
  });
});
