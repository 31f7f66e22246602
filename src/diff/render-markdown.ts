// Markdown for a pull-request comment: a heading, the summary line, one table per virtual
// host, and <details> blocks so a large change does not bury the page. Every string that
// comes from the config or the command line goes through markdown-escape.ts, so it renders
// literally; only the markup built here is raw. A change too big for one comment is cut to
// fit (comment-limit.ts) between whole rows and sections, with a note of what was left out
// and the command that shows everything.
import type { Diagnostic } from '../core/diagnostics.ts';
import { describeEndpointChange } from './cluster-diff.ts';
import { clip, COMMENT_LIMIT, MAX_TITLE, sizeOf } from './comment-limit.ts';
import { CutMarkdown, type LeftOut } from './cut-markdown.ts';
import { diagnosticList } from './render-invalid-markdown.ts';
import { groupName, groupRouteChanges } from './group-routes.ts';
import { groupViews, viewNameList } from './group-views.ts';
import { listenerNote } from './listener-diff.ts';
import { escapeHtml, mdCellCode, mdCode, mdLines, mdText } from './markdown-escape.ts';
import { routeLocation, type SidePrefixes } from './route-location.ts';
import { summaryLine } from './summary-line.ts';
import type { HostDiff, IrDiff, ViewDiff } from './types.ts';

/** Tables with more rows than this are collapsed. */
const COLLAPSE_ROWS = 10;
/**
 * Room kept for the new warnings, out of the comment's: they are often the real news of a
 * change, so a big routing diff is cut before them rather than they after it.
 */
const WARNINGS_ROOM = 15_000;
const SIGN = { added: '➕ added', removed: '➖ removed', changed: '✏️ changed' } as const;

export interface MarkdownOptions {
  /** Heading text, e.g. `meshlog diff main..feature`. */
  readonly title?: string;
  /** Warnings the change brings (new-warnings.ts), listed after the diff. */
  readonly newWarnings?: readonly Diagnostic[];
  /** Put before each file path of a warning (the folder argument), as in the terminal output. */
  readonly pathPrefix?: string;
  /** Put before each route's file path, per side (route-location.ts). */
  readonly routePrefixes?: SidePrefixes;
  /** The command that prints the whole diff, named when the comment had to be cut. */
  readonly wholeDiffCommand?: string;
  /** What the diff could not compare (unapplied.ts), said under the heading. */
  readonly note?: string;
}

export function renderDiffMarkdown(diff: IrDiff, opts: MarkdownOptions = {}): string {
  const heading = [`### ${mdText(clip(opts.title ?? 'meshlog diff', MAX_TITLE))}`, '', ...(opts.note ? [`> ${mdText(opts.note)}`, ''] : [])];
  const warnings = warningSection(opts);
  if (diff.empty) {
    const out = [...heading, '**No routing changes.** Envoy will behave exactly as before.', '', ...warnings];
    return `${out.join('\n').trimEnd()}\n`;
  }
  const doc = new CutMarkdown();
  doc.push(...heading, `**${summaryLine(diff)}**`, '');
  doc.cutPoint(); // the summary is always kept
  for (const { names, view } of groupViews(diff.views)) viewSection(doc, names, view, opts.routePrefixes);
  if (diff.clusters.length > 0) {
    const rows = diff.clusters.map((c) => {
      const was = c.previousName ? ` (was ${mdCellCode(c.previousName)})` : '';
      return `| ${SIGN[c.change]} | ${mdCellCode(c.name)}${was} | ${mdText(c.summary.join('; '))} |`;
    });
    table(doc, `Clusters (${diff.clusters.length})`, ['| | Cluster | Details |', '|---|---|---|'], rows, 'clusters');
  }
  if (diff.endpoints.length > 0) {
    const rows = diff.endpoints.map((e) => `| ${mdCellCode(e.cluster)} | ${mdText(describeEndpointChange(e))} |`);
    table(doc, `Endpoints (${diff.endpoints.length})`, ['| Cluster | Change |', '|---|---|'], rows, 'endpointSets');
  }
  const body = doc.fit(COMMENT_LIMIT - sizeOf(warnings), (leftOut) => cutNote(leftOut, opts.wholeDiffCommand ?? 'meshlog diff BASE HEAD'));
  return `${[...body, ...warnings].join('\n')}\n`;
}

function warningSection(opts: MarkdownOptions): string[] {
  const warnings = opts.newWarnings ?? [];
  if (warnings.length === 0) return [];
  return [`**⚠️ New warnings (${warnings.length})**`, '', ...diagnosticList(warnings, opts.pathPrefix ?? '', WARNINGS_ROOM), ''];
}

/** The line after a cut: what is not shown, of how much, and how to see all of it. */
function cutNote(leftOut: LeftOut, command: string): string[] {
  const parts: string[] = [];
  const add = (k: keyof LeftOut, one: string, many: string) => {
    const { missing, total } = leftOut[k];
    if (missing > 0) parts.push(`${missing} of ${total} ${total === 1 ? one : many}`);
  };
  add('listenerChanges', 'listener change', 'listener changes');
  add('hosts', 'host', 'hosts');
  add('routeChanges', 'route change', 'route changes');
  add('clusters', 'cluster change', 'cluster changes');
  add('endpointSets', 'endpoint set change', 'endpoint set changes');
  return [
    `**✂️ Cut to fit GitHub's limit on comment size: ${parts.join(', ')} not shown.** The summary above counts everything; ${mdCode(command)} shows the whole diff.`,
    '',
  ];
}

const LISTENER_SIGN = { added: 'added:', removed: 'removed:', changed: 'changed:' } as const;

function viewSection(doc: CutMarkdown, names: readonly string[], view: ViewDiff, prefixes: SidePrefixes | undefined): void {
  const state = view.change === 'changed' ? '' : ` (${view.change})`;
  const label = names.length === 1 ? 'View' : 'Views';
  const was = view.previousName ? ` (was ${mdCode(view.previousName)})` : '';
  doc.push(`#### ${label} ${viewNames(names)}${was}${state}`, '');
  if (view.selector) doc.push(`- ✏️ selector ${mdCode(view.selector.before)} → ${mdCode(view.selector.after)} (which proxies get the view)`, '');
  listenerLines(doc, view);
  doc.cutPoint();
  // Many hosts at once (a whole mesh's views appearing): fold them away. A few stay open, even
  // for a new gateway: what it newly exposes to outside traffic is what a reviewer must see.
  const fold = view.hosts.length > COLLAPSE_ROWS;
  if (fold) doc.begin([`<details><summary>${view.hosts.length} ${view.hosts.length === 1 ? 'host' : 'hosts'}</summary>`, ''], ['</details>', '']);
  for (const h of view.hosts) hostSection(doc, h, prefixes);
  if (fold) doc.end();
}

/** `` `sidecar`, `sidecar~a` ``; past MAX_VIEW_NAMES, the rest counted (group-views.ts). */
function viewNames(names: readonly string[]): string {
  return viewNameList(names, mdCode);
}

function listenerLines(doc: CutMarkdown, view: ViewDiff): void {
  for (const l of view.listenersAdded) {
    doc.push(`- ➕ listener ${mdCode(l.name)}${mdText(listenerNote(l))}`);
    for (const t of l.tls ?? l.tcp ?? []) doc.push(`  - ${mdText(t)}`);
  }
  for (const l of view.listenersRemoved) doc.push(`- ➖ listener ${mdCode(l.name)}${mdText(listenerNote(l, false))}`);
  for (const l of view.listenersChanged) {
    doc.push(`- ✏️ listener ${mdCode(l.name)}`);
    for (const c of l.changes) doc.push(`  - ${LISTENER_SIGN[c.change]} ${mdText(c.text)}`);
  }
  const n = view.listenersAdded.length + view.listenersRemoved.length + view.listenersChanged.length;
  if (n > 0) doc.push('');
  doc.count('listenerChanges', n);
}

function hostSection(doc: CutMarkdown, host: HostDiff, prefixes: SidePrefixes | undefined): void {
  const state = host.change === 'changed' ? '' : ` — ${host.change}`;
  const renamed = host.previousName ? ` (was ${mdCode(host.previousName)}; same routes)` : '';
  doc.push(`**${mdCode(host.name)}**${renamed} (route table ${mdCode(host.routeTable)})${state}`, '');
  // Shown once its heading is: a cut in its table counts the route changes it leaves out.
  doc.count('hosts');
  const notes: string[] = [];
  if (host.domainsAdded.length) notes.push(`- domains added: ${host.domainsAdded.map(mdCode).join(', ')}`);
  if (host.domainsRemoved.length) notes.push(`- domains removed: ${host.domainsRemoved.map(mdCode).join(', ')}`);
  const groups = groupRouteChanges(host.routes);
  const rows = groups.map((g) => {
    const r = g.first;
    const name = r.previousName ? `${mdCellCode(r.name)} (was ${mdCellCode(r.previousName)})` : mdCellCode(groupName(g));
    const location = routeLocation(r, prefixes);
    const where = location ? `<br>${mdText(location)}` : '';
    return { line: `| ${SIGN[r.change]} | ${name}${where} | ${mdText(g.matches.join(' | '))} | ${mdLines(r.summary)} |`, routes: g.names.length };
  });
  doc.push(...notes, ...(notes.length > 0 ? [''] : []));
  if (rows.length > 0) routeTable(doc, rows);
  else if (notes.length === 0) doc.push('');
  doc.cutPoint();
}

/** A host's route changes, folded when long; it may be cut after any row. */
function routeTable(doc: CutMarkdown, rows: readonly { readonly line: string; readonly routes: number }[]): void {
  const fold = rows.length > COLLAPSE_ROWS;
  if (fold) doc.begin([`<details><summary>${rows.length} route changes</summary>`, ''], ['</details>', '']);
  doc.begin(['| | Route | Match | Change |', '|---|---|---|---|'], ['']);
  for (const row of rows) {
    doc.push(row.line);
    doc.count('routeChanges', row.routes);
    doc.cutPoint();
  }
  doc.end();
  if (fold) doc.end();
}

/** A titled table of clusters or endpoint sets, folded when long; it may be cut after any row. */
function table(doc: CutMarkdown, summary: string, header: readonly string[], rows: readonly string[], kind: 'clusters' | 'endpointSets'): void {
  const fold = rows.length > COLLAPSE_ROWS;
  if (fold) doc.begin([`<details><summary>${escapeHtml(summary)}</summary>`, ''], ['</details>', '']);
  else doc.push(`**${summary}**`, '');
  doc.begin(header, ['']);
  for (const row of rows) {
    doc.push(row);
    doc.count(kind);
    doc.cutPoint();
  }
  doc.end();
  if (fold) doc.end();
}
