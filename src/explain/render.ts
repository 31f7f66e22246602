// Human rendering of an Explanation: the decision chain top to bottom, then the routes that
// were tried first and why each did not match, then what Envoy does.
import type { IrSource } from '../compile/ir/types.ts';
import { clusterLabel, formatMs, formatPercent } from '../diff/describe.ts';
import { faultLines } from './fault-lines.ts';
import { describeHeaderChanges } from './header-changes.ts';
import type { Explanation, Outcome, RequestEdit } from './types.ts';

export function renderExplanationText(e: Explanation): string {
  const r = e.request;
  const out: string[] = [];
  // An empty label continues the row above.
  const row = (label: string, value: string) => out.push(`${(label ? `${label}:` : '').padEnd(14)}${value}`);
  row('Request', `${r.method} ${r.scheme}://${r.host}:${r.port}${r.path} (Host: ${r.authority})`);
  for (const h of r.headers) row('', `${h.name}: ${h.value}`);
  if (e.view) row('View', e.view);
  if (e.listener) {
    const tls = e.listener.tls;
    const tcp = e.listener.tcp;
    // The request's port is the gateway Service's; its pods listen on the targetPort.
    const name = e.listener.servicePort === undefined ? e.listener.name : `${e.listener.name} (Service port ${e.listener.servicePort} → targetPort ${e.listener.port})`;
    const client = tls?.clientCertificate ? `; client certificate ${tls.clientCertificate === 'required' ? 'required' : 'optional, checked when sent'}` : '';
    const sni = tls ? ` (TLS: certificate ${tls.certificateChainFile}, for ${tls.serverNames.length > 0 ? `SNI ${tls.serverNames.join(', ')}` : 'any SNI name'}${client})` : '';
    if (tcp) {
      const chain = ` (${tcp.serverNames.length > 0 ? `SNI ${tcp.serverNames.join(', ')}` : 'any connection'}: ${tcp.service})`;
      const before = e.listener.routeTable === '' ? 'no route table' : `picked before route table ${e.listener.routeTable}`;
      row('Listener', `${name} → TCP proxy, ${before}${chain}`);
    } else if (e.listener.routeTable === '') row('Listener', `${name} → TCP proxy, no route table`);
    else row('Listener', `${name} → route table ${e.listener.routeTable}${sni}`);
  }
  // What the connection manager changed before routing: the routes below match the result.
  (e.beforeRouting ?? []).forEach((edit, i) => row(i === 0 ? 'Pre-routing' : '', describeEdit(edit)));
  if (e.virtualHost) row('Virtual host', `${e.virtualHost.name} (domain "${e.virtualHost.domain}", ${e.virtualHost.rule} match)`);
  if (e.tried.length > 0) {
    out.push('Not matched:');
    for (const t of e.tried) {
      out.push(`  ${routeLabel(t)}${t.source ? `  ${where(t.source)}` : ''}`);
      for (const reason of t.reasons) out.push(`      ${reason}`);
    }
  }
  if (e.route) {
    row('Matched', routeLabel(e.route));
    if (e.route.source) row('Source', `${where(e.route.source)} (${e.route.source.kind} ${e.route.source.namespace}/${e.route.source.name}, ${e.route.source.field})`);
  }
  out.push(...outcomeLines(e.outcome));
  if (e.headers) describeHeaderChanges(e.headers).forEach((line, i) => row(i === 0 ? 'Headers' : '', line));
  if (e.hint) row('Hint', e.hint);
  (e.assumptions ?? []).forEach((line, i) => row(i === 0 ? 'Assumed' : '', line));
  if (e.fault) faultLines(e.fault).forEach((line, i) => row(i === 0 ? 'Fault' : '', line));
  return `${out.join('\n')}\n`;
}

/**
 * `spec.http[0].match[1] vs/ns/name/http/<rule>/match/1 [prefix /v2]`: the rule by its field
 * path, counted from zero as the diagnostics count rules, then the Envoy route name, which
 * carries the rule's name. No position number of our own, which would be a third way to count.
 */
function routeLabel(r: { readonly name: string; readonly match: string; readonly source?: IrSource }): string {
  return `${r.source ? `${r.source.field} ` : ''}${r.name} [${r.match}]`;
}

/** `x-forwarded-proto: http (was "https": a gateway ... sets it from the connection ...)`. */
export function describeEdit(e: RequestEdit): string {
  const was = e.was === undefined ? '' : `was ${JSON.stringify(e.was)}: `;
  if (e.change === 'removed') return `${e.name} removed (${was}${e.why})`;
  if (e.change === 'normalized') return `path ${e.value} (was ${e.was}; ${e.why})`;
  return `${e.name}: ${e.value} (${e.change === 'added' ? 'added: ' : was}${e.why})`;
}

function where(s: IrSource): string {
  return `${s.file}:${s.line}:${s.column}`;
}

export function outcomeLines(o: Outcome): string[] {
  switch (o.kind) {
    case 'forward': {
      const lines = ['Result:       forward to'];
      const width = Math.max(...o.destinations.map((d) => clusterLabel(d.cluster, true).length));
      for (const d of o.destinations) {
        const none = d.endpoints === 0 ? '  (no endpoints: Envoy answers 503, no healthy upstream)' : '';
        lines.push(`  ${clusterLabel(d.cluster, true).padEnd(width)}  ${formatPercent(d.percent).padStart(6)}%  ${d.cluster}${none}`);
        if (d.headers) for (const h of describeHeaderChanges(d.headers)) lines.push(`${''.padEnd(width + 13)}headers ${h}`);
        if (d.authority !== undefined) lines.push(`${''.padEnd(width + 13)}upstream Host: ${d.authority}`);
      }
      const sub = (label: string, value: string) => lines.push(`  ${`${label}:`.padEnd(12)}${value}`);
      sub('Upstream', `${o.upstream.path} (Host: ${o.upstream.authority})`);
      sub('Timeout', formatMs(o.timeoutMs));
      if (o.retry) sub('Retries', o.retry);
      for (const m of o.mirrors) sub('Mirror', `${clusterLabel(m.cluster, true)} for ${formatPercent(m.percent)}%`);
      return lines;
    }
    case 'redirect':
      return [`Result:       redirect ${o.status}, Location: ${o.location}`];
    case 'direct_response':
      return [`Result:       direct response ${o.status}${o.body === undefined ? '' : `, body: ${JSON.stringify(o.body)}`}`];
    case 'not_found':
      return [`Result:       404 Not Found (Envoy response flag ${o.responseFlag}): ${o.detail}`];
    case 'tcp_proxy': {
      const lines = [`Result:       proxy the connection (TCP, ${o.chain}) to`];
      const width = Math.max(...o.destinations.map((d) => clusterLabel(d.cluster, true).length));
      for (const d of o.destinations) {
        const none = d.endpoints === 0 ? '  (no endpoints: Envoy closes the connection)' : '';
        lines.push(`  ${clusterLabel(d.cluster, true).padEnd(width)}  ${formatPercent(d.percent).padStart(6)}%  ${d.cluster}${none}`);
      }
      return lines;
    }
    case 'bad_request':
      return [`Result:       400 Bad Request: ${o.detail}`];
    case 'no_listener':
      return [`Result:       connection refused: ${o.detail}`];
    case 'connection_closed':
      return [`Result:       connection closed: ${o.detail}`];
    case 'unknown_view':
      return [`Result:       ${o.detail}; views: ${o.available.join(', ') || 'none'}`];
  }
}
