// Hostile and broken input: each case must end with a clear diagnostic naming the file and
// position, within the test timeout, without throwing.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { load } from './helpers.ts';

const fixture = (name: string) => readFileSync(new URL(`../../fixtures/bad-input/${name}`, import.meta.url));
const GOOD = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: good}
spec:
  hosts: [good]
  http:
  - route:
    - destination: {host: good}
`;

describe('bad input', () => {
  it('stops an alias bomb, at the alias that crosses the limit', () => {
    const started = performance.now();
    const r = load({ 'bomb.yaml': fixture('alias-bomb.yaml'), 'good.yaml': GOOD });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column}`)).toEqual(['ML1008 bomb.yaml:12:12']);
    expect(r.resources.virtualServices.map((v) => v.metadata.name)).toEqual(['good']);
  });

  it('refuses a 20 MB file without parsing it', () => {
    const line = new TextEncoder().encode('# padding padding padding padding padding padding padding\n');
    const big = new Uint8Array(20 * 1024 * 1024);
    for (let at = 0; at + line.length <= big.length; at += line.length) big.set(line, at);
    big.fill(0x0a, big.length - (big.length % line.length));
    const r = load({ 'big.yaml': big, 'good.yaml': GOOD });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'ML1005', severity: 'error', file: 'big.yaml' });
    // Worded as the readers' ML0004 is, for the same limit (only a bundle built otherwise gets here).
    expect(r.diagnostics[0]!.message).toBe('big.yaml is 20.0 MiB; config files over 8.0 MiB are not parsed');
    expect(r.resources.virtualServices).toHaveLength(1);
  });

  it('refuses 10,000-deep flow nesting before the parser sees it', () => {
    const deep = `${GOOD.replace('good', 'deep').replace('[good]', '[deep]')}  tcp: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`;
    const r = load({ 'deep.yaml': deep });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}`)).toEqual(['ML1006 deep.yaml:9']);
  });

  it('refuses deep block nesting and deep `- - -` sequences', () => {
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\ndata:\n';
    for (let i = 1; i <= 600; i++) block += `${' '.repeat(i)}k${i}:\n`;
    const dashes = `a: ${'- '.repeat(10_000)}x\n`;
    const modest = `a:${'\n'.padEnd(2, ' ')}${'[{"b": '.repeat(150)}1${'}]'.repeat(150)}\n`;
    const r = load({ 'block.yaml': block, 'dashes.yaml': `a:\n  ${'- '.repeat(10_000)}x\n`, 'flow.yaml': modest, 'same-line.yaml': dashes });
    const summary = r.diagnostics.map((d) => `${d.code} ${d.file}`);
    expect(summary).toContain('ML1006 block.yaml');
    expect(summary).toContain('ML1006 dashes.yaml');
    // 150 levels passes the rough pre-scan but not the exact check on the token tree.
    expect(r.diagnostics.find((d) => d.file === 'flow.yaml')).toMatchObject({ code: 'ML1006', line: 2 });
    expect(r.diagnostics.some((d) => d.file === 'same-line.yaml' && d.severity === 'error')).toBe(true);
  });

  it('reads very wide documents (200,000 keys, a 200,000-item list) without overflowing', () => {
    let wide = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: wide}\ndata:\n';
    for (let i = 0; i < 200_000; i++) wide += `  k${i}: v\n`;
    const list = `apiVersion: v1\nkind: Pod\nmetadata: {name: l}\nitems: [${Array.from({ length: 200_000 }, (_, i) => i).join(', ')}]\n`;
    const r = load({ 'wide.yaml': wide, 'list.yaml': list, 'good.yaml': GOOD });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(['ML1014 list.yaml', 'ML1014 wide.yaml']);
    expect(r.resources.virtualServices).toHaveLength(1);
  });

  it('reports duplicate keys at the second key', () => {
    const r = load({ 'dup.yaml': fixture('duplicate-keys.yaml') });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.field}`)).toEqual(['ML1002 11:7 spec.http[0].route[0].weight']);
    expect(r.diagnostics[0]!.message).toBe('duplicate key "weight" (first set at line 10); keys in a mapping must be unique: remove or merge one');
    expect(r.resources.virtualServices).toEqual([]);
  });

  it('reports invalid UTF-8 with its byte offset, line and column', () => {
    const r = load({ 'utf8.yaml': fixture('invalid-utf8.yaml') });
    expect(r.diagnostics).toHaveLength(1);
    expect(r.diagnostics[0]).toMatchObject({ code: 'ML1004', file: 'utf8.yaml', line: 4, column: 14 });
    expect(r.diagnostics[0]!.message).toContain('0xff');
  });

  it('rejects overlong and surrogate UTF-8 encodings too, and accepts a BOM', () => {
    const overlong = new Uint8Array([0x61, 0x3a, 0x20, 0xc0, 0xaf, 0x0a]);
    const surrogate = new Uint8Array([0x61, 0x3a, 0x20, 0xed, 0xa0, 0x80, 0x0a]);
    const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(GOOD)]);
    const r = load({ 'a.yaml': overlong, 'b.yaml': surrogate, 'c.yaml': bom });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column}`)).toEqual(['ML1004 a.yaml:1:4', 'ML1004 b.yaml:1:4']);
    expect(r.resources.virtualServices).toHaveLength(1);
  });

  it('caps YAML errors per file at 50 and says how many more there are', () => {
    const r = load({ 'many.yaml': 'a: [\n---\n'.repeat(200) });
    expect(r.diagnostics).toHaveLength(51);
    expect(r.diagnostics[50]!.message).toMatch(/^\d+ more YAML problems in this file are not shown/);
  });

  it('reports tabs used as indentation', () => {
    const r = load({ 'tabs.yaml': fixture('tabs.yaml') });
    expect(r.diagnostics[0]).toMatchObject({ code: 'ML1003', line: 6, column: 1 });
  });

  it('reports only the tab when a tab in indentation throws the rest of the document off', () => {
    const text = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
    - name: v1
      labels:
\tversion: v1
    - name: v2
      labels: {version: v2}
`;
    const r = load({ 'dr.yaml': text });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ML1003 9:1']);
  });

  it('reports two resources run together (missing ---) once, where the second one starts', () => {
    const second = GOOD.replaceAll('good', 'other');
    const r = load({ 'two.yaml': `${GOOD}${second}` });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      "ML1002 9:1 a second resource starts at line 9 in the same document — missing '---'?",
    ]);
  });

  it('still reports an ordinary top-level duplicate key as one', () => {
    const r = load({ 'dup.yaml': `${GOOD}spec: {}\n` });
    expect(r.diagnostics.map((d) => `${d.code} ${d.field}`)).toEqual(['ML1002 spec']);
  });

  it('reports YAML syntax errors with a position', () => {
    const r = load({ 'bad.yaml': fixture('syntax-error.yaml') });
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics.every((d) => d.code === 'ML1001' && d.file === 'bad.yaml' && (d.line ?? 0) >= 6)).toBe(true);
  });

  it('reports a quote never closed where it opens, not at the end of the file', () => {
    const vs = (value: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: r, namespace: default}
spec:
  hosts: [r]
  http:
  - match:
    - headers:
        end-user:
          exact: ${value}
    route:
    - destination: {host: r, subset: "v2"}
  - route:
    - destination: {host: r, subset: 'v1'}
`;
    // A closed value with an escaped quote inside is fine.
    expect(load({ 'q.yaml': vs('"jas\\"on"') }).diagnostics).toEqual([]);
    const r = load({ 'q.yaml': vs('"jason').replace('subset: "v2"', 'subset: v2') });
    expect(r.diagnostics.map((d) => `${d.code} ${d.line}:${d.column} ${d.message}`)).toEqual([
      'ML1001 10:18 this double-quoted value is never closed (the file ends inside it): add the closing "',
    ]);
    // An escaped quote inside the unclosed value is not taken for its start.
    const escaped = load({ 'q.yaml': vs('"ja\\"son').replace('subset: "v2"', 'subset: v2') });
    expect(escaped.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ML1001 10:18']);
    const single = load({ 'q.yaml': vs("'jason").replace("subset: 'v1'", 'subset: v1') });
    expect(single.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ML1001 10:18']);
    const doubled = load({ 'q.yaml': vs("'it''s").replace("subset: 'v1'", 'subset: v1') });
    expect(doubled.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual(['ML1001 10:18']);
  });

  it('reports an unrendered Helm template as one error instead of a flood of syntax errors', () => {
    const template = `# canary routing\n{{- if .Values.canary }}\n${GOOD}{{- end }}\n`;
    const r = load({ 'templates/vs.yaml': template, 'good.yaml': GOOD });
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.column} ${d.message}`)).toEqual([
      'ML1001 templates/vs.yaml:2:1 looks like an unrendered Helm/Go template ({{ … }}); commit rendered manifests (e.g. the output of `helm template`)',
    ]);
    expect(r.resources.virtualServices.map((v) => v.metadata.name)).toEqual(['good']);
  });

  it('keeps the real errors of a file that only mentions a template (in a comment, or after the error)', () => {
    // A duplicate key is no syntax error; the `{{` is in a comment.
    const commented = `# this used to be {{ .Values.host }}\n${GOOD.replace('kind: VirtualService', 'kind: VirtualService\nkind: VirtualService')}`;
    const r = load({ 'a.yaml': commented });
    expect(r.diagnostics.map((d) => d.code)).toEqual(['ML1002']);
    // Broken before the template starts: the errors are the file's own.
    const early = `apiVersion: a: b\nkind: VirtualService\n{{- if .Values.x }}\n`;
    expect(load({ 'b.yaml': early }).diagnostics.some((d) => d.message.includes('unrendered'))).toBe(false);
  });

  it('prints no YAML library warning for template braces that happen to parse', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    try {
      load({ 'a.yaml': GOOD.replace('name: good', 'name: {{ .Release.Name }}') });
      await new Promise((resolve) => setImmediate(resolve)); // process warnings are emitted on a later tick
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it('stops reading after 50,000 documents in the repository', () => {
    const manyDocs = (n: number) => '---\n# empty\n'.repeat(n);
    const r = load({ 'a.yaml': manyDocs(30_000), 'b.yaml': manyDocs(30_000), 'c.yaml': GOOD });
    // A repository-wide error: no file of its own (sorted output lists it first); where
    // reading stopped is in the message and in `related`.
    expect(r.diagnostics.map((d) => `${d.code} ${d.file}`)).toEqual(['ML1007 undefined']);
    expect(r.diagnostics[0]!.message).toContain('reading stopped at b.yaml:40001');
    expect(r.diagnostics[0]!.related).toEqual([{ file: 'b.yaml', line: 40001, column: 1 }]);
    // Files after the limit are not read at all.
    expect(r.resources.virtualServices).toEqual([]);
  });
});
