// The path Envoy routes on when the connection manager normalizes paths (`normalize_path`, as
// meshlog's listeners set it; request-handling.ts). Measured on Envoy 1.40, each rule in
// test/explain/explain-vs-envoy.test.ts (the normalization samples):
//   - a control character, DEL or a byte outside ASCII on the request line: 400 (the codec);
//   - `"` `<` `>` `^` `` ` `` `{` `|` `}` are percent-encoded with upper-case hex, `\` is `/`;
//   - the escape of an unreserved character (A-Z a-z 0-9 - . _ ~) is decoded, in either case
//     (`%7e`, `%7E`); `%00` makes Envoy answer 400; any other escape stays exactly as written,
//     hex digits' case included (`%c3%a9` is not `%C3%A9`, `%2f` is no separator), and so does a
//     `%` not followed by two hex digits;
//   - then dot segments are removed (RFC 3986 section 5.2.4), so `%2e` counts as `.`; `//` stays
//     (merge_slashes is off);
//   - the query string is left exactly as sent.

export type NormalizedPath = { readonly ok: true; readonly path: string } | { readonly ok: false; readonly reason: string };

/** Characters Envoy escapes when it finds them raw in a path. */
const ESCAPED = new Set(['"', '<', '>', '^', '`', '{', '|', '}']);
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/** `pathAndQuery` as sent on the request line → the path Envoy routes on (query kept as is), or why Envoy answers 400. */
export function normalizePath(pathAndQuery: string): NormalizedPath {
  const q = pathAndQuery.indexOf('?');
  const path = q < 0 ? pathAndQuery : pathAndQuery.slice(0, q);
  const query = q < 0 ? '' : pathAndQuery.slice(q);
  const bad = /[^\x21-\x7e]/.exec(pathAndQuery);
  if (bad) return { ok: false, reason: `its request line has ${describeChar(bad[0])}, which the HTTP/1 parser refuses` };
  if (path.includes('#')) return { ok: false, reason: 'its path has a fragment ("#")' };
  const canonical = canonicalCharacters(path);
  if (canonical === undefined) return { ok: false, reason: 'its path has %00, an escaped NUL byte' };
  return { ok: true, path: withoutDotSegments(canonical) + query };
}

function describeChar(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (code === 0x20) return 'a space in the path';
  return code > 0x7e && code !== 0x7f ? `the non-ASCII character "${ch}"` : `the control character U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Escapes resolved and raw characters escaped, character by character; undefined for `%00`. */
function canonicalCharacters(path: string): string | undefined {
  let out = '';
  for (let i = 0; i < path.length; i++) {
    const ch = path[i]!;
    if (ch === '%' && /^[0-9A-Fa-f]{2}$/.test(path.slice(i + 1, i + 3))) {
      const escape = path.slice(i, i + 3);
      const decoded = String.fromCharCode(parseInt(escape.slice(1), 16));
      if (decoded === '\0') return undefined;
      out += UNRESERVED.test(decoded) ? decoded : escape;
      i += 2;
    } else if (ch === '\\') out += '/';
    else if (ESCAPED.has(ch)) out += `%${ch.charCodeAt(0).toString(16).toUpperCase()}`;
    else out += ch;
  }
  return out;
}

/** RFC 3986 remove_dot_segments on an absolute path: `.` segments go, `..` takes the one before it. */
function withoutDotSegments(path: string): string {
  const segments = path.split('/').slice(1);
  const out: string[] = [];
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    if (segment === '.' || segment === '..') {
      if (segment === '..') out.pop();
      // A trailing dot segment leaves the directory: `/a/b/..` is `/a/`.
      if (last) out.push('');
    } else out.push(segment);
  });
  return `/${out.join('/')}`;
}
