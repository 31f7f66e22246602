// What changed in a listener both sides have, in reviewer's words. Only gateway HTTPS
// listeners carry more than their port: their TLS servers (certificate files, SNI names,
// versions, cipher suites), which decide who can connect and with which certificate. A
// changed route table name (`http.443` → `https.443`) follows from these and is not repeated.
import type { IrListener, IrTlsChain } from '../compile/ir/types.ts';
import type { ChangeKind } from './types.ts';

export interface ListenerLine {
  readonly change: ChangeKind;
  readonly text: string;
}

/** One line per TLS server: `SNI shop.example.com: certificate /c.crt, key /c.key, minimum TLS TLSv1_2`. */
export function describeTls(listener: IrListener): string[] {
  return (listener.tls ?? []).map(describeChain);
}

/** Changes between two listeners of one name; [] when they are the same. */
export function diffListener(before: IrListener, after: IrListener): ListenerLine[] {
  if (!before.tls && !after.tls) return [];
  if (!before.tls) return [{ change: 'changed', text: 'now terminates TLS (HTTPS)' }, ...describeTls(after).map((text) => ({ change: 'added' as const, text }))];
  if (!after.tls) return [{ change: 'changed', text: 'no longer terminates TLS: plain HTTP' }];
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
  };
}
