// Markdown for a pull-request comment: a heading, the summary line, one table per virtual
// host, and <details> blocks so a large change does not bury the page. Every string that
// comes from the config or the command line goes through markdown-escape.ts, so it renders
// literally; only the markup built here is raw.
import type { Diagnostic } from '../core/diagnostics.ts';
import { describeEndpointChange } from './cluster-diff.ts';
import { diagnosticList } from './render-invalid-markdown.ts';
import { groupName, groupRouteChanges } from './group-routes.ts';
import { groupViews } from './group-views.ts';
import { escapeHtml, mdCellCode, mdCode, mdLines, mdText } from './markdown-escape.ts';
import { routeLocation, type SidePrefixes } from './route-location.ts';
import { summaryLine } from './summary-line.ts';
import type { HostDiff, IrDiff, ViewDiff } from './types.ts';

/** Tables with more rows than this are collapsed. */
const COLLAPSE_ROWS = 10;
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
}

export function renderDiffMarkdown(diff: IrDiff, opts: MarkdownOptions = {}): string {
  const out: string[] = [`### ${mdText(opts.title ?? 'meshlog diff')}`, ''];
  if (diff.empty) {
    out.push('**No routing changes.** Envoy will behave exactly as before.', '');
    out.push(...warningSection(opts));
    return `${out.join('\n').trimEnd()}\n`;
  }
  out.push(`**${summaryLine(diff)}**`, '');
  for (const { names, view } of groupViews(diff.views)) out.push(...viewSection(names, view, opts.routePrefixes));
  if (diff.clusters.length > 0) {
    const rows = diff.clusters.map((c) => {
      const was = c.previousName ? ` (was ${mdCellCode(c.previousName)})` : '';
      return `| ${SIGN[c.change]} | ${mdCellCode(c.name)}${was} | ${mdText(c.summary.join('; '))} |`;
    });
    out.push(...collapsible(`Clusters (${diff.clusters.length})`, ['| | Cluster | Details |', '|---|---|---|', ...rows]));
  }
  if (diff.endpoints.length > 0) {
    const rows = diff.endpoints.map((e) => `| ${mdCellCode(e.cluster)} | ${mdText(describeEndpointChange(e))} |`);
    out.push(...collapsible(`Endpoints (${diff.endpoints.length})`, ['| Cluster | Change |', '|---|---|', ...rows]));
  }
  out.push(...warningSection(opts));
  return `${out.join('\n')}\n`;
}

function warningSection(opts: MarkdownOptions): string[] {
  const warnings = opts.newWarnings ?? [];
  if (warnings.length === 0) return [];
  return [`**⚠️ New warnings (${warnings.length})**`, '', ...diagnosticList(warnings, opts.pathPrefix ?? ''), ''];
}

const LISTENER_SIGN = { added: 'added:', removed: 'removed:', changed: 'changed:' } as const;

function viewSection(names: readonly string[], view: ViewDiff, prefixes: SidePrefixes | undefined): string[] {
  const state = view.change === 'changed' ? '' : ` (${view.change})`;
  const label = names.length === 1 ? 'View' : 'Views';
  const was = view.previousName ? ` (was ${mdCode(view.previousName)})` : '';
  const out = [`#### ${label} ${names.map(mdCode).join(', ')}${was}${state}`, ''];
  if (view.selector) out.push(`- ✏️ selector ${mdCode(view.selector.before)} → ${mdCode(view.selector.after)} (which proxies get the view)`, '');
  for (const l of view.listenersAdded) {
    out.push(`- ➕ listener ${mdCode(l.name)}${l.tls ? ' (HTTPS)' : l.tcp ? ' (TCP)' : ''}`);
    for (const t of l.tls ?? l.tcp ?? []) out.push(`  - ${mdText(t)}`);
  }
  for (const l of view.listenersRemoved) out.push(`- ➖ listener ${mdCode(l.name)}`);
  for (const l of view.listenersChanged) {
    out.push(`- ✏️ listener ${mdCode(l.name)}`);
    for (const c of l.changes) out.push(`  - ${LISTENER_SIGN[c.change]} ${mdText(c.text)}`);
  }
  if (view.listenersAdded.length + view.listenersRemoved.length + view.listenersChanged.length > 0) out.push('');
  const hosts = view.hosts.flatMap((h) => hostSection(h, prefixes));
  // Many hosts at once (a whole mesh's views appearing): fold them away. A few stay open, even
  // for a new gateway: what it newly exposes to outside traffic is what a reviewer must see.
  if (view.hosts.length > COLLAPSE_ROWS) {
    out.push(`<details><summary>${view.hosts.length} ${view.hosts.length === 1 ? 'host' : 'hosts'}</summary>`, '', ...hosts, '</details>', '');
  } else out.push(...hosts);
  return out;
}

function hostSection(host: HostDiff, prefixes: SidePrefixes | undefined): string[] {
  const state = host.change === 'changed' ? '' : ` — ${host.change}`;
  const renamed = host.previousName ? ` (was ${mdCode(host.previousName)}; same routes)` : '';
  const head = `**${mdCode(host.name)}**${renamed} (route table ${mdCode(host.routeTable)})${state}`;
  const notes: string[] = [];
  if (host.domainsAdded.length) notes.push(`- domains added: ${host.domainsAdded.map(mdCode).join(', ')}`);
  if (host.domainsRemoved.length) notes.push(`- domains removed: ${host.domainsRemoved.map(mdCode).join(', ')}`);
  const rows = groupRouteChanges(host.routes).map((g) => {
    const r = g.first;
    const name = r.previousName ? `${mdCellCode(r.name)} (was ${mdCellCode(r.previousName)})` : mdCellCode(groupName(g));
    const location = routeLocation(r, prefixes);
    const where = location ? `<br>${mdText(location)}` : '';
    return `| ${SIGN[r.change]} | ${name}${where} | ${mdText(g.matches.join(' | '))} | ${mdLines(r.summary)} |`;
  });
  const table = rows.length ? ['| | Route | Match | Change |', '|---|---|---|---|', ...rows] : [];
  const body = [...notes, ...(notes.length && table.length ? [''] : []), ...table];
  if (rows.length > COLLAPSE_ROWS) return [head, '', ...collapsible(`${rows.length} route changes`, table, notes)];
  return [head, '', ...body, ''];
}

function collapsible(summary: string, table: string[], before: string[] = []): string[] {
  const rows = table.length - 2;
  const lead = before.length ? [...before, ''] : [];
  if (rows <= COLLAPSE_ROWS) return [`**${summary}**`, '', ...lead, ...table, ''];
  return [...lead, `<details><summary>${escapeHtml(summary)}</summary>`, '', ...table, '', '</details>', ''];
}
