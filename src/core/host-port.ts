// HOST:PORT as the address flags take it (`serve --xds/--http`, `bootstrap --server`, and
// `status --server` when it is not a URL). Strict, so that a mistake is a usage error that
// says what to write: a lenient reading once took `http://127.0.0.1:18000` as the host
// name `http://127.0.0.1`, and the bootstrap it produced pointed Envoy at nothing, silently.
import { isIPv4, isIPv6 } from 'node:net';

export interface HostPort {
  /** An IPv4 address, an IPv6 address (without brackets) or a DNS name. */
  readonly host: string;
  readonly port: number;
}

export type HostPortResult = ({ readonly ok: true } & HostPort) | { readonly ok: false; readonly message: string };

export interface HostPortFlag {
  /** How the user gave the value (`--server`, `MESHLOG_SERVER`): every message starts with it. */
  readonly flag: string;
  /** A value that works, shown in messages (`127.0.0.1:18000`). */
  readonly example: string;
  /** A listen address: port 0 ("any free port") is allowed. */
  readonly listen?: boolean;
}

/** `host:port`, IPv6 in brackets (`[::1]:18000`): the form the flags take, and what URLs and gRPC targets need. */
export function formatHostPort(address: HostPort): string {
  return `${address.host.includes(':') ? `[${address.host}]` : address.host}:${address.port}`;
}

/** Reads `text` as HOST:PORT; a refusal says, in words, what was wrong and what to write. */
export function parseHostPort(text: string, spec: HostPortFlag): HostPortResult {
  const { flag, example } = spec;
  const value = text.trim();
  const refuse = (why: string): HostPortResult => ({ ok: false, message: `${flag} ${why}` });
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value);
  if (scheme) {
    // The likely intent is the address inside the URL; say so rather than take it: https://
    // or grpc:// would promise TLS or a protocol that the flag does not configure.
    const authority = value.slice(scheme[0].length).split('/')[0]!;
    return refuse(`takes HOST:PORT without ${scheme[0]}${instead(parseHostPort(authority, spec), value, example)}`);
  }
  const slash = value.indexOf('/');
  if (slash >= 0) return refuse(`takes HOST:PORT with no path${instead(parseHostPort(value.slice(0, slash), spec), value, example)}`);
  const parts = /^(?:\[([^\]]*)\]|([^[\]:]*))(?::([^:]*))?$/.exec(value);
  if (!parts) {
    // `::1:18000`: the port might be the address's last group; brackets say where it ends.
    const lastColon = value.lastIndexOf(':');
    const bare = value.slice(0, lastColon);
    if (isIPv6(bare)) return refuse(`takes an IPv6 address in brackets: write [${bare}]${value.slice(lastColon)}, not ${value}`);
    return refuse(`must be HOST:PORT, e.g. ${example}, got "${text}"`);
  }
  const [, bracketed, plain, portText] = parts;
  const host = bracketed ?? plain ?? '';
  if (portText === undefined) return refuse(`needs a port: HOST:PORT, e.g. ${example}, got "${text}"`);
  if (host === '') return refuse(`needs a host before the port: HOST:PORT, e.g. ${example}, got "${text}"`);
  if (bracketed !== undefined && !isIPv6(host)) return refuse(`takes brackets only around an IPv6 address, got "${text}"`);
  if (bracketed === undefined && !isIPv4(host) && !isDnsName(host)) {
    return { ok: false, message: `${flag}: "${host}" is not a host name or IP address (HOST:PORT, e.g. ${example}; IPv6 in brackets, [::1]:PORT)` };
  }
  const lowest = spec.listen ? 0 : 1;
  const port = /^\d{1,5}$/.test(portText) ? Number(portText) : NaN;
  if (!(port >= lowest && port <= 65535)) {
    return refuse(`needs a port number from ${lowest} to 65535${spec.listen ? ' (0: any free port)' : ''}, got "${portText}"`);
  }
  return { ok: true, host, port };
}

/** What to write instead of `given`: the address found in it, or else the example. */
function instead(found: HostPortResult, given: string, example: string): string {
  return found.ok ? `: write ${formatHostPort(found)}, not ${given}` : `, e.g. ${example}; got "${given}"`;
}

/**
 * A host name as DNS has it (RFC 1123 labels; underscores allowed, as some internal names
 * have them), an optional final dot. A name whose last label is all digits is a mistyped
 * IPv4 address (`10.0.0.300`, `10.0.1`), not a name.
 */
function isDnsName(host: string): boolean {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name.length === 0 || name.length > 253) return false;
  const labels = name.split('.');
  if (/^\d+$/.test(labels.at(-1)!)) return false;
  return labels.every((l) => /^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$/i.test(l));
}
