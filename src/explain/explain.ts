// explain: replays Envoy's routing decisions for one request against a compiled mesh —
// view, listener (by port; on a gateway, a Service port finds the listener on its targetPort), route table, what the connection manager changes in the request
// (before-routing.ts), virtual host (domain rules), then the first route whose match holds —
// and says which earlier routes were skipped and why. A TCP
// listener has no routes: its filter chain decides (tcp-listener.ts).
import type { IrFault, IrListener, IrTlsChain, IrView, MeshIR } from '../compile/ir/types.ts';
import { describeMatch } from '../diff/describe.ts';
import { beforeRouting, type ConnectionFacts } from './before-routing.ts';
import { findVirtualHost } from './domain-match.ts';
import { routeHeaderChanges } from './header-changes.ts';
import { routeOutcome } from './outcome.ts';
import { listenerPortsText, pickListener } from './pick-listener.ts';
import { pickView } from './pick-view.ts';
import { routeMismatches, runtimeAssumptions } from './route-match.ts';
import { explainTcpListener } from './tcp-listener.ts';
import { tlsChainFor, tlsRefusal } from './tls-chain.ts';
import type { ExplainedFault, ExplainOptions, ExplainRequest, Explanation, TriedRoute } from './types.ts';

export function explain(ir: MeshIR, request: ExplainRequest, opts: ExplainOptions = {}): Explanation {
  const base = { request, tried: [] as TriedRoute[] };
  const view = pickView(ir, opts.view);
  if (!view) {
    const detail = opts.view === undefined ? 'the mesh has no default sidecar view' : `no view named "${opts.view}"`;
    return { ...base, outcome: { kind: 'unknown_view', detail, available: ir.views.map((v) => v.name) } };
  }
  const picked = pickListener(view, request.port);
  if (!picked) {
    return {
      ...base,
      view: view.name,
      outcome: { kind: 'no_listener', detail: `view ${view.name} has no listener on port ${request.port} (ports: ${listenerPortsText(view) || 'none'})` },
    };
  }
  const { listener, servicePort } = picked;
  // A TCP listener; or a TCP proxy's chain that the SNI name picks before the connection
  // manager's (a TLS service sharing an HTTP port, a passthrough server sharing an HTTPS port):
  // Envoy picks among all the listener's chains at once, the most specific name first.
  if (listener.tcp && (listener.routeTableName === '' || (request.scheme === 'https' && sniPicksTcp(listener, request.host)))) {
    return explainTcpListener(ir, view, listener, listener.tcp, request, servicePort);
  }
  const chain = listener.tls && request.scheme === 'https' ? tlsChainFor(listener.tls, request.host) : undefined;
  // A server with a table of its own routes only among its hosts (its port has several HTTPS servers).
  const routeTable = chain?.routeTableName ?? listener.routeTableName;
  const listenerInfo = {
    name: listener.name,
    port: listener.port,
    ...(servicePort !== undefined ? { servicePort } : {}),
    routeTable,
    ...(chain
      ? { tls: { serverNames: chain.serverNames, certificateChainFile: chain.certificateChainFile, ...(chain.clientCertificates ? { clientCertificate: chain.clientCertificates.required ? ('required' as const) : ('optional' as const) } : {}) } }
      : {}),
  };
  const refusal = tlsRefusal(listener, request, view.kind);
  if (refusal) return { ...base, view: view.name, listener: listenerInfo, outcome: { kind: 'connection_closed', detail: refusal } };
  // The connection manager's own changes come first: routes match what it made of the request.
  const before = beforeRouting(request, view.kind, connectionFacts(chain));
  const seen = { request, view: view.name, listener: listenerInfo, ...(before.edits.length > 0 ? { beforeRouting: before.edits } : {}) };
  if (before.rejected) return { ...seen, tried: [], outcome: { kind: 'bad_request', status: 400, detail: `Envoy refuses the request before routing: ${before.rejected}` } };
  const routed = before.routed;
  const table = view.routeTables.find((t) => t.name === routeTable);
  const vh = table ? findVirtualHost(table.virtualHosts, routed.authority, table.ignorePortInHostMatching) : undefined;
  if (!vh) {
    const otherPorts = portsServing(view, routed.authority, listener.port);
    const elsewhere = otherPorts.length > 0 ? [] : viewsServing(ir, request, view.name);
    // The authority keeps the port only when the URL wrote one (other than the scheme's).
    const portWritten = request.authority.endsWith(`:${request.port}`);
    const hint =
      otherPorts.length > 0
        ? `host "${request.host}" is routed on port ${otherPorts.join(', ')} in this view, not on port ${request.port}: ${portWritten ? 'use' : 'write'} that port in the URL (${request.scheme}://${request.host.includes(':') ? `[${request.host}]` : request.host}:${otherPorts[0]}${request.path})`
        : elsewhere.length > 0
          ? `host "${request.authority}" is routed in view ${elsewhere.join(', ')} (try --view)`
          : undefined;
    return {
      ...seen,
      tried: [],
      ...(hint ? { hint } : {}),
      outcome: { kind: 'not_found', status: 404, responseFlag: 'NR', detail: `no virtual host in route table ${routeTable} matches host "${request.authority}"` },
    };
  }
  const virtualHost = { name: vh.virtualHost.name, domain: vh.domain, rule: vh.rule };
  if (before.unroutable) return { ...seen, virtualHost, tried: [], outcome: { kind: 'not_found', status: 404, responseFlag: 'NR', detail: before.unroutable } };
  const tried: TriedRoute[] = [];
  const assumptions: string[] = [];
  const routes = vh.virtualHost.routes;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const reasons = routeMismatches(route.match, routed);
    assumptions.push(...runtimeAssumptions(route.match, routed, route.name));
    const match = describeMatch(route.match);
    const source = route.source ? { source: opts.entrySource?.(route) ?? route.source } : {};
    if (reasons.length > 0) {
      tried.push({ position: i + 1, name: route.name, match, reasons, ...source });
      continue;
    }
    const fault = route.fault && (route.fault.abort || route.fault.delay) ? { fault: explainedFault(route.fault) } : {};
    const headers = routeHeaderChanges(route);
    return {
      ...seen,
      virtualHost,
      route: { position: i + 1, name: route.name, match, ...source },
      tried,
      outcome: routeOutcome(route, routed, ir),
      ...fault,
      ...(headers ? { headers } : {}),
      ...(assumptions.length > 0 ? { assumptions } : {}),
    };
  }
  return {
    ...seen,
    virtualHost,
    tried,
    outcome: { kind: 'not_found', status: 404, responseFlag: 'NR', detail: `none of the ${routes.length} routes of ${vh.virtualHost.name} matches` },
    ...(assumptions.length > 0 ? { assumptions } : {}),
  };
}

/** What the filter chain that took the request knows of its connection: TLS, and whether it verifies client certificates. */
function connectionFacts(chain: IrTlsChain | undefined): ConnectionFacts {
  const clients = chain?.clientCertificates;
  return { tls: chain !== undefined, ...(clients ? { clientCertificate: clients.required ? 'required' : 'optional' } : {}) };
}

/**
 * Views other than `current` with a virtual host for the request's authority on its port.
 * Short names such as `reviews` only resolve in their own namespace's sidecar view, so a
 * 404 in the default view often means "ask the namespace's view".
 */
function viewsServing(ir: MeshIR, request: ExplainRequest, current: string): string[] {
  return ir.views
    .filter((v) => v.name !== current)
    .filter((v) => {
      const l = pickListener(v, request.port)?.listener;
      return l !== undefined && listenerRoutesHost(v, l, request.authority);
    })
    .map((v) => v.name);
}

/**
 * Whether a route table `listener` routes by (its own, and its servers' own: HTTPS ports with
 * several servers) has a virtual host naming `authority`; a catch-all `*` host does not count.
 */
function listenerRoutesHost(view: IrView, listener: IrListener, authority: string): boolean {
  const names = new Set([listener.routeTableName, ...(listener.tls ?? []).map((c) => c.routeTableName)]);
  return view.routeTables.some((t) => {
    if (!names.has(t.name)) return false;
    const m = findVirtualHost(t.virtualHosts, authority, t.ignorePortInHostMatching);
    return m !== undefined && m.rule !== 'any';
  });
}

/** Whether, of all the listener's filter chains, the one the SNI name picks is a TCP proxy's. */
function sniPicksTcp(listener: IrListener, sni: string): boolean {
  const chains = [
    ...(listener.tls ?? []).map((c) => ({ serverNames: c.serverNames, tcp: false })),
    ...(listener.tcp ?? []).map((c) => ({ serverNames: c.serverNames, tcp: true })),
  ];
  return tlsChainFor(chains, sni)?.tcp === true;
}

/** An abort without a percentage (Envoy's left unset, as Istio leaves it) aborts 0 % of requests. */
function explainedFault(f: IrFault): ExplainedFault {
  const { abort, delay } = f;
  return { ...(abort ? { abort: { ...abort, percent: abort.percent ?? 0 } } : {}), ...(delay ? { delay } : {}) };
}

/**
 * The ports of `view`'s listeners (other than `exceptPort`) whose route tables name
 * `authority` (listenerRoutesHost): a request
 * written without its service's port (`http://reviews/`) goes to port 80, where that service
 * has no route.
 */
function portsServing(view: IrView, authority: string, exceptPort: number): number[] {
  const ports = new Set<number>();
  for (const listener of view.listeners) {
    if (listener.port !== exceptPort && listenerRoutesHost(view, listener, authority)) ports.add(listener.port);
  }
  return [...ports].sort((a, b) => a - b);
}
