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
  const path = requestTarget(url);
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
 * The path and query as a client sends them on the request line: as written in the URL, so
 * that explain normalizes them as Envoy does (normalize-path.ts), not as a URL parser would
 * (it removes dot segments and escapes other characters). The fragment is not sent. What a
 * request line cannot carry raw, a space or a character outside ASCII, is percent-encoded
 * (UTF-8, upper-case hex), as browsers send it.
 */
function requestTarget(url: string): string {
  const afterScheme = url.slice(url.indexOf('//') + 2);
  const start = afterScheme.search(/[/?#\\]/);
  let target = start < 0 ? '' : afterScheme.slice(start);
  const hash = target.indexOf('#');
  if (hash >= 0) target = target.slice(0, hash);
  // `http://host\x` is `http://host/x` to URL parsers, and so to the clients that use them.
  target = target.startsWith('\\') ? `/${target.slice(1)}` : target.startsWith('/') ? target : `/${target}`;
  return target.replace(/[^\u0000-\u007f]|\u0020/gu, (ch) => encodeURIComponent(ch));
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
