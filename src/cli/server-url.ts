// Where `meshlog status` finds a server's HTTP API: `--server` (or MESHLOG_SERVER) as an
// http(s) URL, or as HOST:PORT the way `serve --http` takes it and prints it.
import { formatHostPort, parseHostPort } from '../core/host-port.ts';

export const DEFAULT_STATUS_SERVER = 'http://127.0.0.1:8080';

export type ServerUrl = { readonly ok: true; readonly base: string } | { readonly ok: false; readonly message: string };

/**
 * The base URL (no trailing slash) that API paths are appended to. A URL keeps its path, for a
 * server behind a proxy that adds a prefix; `flag` names where the value came from.
 */
export function serverUrl(text: string, flag: string): ServerUrl {
  const value = text.trim();
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    // Without this, `localhost:8080` would parse as a URL of scheme "localhost:" and fail obscurely.
    const address = parseHostPort(value, { flag, example: '127.0.0.1:8080' });
    if (!address.ok) return { ok: false, message: `${address.message} (or a URL such as ${DEFAULT_STATUS_SERVER})` };
    return { ok: true, base: `http://${formatHostPort(address)}` };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, message: `${flag} is not a valid URL: "${text}" (e.g. ${DEFAULT_STATUS_SERVER}, or HOST:PORT)` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, message: `${flag} is meshlog serve's HTTP address: an http:// or https:// URL, or HOST:PORT (e.g. ${DEFAULT_STATUS_SERVER}); got "${text}"` };
  }
  return { ok: true, base: `${url.origin}${url.pathname.replace(/\/+$/, '')}` };
}
