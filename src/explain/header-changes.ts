// The header operations a matched route applies (Istio `headers.request` / `headers.response`,
// Envoy's *_headers_to_add / *_headers_to_remove). Request changes only matter when the
// request goes upstream; response changes apply to every answer of the route, redirects
// and direct responses included.
import type { IrHeaderOps, IrHeaderOpSet, IrRoute } from '../compile/ir/types.ts';
import { formatParts } from '../compile/validate/header-value.ts';
import type { HeaderChanges } from './types.ts';

/** The route's header changes, without empty sides; undefined when there are none. */
export function headerChanges(ops: IrHeaderOps | undefined, forwarded: boolean): HeaderChanges | undefined {
  if (!ops) return undefined;
  const request = forwarded && !isEmpty(ops.request) ? { request: ops.request } : {};
  const response = !isEmpty(ops.response) ? { response: ops.response } : {};
  const out = { ...request, ...response };
  return Object.keys(out).length === 0 ? undefined : out;
}

export function routeHeaderChanges(route: IrRoute): HeaderChanges | undefined {
  return headerChanges(route.headers, route.action.kind === 'forward');
}

/** `set x-a: 1; add x-b: 2; remove x-c`, in the order Envoy's config lists them. */
export function describeOpSet(s: IrHeaderOpSet): string {
  return [
    ...s.set.map((h) => `set ${h.name}: ${sentValue(h.value)}`),
    ...s.add.map((h) => `add ${h.name}: ${sentValue(h.value)}`),
    ...s.remove.map((name) => `remove ${name}`),
  ].join('; ');
}

/**
 * The value as Envoy sends it: Envoy reads a configured value as a format string, so `50%%`
 * goes out as `50%`, and a command such as `%REQ(x-user)%` is replaced per request.
 */
function sentValue(value: string): string {
  const { text, commands } = formatParts(value);
  return commands.length === 0 ? text : `${text} (Envoy substitutes ${commands.join(', ')} per request)`;
}

/** One line per side: `request: set x-a: 1`. */
export function describeHeaderChanges(c: HeaderChanges): string[] {
  const lines: string[] = [];
  if (c.request) lines.push(`request: ${describeOpSet(c.request)}`);
  if (c.response) lines.push(`response: ${describeOpSet(c.response)}`);
  return lines;
}

function isEmpty(s: IrHeaderOpSet): boolean {
  return s.set.length === 0 && s.add.length === 0 && s.remove.length === 0;
}
