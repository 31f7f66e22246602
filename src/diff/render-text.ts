// Terminal rendering: one block per view, hosts indented under it, one line per route change
// with `+` added, `-` removed, `~` changed. Meant to be read top to bottom like `git diff --stat`.
import { describeEndpointChange } from './cluster-diff.ts';
import { groupViews, viewNameList } from './group-views.ts';
import { listenerNote } from './listener-diff.ts';
import { summaryLine } from './summary-line.ts';
import { groupName, groupRouteChanges, type RouteGroup } from './group-routes.ts';
import { routeLocation, type SidePrefixes } from './route-location.ts';
import type { HostDiff, IrDiff } from './types.ts';

const MARK = { added: '+', removed: '-', changed: '~' } as const;

/**
 * Warnings the change brings (new-warnings.ts), already formatted as the terminal shows them;
 * `count` is the number of warnings (one may take several lines: its related locations).
 */
export function renderNewWarningsText(lines: readonly string[], count: number): string {
  if (lines.length === 0) return '';
  return `\nnew warnings (${count})\n${lines.map((l) => `    ${l}\n`).join('')}`;
}

/** `prefixes`: put before each route's file path, per side (route-location.ts). */
export function renderDiffText(diff: IrDiff, prefixes?: SidePrefixes): string {
  const out: string[] = [summaryLine(diff)];
  for (const { names, view } of groupViews(diff.views)) {
    const label = names.length === 1 ? `view ${names[0]}` : `views ${viewNameList(names)}`;
    const was = view.previousName ? ` (was ${view.previousName})` : '';
    out.push('', `${MARK[view.change]} ${label}${was}${view.change === 'changed' ? '' : ` (${view.change})`}`);
    if (view.selector) out.push(`    ~ selector ${view.selector.before} → ${view.selector.after} (which proxies get the view)`);
    for (const l of view.listenersAdded) {
      out.push(`    + listener ${l.name}${listenerNote(l)}`);
      for (const t of l.tls ?? l.tcp ?? []) out.push(`        ${t}`);
    }
    for (const l of view.listenersRemoved) out.push(`    - listener ${l.name}${listenerNote(l, false)}`);
    for (const l of view.listenersChanged) {
      out.push(`    ~ listener ${l.name}`);
      for (const c of l.changes) out.push(`        ${MARK[c.change]} ${c.text}`);
    }
    for (const host of view.hosts) out.push(...hostLines(host, prefixes));
  }
  if (diff.clusters.length > 0) {
    out.push('', 'clusters');
    for (const c of diff.clusters) {
      const was = c.previousName ? ` (was ${c.previousName})` : '';
      out.push(`    ${MARK[c.change]} ${c.name}${was}${c.change === 'changed' ? '' : ` (${c.summary.join('; ')})`}`);
      if (c.change === 'changed') for (const s of c.summary) out.push(`        ${s}`);
    }
  }
  if (diff.endpoints.length > 0) {
    out.push('', 'endpoints');
    for (const e of diff.endpoints) out.push(`    ~ ${e.cluster}: ${describeEndpointChange(e)}`);
  }
  return `${out.join('\n')}\n`;
}

function hostLines(host: HostDiff, prefixes: SidePrefixes | undefined): string[] {
  const renamed = host.previousName ? ` (was ${host.previousName}; same routes)` : '';
  const lines = [`  ${MARK[host.change]} ${host.name}${renamed} (route table ${host.routeTable})`];
  if (host.domainsAdded.length) lines.push(`      domains added: ${host.domainsAdded.join(', ')}`);
  if (host.domainsRemoved.length) lines.push(`      domains removed: ${host.domainsRemoved.join(', ')}`);
  for (const g of groupRouteChanges(host.routes)) lines.push(...routeLines(g, prefixes));
  return lines;
}

function routeLines(g: RouteGroup, prefixes: SidePrefixes | undefined): string[] {
  const r = g.first;
  const renamed = r.previousName ? ` (was ${r.previousName})` : '';
  const head = `      ${MARK[r.change]} ${groupName(g)}${renamed} [${g.matches.join(' | ')}]`;
  const location = routeLocation(r, prefixes);
  const at = location ? `  (${r.change === 'removed' ? 'was ' : ''}${location})` : '';
  if (r.summary.length === 1) return [`${head}: ${r.summary[0]}${at}`];
  return [`${head}${at}`, ...r.summary.map((s) => `          ${s}`)];
}
