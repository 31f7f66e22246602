// What changed in a listener both sides have, in reviewer's words. Gateway HTTPS listeners
// carry their TLS servers (certificate files, SNI names, versions, cipher suites), which
// decide who can connect and with which certificate; a changed route table name
// (`http.443` → `https.443`) follows from these and is not repeated. Sidecar TCP listeners
// carry, per service, where its connections go (`db: v1 100→50, v2 0→50`).
import type { IrListener, IrTcpChain, IrTlsChain } from '../compile/ir/types.ts';
import { NO_RENAMES, renameDestinations, type ClusterRenames } from './cluster-renames.ts';
import { clusterLabel, formatPercent, percentages } from './describe.ts';
import { weightSummary } from './route-changes.ts';
import type { ChangeKind, ListenerRef } from './types.ts';
import { uncoveredLines } from './change-lines.ts';
import { diffValues } from './value-diff.ts';

export interface ListenerLine {
  readonly change: ChangeKind;
  readonly text: string;
}

/**
 * What a listener line adds to its name: ` (HTTPS, targetPort of Service port 443)`; '' for plain
 * HTTP bound to its own port. `withKind` false: the Service ports only (a removed listener's line).
 */
export function listenerNote(l: ListenerRef, withKind = true): string {
  const kind = !withKind ? '' : l.tls ? 'HTTPS' : l.tcp ? 'TCP' : '';
  const parts = [kind, l.servicePorts ? `targetPort of Service port ${l.servicePorts.join(', ')}` : ''].filter((p) => p !== '');
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** One line per TLS server: `SNI shop.example.com: certificate /c.crt, key /c.key, minimum TLS TLSv1_2`. */
export function describeTls(listener: IrListener): string[] {
  return (listener.tls ?? []).map(describeChain);
}

/** One line per TCP service: `db.shop.svc.cluster.local (any connection): db v1 90%, db v2 10%  (vs/shop/db/tcp/0, mesh.yaml:12)`. */
export function describeTcp(listener: IrListener): string[] {
  return (listener.tcp ?? []).map(describeTcpChain);
}

/**
 * Changes between two listeners of one name; [] when they are the same. `renames`: subsets
 * renamed (cluster-renames.ts), so a TCP proxy that follows its subset's new name is unchanged.
 */
export function diffListener(before: IrListener, after: IrListener, renames: ClusterRenames = NO_RENAMES): ListenerLine[] {
  // A gateway port can go from HTTPS to TCP: both parts then have their say.
  const lines = [...diffTls(before, after), ...(before.tcp || after.tcp ? diffTcp(before, after, renames) : [])];
  return [...lines, ...diffServicePorts(before, after), ...otherLines(before, after, lines.length > 0)];
}

/** A gateway listener that another set of Service ports now sends to (IrListener.servicePorts). */
function diffServicePorts(before: IrListener, after: IrListener): ListenerLine[] {
  const text = (l: IrListener) => (l.servicePorts ? l.servicePorts.join(', ') : 'none');
  return text(before) === text(after) ? [] : [{ change: 'changed', text: `targetPort of Service port: ${text(before)} → ${text(after)}` }];
}

/**
 * The listener's other fields (stat prefix, a route table of its own, one newer than these
 * lines), field by field: a listener that changed never reads as unchanged. TLS servers and
 * TCP chains have their lines above; a new route table name follows from those when they changed.
 */
function otherLines(before: IrListener, after: IrListener, tlsOrTcpChanged: boolean): ListenerLine[] {
  const covered = ['name', 'tls', 'tcp', 'servicePorts', ...(tlsOrTcpChanged ? ['routeTableName'] : [])];
  return uncoveredLines(diffValues(before, after, ''), covered).map((text) => ({ change: 'changed', text }));
}

function diffTls(before: IrListener, after: IrListener): ListenerLine[] {
  if (!before.tls && !after.tls) return [];
  if (!before.tls) return [{ change: 'changed', text: 'now terminates TLS (HTTPS)' }, ...describeTls(after).map((text) => ({ change: 'added' as const, text }))];
  if (!after.tls) return [{ change: 'changed', text: `no longer terminates TLS${after.tcp ? '' : ': plain HTTP'}` }];
  // A server is the same server when it answers the same names; else the one sharing the
  // most names with it; else one with the same certificate file. A new name or a rotated
  // certificate then reads as one change (servers often share one wildcard certificate, so
  // names come before files).
  const pairs: [IrTlsChain, IrTlsChain][] = [];
  const left = [...before.tls];
  let right = after.tls.filter((c) => {
    const i = left.findIndex((o) => sniLabel(o) === sniLabel(c));
    if (i < 0) return true;
    pairs.push([left.splice(i, 1)[0]!, c]);
    return false;
  });
  right = right.filter((c) => {
    let best = -1;
    let bestShared = 0;
    left.forEach((o, i) => {
      const shared = o.serverNames.filter((n) => c.serverNames.includes(n)).length;
      if (shared > bestShared) [best, bestShared] = [i, shared];
    });
    if (best < 0) return true;
    pairs.push([left.splice(best, 1)[0]!, c]);
    return false;
  });
  const added = right.filter((c) => {
    const i = left.findIndex((o) => o.certificateChainFile === c.certificateChainFile);
    if (i < 0) return true;
    pairs.push([left.splice(i, 1)[0]!, c]);
    return false;
  });
  const out: ListenerLine[] = left.map((c) => ({ change: 'removed', text: describeChain(c) }));
  for (const [was, now] of pairs) {
    const a = chainFields(was);
    const b = chainFields(now);
    const changed = Object.keys(b)
      .filter((k) => a[k] !== b[k])
      .map((k) => (k === 'SNI names' ? nameChanges(was, now) : `${k} ${a[k]} → ${b[k]}`));
    if (changed.length > 0) out.push({ change: 'changed', text: `${sniLabel(now)}: ${changed.join(', ')}` });
  }
  for (const c of added) out.push({ change: 'added', text: describeChain(c) });
  return out;
}

/** `SNI names added d.example.com, removed a.example.com` (`any` for a chain without names). */
function nameChanges(was: IrTlsChain, now: IrTlsChain): string {
  const names = (c: IrTlsChain) => (c.serverNames.length > 0 ? c.serverNames : ['any']);
  const added = names(now).filter((n) => !names(was).includes(n));
  const removed = names(was).filter((n) => !names(now).includes(n));
  const parts = [added.length > 0 ? `added ${added.join(', ')}` : '', removed.length > 0 ? `removed ${removed.join(', ')}` : ''];
  return `SNI names ${parts.filter(Boolean).join(', ')}`;
}

function describeChain(c: IrTlsChain): string {
  const f = chainFields(c);
  const parts = [`certificate ${f.certificate}`, `key ${f.key}`, `minimum TLS ${f['minimum TLS']}`];
  if (c.maxVersion !== 'TLS_AUTO') parts.push(`maximum TLS ${f['maximum TLS']}`);
  if (c.cipherSuites.length > 0) parts.push(`ciphers ${f.ciphers}`);
  if (c.clientCertificates) parts.push(`client certificates ${f['client certificates']}`);
  return `${sniLabel(c)}: ${parts.join(', ')}`;
}

function sniLabel(c: IrTlsChain): string {
  return c.serverNames.length > 0 ? `SNI ${c.serverNames.join(', ')}` : 'any SNI name';
}

function chainFields(c: IrTlsChain): Record<string, string> {
  return {
    'SNI names': c.serverNames.length > 0 ? c.serverNames.join(', ') : 'any',
    certificate: c.certificateChainFile,
    key: c.privateKeyFile,
    'minimum TLS': c.minVersion,
    'maximum TLS': c.maxVersion === 'TLS_AUTO' ? 'Envoy default' : c.maxVersion,
    ciphers: c.cipherSuites.length > 0 ? c.cipherSuites.join(':') : 'Envoy default',
    'client certificates': clientCertificates(c),
    // A server with a table of its own (its port has several HTTPS servers).
    'route table': c.routeTableName ?? 'the port\'s',
  };
}

/** MUTUAL / OPTIONAL_MUTUAL as a reviewer reads them: `required (CA ca.pem, SAN a, b)`; `not asked for` (SIMPLE). */
function clientCertificates(c: IrTlsChain): string {
  const v = c.clientCertificates;
  if (!v) return 'not asked for';
  const checks = [`CA ${v.caCertificatesFile}`];
  if (v.subjectAltNames.length > 0) checks.push(`SAN ${v.subjectAltNames.join(', ')}`);
  if (v.spki.length > 0) checks.push(`SPKI pins ${v.spki.join(', ')}`);
  if (v.hashes.length > 0) checks.push(`hash pins ${v.hashes.join(', ')}`);
  return `${v.required ? 'required' : 'optional'} (${checks.join('; ')})`;
}

function diffTcp(before: IrListener, after: IrListener, renames: ClusterRenames): ListenerLine[] {
  const out: ListenerLine[] = [];
  const tcpOnly = (l: IrListener) => l.tcp !== undefined && l.routeTableName === '';
  if (tcpOnly(before) !== tcpOnly(after)) {
    out.push({ change: 'changed', text: tcpOnly(after) ? 'now a TCP proxy: the port is no longer HTTP' : `now HTTP (route table ${after.routeTableName}): no longer only a TCP proxy` });
  }
  // Chains: the services whose connections the listener proxies, on both sides.
  const key = (c: IrTcpChain) => `${c.host}|${c.serverNames.join(',')}`;
  const old = new Map((before.tcp ?? []).map((c) => [key(c), c]));
  const now = new Map((after.tcp ?? []).map((c) => [key(c), c]));
  for (const [k, c] of old) if (!now.has(k)) out.push({ change: 'removed', text: describeTcpChain(c) });
  for (const [k, c] of now) {
    const was = old.get(k);
    if (!was) {
      out.push({ change: 'added', text: describeTcpChain(c) });
      continue;
    }
    const weights = weightSummary({ destinations: renameDestinations(was.destinations, renames) }, c);
    const rule = was.name === c.name ? '' : `rule ${was.name} → ${c.name}`;
    const parts = [weights, rule].filter(Boolean);
    const where = c.source ? `  (${c.source.file}:${c.source.line})` : '';
    if (parts.length > 0) out.push({ change: 'changed', text: `${chainLabel(c)}: ${parts.join('; ')}${where}` });
  }
  return out;
}

function chainLabel(c: IrTcpChain): string {
  return `${c.host} (${c.serverNames.length > 0 ? `SNI ${c.serverNames.join(', ')}` : 'any connection'})`;
}

function describeTcpChain(c: IrTcpChain): string {
  const pcts = percentages(c.destinations.map((d) => d.weight));
  const to = c.destinations.map((d, i) => `${clusterLabel(d.cluster)} ${formatPercent(pcts[i] ?? 0)}%`).join(', ');
  return `${chainLabel(c)}: ${to}  (${c.name}${c.source ? `, ${c.source.file}:${c.source.line}` : ''})`;
}
