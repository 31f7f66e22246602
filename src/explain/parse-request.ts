// Parses the request description users type: `GET http://reviews:9080/x -H end-user:jason`.
// Shell-like quoting is honoured inside the string ('...' and "..."), so a header value
// may contain spaces: `-H 'x-note: a b'`. Failures are results, shown as usage errors.
import type { ExplainRequest } from './types.ts';
import { isHeaderNameOrPseudo, isHttpToken } from '../core/http-token.ts';

export type ParseResult = { readonly ok: true; readonly request: ExplainRequest } | { readonly ok: false; readonly error: string };

const DEFAULT_PORT = { http: 80, https: 443 } as const;

export function parseRequest(text: string): ParseResult {
  const words = splitWords(text);
  if (typeof words === 'string') return { ok: false, error: words };
  const [method, url, ...rest] = words;
  if (!method || !url) return { ok: false, error: 'expected "METHOD URL [-H name:value]...", e.g. "GET http://reviews:9080/ -H end-user:jason"' };
  if (!isHttpToken(method)) return { ok: false, error: `invalid method "${method}"` };

  const headers: { name: string; value: string }[] = [];
  for (let i = 0; i < rest.length; i++) {
    const flag = rest[i];
    if (flag !== '-H' && flag !== '--header') return { ok: false, error: `unexpected "${flag}": only -H name:value may follow the URL` };
    const header = rest[++i];
    if (header === undefined) return { ok: false, error: `${flag} needs a "name:value" argument` };
    const parsed = parseHeader(header);
    if (typeof parsed === 'string') return { ok: false, error: parsed };
    headers.push(parsed);
  }

  if (!/^https?:\/\//i.test(url)) return { ok: false, error: `URL must start with http:// or https://: "${url}"` };
  let parsedUrl: URL;
  try {
    parsedUrl = new URL(url);
  } catch {
    return { ok: false, error: `invalid URL "${url}"` };
  }
  const scheme = parsedUrl.protocol === 'https:' ? 'https' : 'http';
  const host = parsedUrl.hostname.toLowerCase();
  if (!host) return { ok: false, error: `URL has no host: "${url}"` };
  const port = parsedUrl.port === '' ? DEFAULT_PORT[scheme] : Number(parsedUrl.port);
  const hostOverride = headers.find((h) => h.name === 'host' || h.name === ':authority');
  const authority = hostOverride ? hostOverride.value : parsedUrl.host.toLowerCase();
  const path = `${normalizedPath(parsedUrl.pathname)}${parsedUrl.search}`;
  return {
    ok: true,
    request: {
      method: method.toUpperCase(),
      scheme,
      host,
      port,
      authority,
      path,
      headers: headers.filter((h) => h !== hostOverride),
    },
  };
}

/**
 * The path as the proxy routes it: compiled connection managers normalize paths (RFC 3986, as
 * Istio's default). The URL parser has already removed dot segments (`/a/../b`, `%2e%2e`);
 * what is left is decoding escapes of unreserved characters (`/%61dmin` is `/admin`), with the
 * other escapes' hex digits in upper case, as Envoy writes them.
 */
function normalizedPath(pathname: string): string {
  return pathname.replace(/%([0-9A-Fa-f]{2})/g, (_escape, hex: string) => {
    const ch = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${hex.toUpperCase()}`;
  });
}

function parseHeader(text: string): { name: string; value: string } | string {
  // A leading ':' belongs to a pseudo-header name (`:authority:foo`).
  const colon = text.indexOf(':', text.startsWith(':') ? 1 : 0);
  if (colon <= 0) return `header "${text}" must be name:value`;
  const name = text.slice(0, colon).trim().toLowerCase();
  const value = text.slice(colon + 1).trim();
  if (!isHeaderNameOrPseudo(name)) return `invalid header name "${name}"`;
  if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(value)) return `header "${name}" has a control character in its value`;
  return { name, value };
}

/** Splits on whitespace, honouring single and double quotes; an error message on bad quoting. */
function splitWords(text: string): string[] | string {
  const words: string[] = [];
  let current: string | undefined;
  let quote: '"' | "'" | undefined;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = undefined;
      else current = (current ?? '') + ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current = current ?? '';
    } else if (/\s/.test(ch)) {
      if (current !== undefined) words.push(current);
      current = undefined;
    } else current = (current ?? '') + ch;
  }
  if (quote) return `unterminated ${quote} quote in request`;
  if (current !== undefined) words.push(current);
  return words;
}
