import { describe, expect, it } from 'vitest';
import type { IrForward } from '../../src/compile/ir/types.ts';
import type { Diagnostic } from '../../src/core/diagnostics.ts';
import { diffIr, renderDiffMarkdown, renderDiffText } from '../../src/diff/index.ts';
import { cluster, cname, forward, match, mesh, NO_HEADER_OPS, route, table, view, vhost } from './ir-builders.ts';

const V1 = cname('reviews', 'v1');
const V2 = cname('reviews', 'v2');

function m(routes: ReturnType<typeof route>[], clusters = [cluster(V1), cluster(V2)]) {
  return mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])])], clusters);
}

describe('markdown renderer', () => {
  it('says "No routing changes" for an empty diff', () => {
    const a = m([route('r0')]);
    const md = renderDiffMarkdown(diffIr(a, a), { title: 'meshlog diff main..pr' });
    expect(md).toBe('### meshlog diff main..pr\n\n**No routing changes.** Envoy will behave exactly as before.\n');
  });

  it('renders a heading, a summary line and a table per host with escaped pipes', () => {
    const a = m([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    const b = m([route('r0', { action: forward([V1, 50], [V2, 50]) })], [cluster(V1), cluster(V2), cluster(cname('reviews', 'v3'))]);
    const md = renderDiffMarkdown(diffIr(a, b));
    const lines = md.split('\n');
    expect(lines[0]).toBe('### meshlog diff');
    // "in 1 view" is said of the view's own changes; clusters are the mesh's.
    expect(md).toContain('**1 route changed in 1 view; 1 cluster added**');
    expect(md).toContain('#### View `sidecar`');
    expect(md).toContain('**`reviews.default.svc.cluster.local:9080`** (route table `9080`)');
    expect(md).toContain('| ✏️ changed | `r0`<br>reviews.yaml:10 | any request | reviews: v1 90→50, v2 10→50 |');
    // Cluster names contain `|`, which would split a GitHub table cell.
    expect(md).toContain('| ➕ added | `outbound\\|9080\\|v3\\|reviews.default.svc.cluster.local` |');
    expect(md).not.toContain('<details>');
  });

  it('collapses big changes into <details>', () => {
    const many = Array.from({ length: 12 }, (_, i) => route(`r${i}`, { match: match({ path: { kind: 'exact', value: `/p${i}` } }) }));
    const md = renderDiffMarkdown(diffIr(m([]), m(many)));
    expect(md).toContain('<details><summary>12 route changes</summary>');
    expect(md).toContain('</details>');
    expect(md.match(/\| ➕ added \|/g)).toHaveLength(12);
  });

  it('shows what a new gateway exposes, and folds a view only when it has many hosts', () => {
    const gw = view('gateway~default~gw', [table('http.80', [vhost('shop', [route('g')], 80)])], 'gateway');
    const md = renderDiffMarkdown(diffIr(m([route('r0')]), mesh([...m([route('r0')]).views, gw])));
    expect(md).toContain('#### View `gateway~default~gw` (added)');
    expect(md).not.toContain('<details><summary>1 host</summary>');
    expect(md).toContain("**`shop.default.svc.cluster.local:80`** (route table `http.80`) — added"); // in the open
    const hosts = Array.from({ length: 11 }, (_, i) => vhost(`shop${i}`, [route(`g${i}`)], 80));
    const big = view('gateway~default~big', [table('http.80', hosts)], 'gateway');
    const many = renderDiffMarkdown(diffIr(m([route('r0')]), mesh([...m([route('r0')]).views, big])));
    expect(many).toContain('<details><summary>11 hosts</summary>');
  });

  it('escapes HTML in user-controlled text', () => {
    const a = m([route('r0')]);
    const b = m([route('r0', { action: { kind: 'direct_response', status: 200, body: '<script>x</script>' } })]);
    const md = renderDiffMarkdown(diffIr(a, b));
    expect(md).not.toContain('<script>');
    expect(md).toContain('&lt;script&gt;');
  });
});

describe('markdown renderer of a change too big for one comment', () => {
  // One host with 1,500 new routes: its table alone is far over GitHub's 65,536 characters.
  const many = Array.from({ length: 1500 }, (_, i) => route(`vs/default/reviews/http/r${i}/match/0`, { match: match({ path: { kind: 'prefix', value: `/p${i}` } }) }));
  const warning: Diagnostic = { code: 'ML4007', severity: 'warning', message: 'spec.http[9] is never used', file: 'reviews.yaml', line: 90, column: 5 };
  const md = renderDiffMarkdown(diffIr(m([]), m(many)), { newWarnings: [warning], wholeDiffCommand: 'meshlog diff a1 b2' });
  const lines = md.split('\n');
  const note = lines.findIndex((l) => l.startsWith('**✂️'));

  it('cuts the table between rows and closes its <details> before the note', () => {
    expect(md.length).toBeLessThanOrEqual(60_000);
    const rows = lines.filter((l) => l.startsWith('| ➕ added |'));
    expect(rows.length).toBeGreaterThan(100);
    for (const row of rows) expect(row).toMatch(/^\| ➕ added \| `vs\/default\/reviews\/http\/r\d+\/match\/0`<br>reviews\.yaml:10 \| prefix \/p\d+ \| forward to reviews v1 100% \|$/);
    expect(lines.slice(note - 4, note)).toEqual([rows.at(-1), '', '</details>', '']);
    expect(lines[note]).toBe(
      `**✂️ Cut to fit GitHub's limit on comment size: ${1500 - rows.length} of 1500 route changes not shown.** The summary above counts everything; \`meshlog diff a1 b2\` shows the whole diff.`,
    );
  });

  it('keeps the new warnings after the cut', () => {
    expect(lines.slice(note + 1, note + 5)).toEqual(['', '**⚠️ New warnings (1)**', '', '- `reviews.yaml:90:5` **ML4007**: spec.http\\[9\\] is never used']);
  });

  it('cuts a heading that would take the comment\'s room', () => {
    const titled = renderDiffMarkdown(diffIr(m([]), m(many.slice(0, 1))), { title: 'T'.repeat(100_000) });
    expect(titled.split('\n')[0]).toBe(`### ${'T'.repeat(299)}…`);
  });
});

describe('markdown renderer with hostile config values', () => {
  const hostile = route('r0', {
    match: match({ path: { kind: 'regex', value: '^/a`b`|c$' } }),
    action: { ...(forward([V1, 100]) as IrForward), rewrite: { uri: '/v3/<br>' } },
    headers: { ...NO_HEADER_OPS, request: { set: [{ name: 'x-note', value: 'a | b **bold**' }], add: [], remove: [] } },
  });
  const md = renderDiffMarkdown(diffIr(m([route('r0', { match: hostile.match })]), m([hostile])), { title: 'PR <br> *1* `x` | y' });
  const row = md.split('\n').find((l) => l.startsWith('| ✏️ changed'));

  it('shows every value literally: no line break, emphasis, code span or extra cell', () => {
    expect(md.split('\n')[0]).toBe('### PR &lt;br&gt; \\*1\\* \\`x\\` \\| y');
    expect(row).toContain('regex ^/a\\`b\\`\\|c\\$');
    expect(row).toContain('/v3/&lt;br&gt;');
    expect(row).toContain('a \\| b \\*\\*bold\\*\\*');
    // The row keeps its four cells: the only unescaped pipes are the table's own.
    expect(row?.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(5);
    // The only raw <br>s are ours: before the source line, and between the rewrite and header lines.
    expect(row?.match(/<br>/g)).toHaveLength(2);
    expect(md).not.toContain('/v3/<br>');
  });

  it('fences names that contain backticks instead of altering them', () => {
    const named = route('odd`name', { action: forward([V2, 100]) });
    const out = renderDiffMarkdown(diffIr(m([]), m([named])));
    expect(out).toContain('| ➕ added | `` odd`name ``<br>reviews.yaml:10 |');
  });
});

describe('text renderer', () => {
  it('is deterministic and lists views, hosts and routes', () => {
    const a = m([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    const b = m([route('r0', { action: forward([V1, 50], [V2, 50]) }), route('r1', { match: match({ path: { kind: 'prefix', value: '/x' } }) })]);
    const text = renderDiffText(diffIr(a, b));
    expect(text).toBe(renderDiffText(diffIr(a, b)));
    expect(text).toContain('~ view sidecar');
    expect(text).toContain('  ~ reviews.default.svc.cluster.local:9080 (route table 9080)');
    expect(text).toContain('      + r1 [prefix /x]');
  });
});

describe('view grouping', () => {
  it('prints views that changed identically once, under all their names', () => {
    const two = (routes: ReturnType<typeof route>[]) =>
      mesh([view('sidecar', [table('9080', [vhost('reviews', routes)])]), view('sidecar~default', [table('9080', [vhost('reviews', routes)])])]);
    const a = two([route('r0', { action: forward([V1, 90], [V2, 10]) })]);
    const b = two([route('r0', { action: forward([V1, 50], [V2, 50]) })]);
    const d = diffIr(a, b);
    expect(d.views).toHaveLength(2);
    expect(d.counts.routesChanged).toBe(1);
    const text = renderDiffText(d);
    expect(text).toContain('~ views sidecar, sidecar~default');
    expect(text.match(/reviews: v1 90→50/g)).toHaveLength(1);
    expect(renderDiffMarkdown(d)).toContain('#### Views `sidecar`, `sidecar~default`');
  });
});

describe('views that changed alike, in a mesh of many namespaces', () => {
  it('names the first 20 in text and markdown and counts the rest', () => {
    const names = ['sidecar', ...Array.from({ length: 24 }, (_, i) => `sidecar~ns-${String(i).padStart(2, '0')}`)];
    const meshOf = (weight: number) =>
      mesh(
        names.map((n) => view(n, [table('9080', [vhost('reviews', [route('r0', { action: forward([V1, weight], [V2, 100 - weight]) })])])])),
        [cluster(V1), cluster(V2)],
      );
    const diff = diffIr(meshOf(90), meshOf(50));
    const text = renderDiffText(diff);
    expect(text).toContain(`~ views ${names.slice(0, 20).join(', ')} and 5 more\n`);
    expect(text).not.toContain('sidecar~ns-19'); // the 21st name on
    const md = renderDiffMarkdown(diff);
    expect(md).toContain('`sidecar~ns-18` and 5 more');
    expect(md).not.toContain('sidecar~ns-19');
  });
});
