// Human one-liners for IR elements, shared by the diff summaries and explain's report.
// They name things the way a reader of the Istio config thinks of them (host short name,
// subset), not by Envoy's cluster names.
import { clip } from './comment-limit.ts';
import type {
  IrCors,
  IrFault,
  IrHeaderOps,
  IrMatch,
  IrRetry,
  IrRouteAction,
  IrStringMatch,
} from '../compile/ir/types.ts';

export interface ClusterLabel {
  readonly host: string;
  readonly shortHost: string;
  readonly port: string;
  readonly subset: string;
}

/**
 * Splits `outbound|<port>|<subset>|<fqdn>`; any other name is its own host. Only a
 * Kubernetes service (`<name>.<ns>.svc.<domain>`) is shortened to its service name: an
 * external host such as `api.example.com` is shown whole, since `api` would name nothing.
 */
export function parseClusterName(name: string): ClusterLabel {
  const parts = name.split('|');
  if (parts.length === 4 && parts[0] === 'outbound') {
    const host = parts[3] ?? '';
    const labels = host.split('.');
    const clusterLocal = labels.length >= 4 && labels[2] === 'svc';
    return { host, shortHost: clusterLocal ? (labels[0] ?? host) : host, port: parts[1] ?? '', subset: parts[2] ?? '' };
  }
  return { host: name, shortHost: name, port: '', subset: '' };
}

/** `reviews v1`, `reviews`, or `reviews:9080 v1` when `withPort`. */
export function clusterLabel(name: string, withPort = false): string {
  const c = parseClusterName(name);
  const host = withPort && c.port ? `${c.shortHost}:${c.port}` : c.shortHost;
  return c.subset ? `${host} ${c.subset}` : host;
}

export function describeStringMatch(m: IrStringMatch): string {
  switch (m.kind) {
    case 'exact':
      return `=${m.value}`;
    case 'prefix':
      return ` prefix ${m.value}`;
    case 'regex':
      return ` ~ /${m.value}/`;
  }
}

const PSEUDO_HEADERS: Readonly<Record<string, string>> = { ':method': 'method', ':authority': 'authority', ':scheme': 'scheme' };

export function describeMatch(match: IrMatch): string {
  const parts: string[] = [];
  if (match.path) {
    const kind = match.path.kind === 'exact' ? 'path' : match.path.kind;
    parts.push(`${kind} ${match.path.value}${match.ignoreCase ? ' (any case)' : ''}`);
  }
  for (const h of match.headers) {
    // Istio's method/authority/scheme matches are pseudo-headers in Envoy; say them as Istio does.
    const pseudo = PSEUDO_HEADERS[h.name];
    let cond: string;
    if (pseudo) cond = h.value ? `${pseudo} ${h.value.kind === 'exact' ? h.value.value : describeStringMatch(h.value).trim()}` : `${pseudo} present`;
    else cond = `header ${h.value ? `${h.name}${describeStringMatch(h.value)}` : `${h.name} present`}`;
    parts.push(h.invert ? `not ${cond}` : cond);
  }
  for (const q of match.queryParams) {
    parts.push(`query ${q.value ? `${q.name}${describeStringMatch(q.value)}` : `${q.name} present`}`);
  }
  return parts.length === 0 ? 'any request' : parts.join(', ');
}

/** Percent of total for relative weights; a lone destination gets 100. */
export function percentages(weights: readonly number[]): number[] {
  if (weights.length === 1) return [100];
  const total = weights.reduce((a, b) => a + b, 0);
  return weights.map((w) => (total > 0 ? (w / total) * 100 : 0));
}

export function formatPercent(p: number): string {
  const rounded = Math.round(p * 100) / 100;
  return String(rounded);
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined || ms === 0) return 'none';
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export function describeAction(action: IrRouteAction): string {
  switch (action.kind) {
    case 'forward': {
      const pcts = percentages(action.destinations.map((d) => d.weight));
      return `forward to ${action.destinations.map((d, i) => `${clusterLabel(d.cluster)} ${formatPercent(pcts[i] ?? 0)}%`).join(', ')}`;
    }
    case 'redirect':
      return `redirect ${action.code} to ${describeRedirectTarget(action)}`;
    case 'direct_response':
      return `direct response ${action.status}${action.body === undefined ? '' : ` "${clip(action.body, 40)}"`}`;
  }
}

export function describeRedirectTarget(r: { scheme?: string; authority?: string; port?: number; uri?: string }): string {
  const parts: string[] = [];
  if (r.scheme) parts.push(`scheme ${r.scheme}`);
  if (r.authority) parts.push(`host ${r.authority}`);
  if (r.port !== undefined) parts.push(`port ${r.port}`);
  if (r.uri !== undefined) parts.push(`path ${r.uri}`);
  return parts.length === 0 ? 'same URL' : parts.join(', ');
}

export function describeFault(f: IrFault | undefined): string {
  if (!f) return 'none';
  const parts: string[] = [];
  if (f.abort) {
    const status = f.abort.httpStatus !== undefined ? `HTTP ${f.abort.httpStatus}` : `gRPC ${f.abort.grpcStatus ?? '?'}`;
    parts.push(`abort ${status} for ${formatPercent(f.abort.percent ?? 0)}%`);
  }
  if (f.delay) parts.push(`delay ${formatMs(f.delay.fixedDelayMs)} for ${formatPercent(f.delay.percent)}%`);
  return parts.length === 0 ? 'none' : parts.join(', ');
}

export function describeRetry(r: IrRetry | undefined): string {
  if (!r) return 'none';
  const perTry = r.perTryTimeoutMs ? `, per try ${formatMs(r.perTryTimeoutMs)}` : '';
  const codes = r.retriableStatusCodes.length ? `, status ${r.retriableStatusCodes.join(',')}` : '';
  const sameHost = r.previousHosts === false ? ', may retry the same host' : '';
  const backoff = r.backoffMs ? `, back-off ${formatMs(r.backoffMs)}` : '';
  const remote = r.retryRemoteLocalities ? ', may retry other localities' : '';
  return `${r.attempts} attempts on ${r.retryOn.join(',') || 'nothing'}${codes}${perTry}${backoff}${sameHost}${remote}`;
}

export function describeMirrors(m: readonly { cluster: string; percent: number }[]): string {
  return m.length === 0 ? 'none' : m.map((x) => `${clusterLabel(x.cluster)} ${formatPercent(x.percent)}%`).join(', ');
}

/** Origins and methods always; the other settings when set (a browser's preflight answer depends on each). */
export function describeCors(c: IrCors | undefined): string {
  if (!c) return 'none';
  const origins = c.allowOrigins.map((o) => (o.kind === 'exact' ? o.value : describeStringMatch(o).trim()));
  const parts = [`origins ${origins.join(' ') || 'none'}`, `methods ${c.allowMethods.join(',') || 'any'}`];
  if (c.allowHeaders.length > 0) parts.push(`headers ${c.allowHeaders.join(',')}`);
  if (c.exposeHeaders.length > 0) parts.push(`expose ${c.exposeHeaders.join(',')}`);
  if (c.maxAgeSeconds !== undefined) parts.push(`max age ${c.maxAgeSeconds}s`);
  if (c.allowCredentials !== undefined) parts.push(`credentials ${c.allowCredentials ? 'allowed' : 'not allowed'}`);
  return parts.join('; ');
}

export function describeHeaderOps(ops: IrHeaderOps): string {
  const parts: string[] = [];
  for (const side of ['request', 'response'] as const) {
    const s = ops[side];
    for (const h of s.set) parts.push(`${side} set ${h.name}: ${h.value}`);
    for (const h of s.add) parts.push(`${side} add ${h.name}: ${h.value}`);
    for (const h of s.remove) parts.push(`${side} remove ${h}`);
  }
  return parts.length === 0 ? 'none' : parts.join('; ');
}
