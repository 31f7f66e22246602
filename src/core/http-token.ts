// HTTP tokens (RFC 9110 `token`, one or more `tchar`): what a method or a header field name
// is made of. One definition for the validator, the format-string check and `explain`.

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Whether `s` is an HTTP token: a valid method, or header field name. */
export function isHttpToken(s: string): boolean {
  return TOKEN.test(s);
}

/** A header name as Envoy reads it: a token, or `:` and a token (a pseudo-header such as `:authority`). */
export function isHeaderNameOrPseudo(s: string): boolean {
  return TOKEN.test(s.startsWith(':') ? s.slice(1) : s);
}

/**
 * `host` or `:authority`, any case: the names Istio reads as the request's authority
 * (route.go isAuthorityHeader), which a header operation may set only as a Host rewrite.
 */
export function isAuthorityHeader(name: string): boolean {
  const n = name.toLowerCase();
  return n === 'host' || n === ':authority';
}
