// Loader fixes from QA: `kind: List` expansion, per-code diagnostic caps with the
// repository-wide limit first, legitimate alias reuse, duplicate keys named.
import { describe, expect, it } from 'vitest';
import { compile } from '../../../src/compile/index.ts';
import { files, loadOne, summary } from './helpers.ts';

const vs = (name: string, indent: string, extra = '') =>
  [
    `- apiVersion: networking.istio.io/v1`,
    `  kind: VirtualService`,
    `  metadata: {name: ${name}, namespace: default}`,
    `  spec:`,
    `    hosts: [${name}]`,
    `    http:`,
    `    - route: [{destination: {host: ${name}}}]${extra}`,
  ]
    .map((l) => indent + l)
    .join('\n');

describe('kind: List (kubectl get -o yaml)', () => {
  it('loads every item as a document, located inside the List', () => {
    const r = loadOne(`apiVersion: v1\nkind: List\nmetadata: {resourceVersion: ""}\nitems:\n${vs('web', '')}\n${vs('api', '')}\n`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.virtualServices.map((v) => `${v.metadata.name}@${v.locate(['spec', 'hosts']).line}`)).toEqual(['api@16', 'web@9']);
  });

  it('reports problems in items with items[i] field paths at the item\'s lines', () => {
    const r = loadOne(`apiVersion: v1\nkind: List\nitems:\n${vs('web', '', '\n      timeout: 1500us')}\n- {apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}\n- 42\n- kind: Gateway\n`);
    expect(summary(r.diagnostics, true)).toEqual([
      'ML1009 items[2]@13',
      'ML1014 items[1]@12',
      'ML1010 items[3].apiVersion@14',
      'ML3006 items[0].spec.http[0].timeout@11',
    ]);
    expect(r.resources.virtualServices).toEqual([]);
  });

  it('expands a List inside a List, and items count as documents', () => {
    const inner = `- apiVersion: v1\n  kind: List\n  items:\n${vs('web', '  ')}\n`;
    const r = loadOne(`apiVersion: v1\nkind: List\nitems:\n${inner}`);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.virtualServices.map((v) => v.metadata.name)).toEqual(['web']);
  });
});

describe('diagnostic volume', () => {
  it('50,200 tiny documents: the limit error first, at most 100 per code plus a summary', () => {
    const text = '---\nkind: Gateway\n---\n{kind: Gateway}\n'.repeat(25_100);
    const result = compile({ origin: { kind: 'folder', path: '.' }, commit: null, files: files({ 'a.yaml': text }), diagnostics: [] });
    const d = result.diagnostics;
    expect(d[0]!.code).toBe('ML1007');
    expect(d.length).toBe(102);
    expect(d.filter((x) => x.code === 'ML1010')).toHaveLength(101);
    expect(d.filter((x) => x.message === '49900 more ML1010 diagnostics are not shown (only the first 100); fix those first')).toHaveLength(1);
  });

  it('caps each code separately and keeps codes under the cap whole', () => {
    const r = compile({
      origin: { kind: 'folder', path: '.' },
      commit: null,
      files: files({
        'a.yaml': '---\nkind: Gateway\n'.repeat(150),
        'b.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n---\n'.repeat(30),
      }),
      diagnostics: [],
    });
    expect(r.diagnostics.filter((d) => d.code === 'ML1010')).toHaveLength(101);
    expect(r.diagnostics.filter((d) => d.code === 'ML1010' && d.message.startsWith('50 more ML1010'))).toHaveLength(1);
    expect(r.diagnostics.filter((d) => d.code === 'ML1014')).toHaveLength(30);
  });
});

describe('YAML aliases', () => {
  it('accepts a route written once and reused 150 times', () => {
    let text = 'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: al}\nspec:\n  hosts: [x]\n  http:\n';
    text += '  - match: [{uri: {prefix: /p0/}}]\n    route: &r [{destination: {host: x}}]\n';
    for (let i = 1; i <= 150; i++) text += `  - match: [{uri: {prefix: /p${i}/}}]\n    route: *r\n`;
    const r = loadOne(text);
    expect(r.diagnostics).toEqual([]);
    expect(r.resources.virtualServices[0]!.spec.http).toHaveLength(151);
  });

  it('reports an alias inside its own anchor at the alias', () => {
    const r = loadOne('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: &d\n  self: *d\n');
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ML1008 5:9']);
  });
});
