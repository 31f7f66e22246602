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
