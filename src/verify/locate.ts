// Points an Envoy rejection back at the config that caused it. Envoy names things by value
// (a regex, a route name, a header): each quoted token of its message is looked up in the
// bootstrap it rejected, and the route that holds it is mapped to its source file and rule
// through the snapshot's sourceMap. No match simply means no location.
import type { Json } from '../envoy/proto-json.ts';
import type { RouteSource } from '../snapshot/types.ts';

export function locateRejection(
  bootstrap: Json,
  tokens: readonly string[],
  sourceMap: Readonly<Record<string, RouteSource>>,
): RouteSource | undefined {
  for (const token of tokens) {
    const direct = sourceMap[token];
    if (direct) return direct;
    const routeName = findRouteHolding(bootstrap, token, undefined, sourceMap);
    if (routeName !== undefined) return sourceMap[routeName];
  }
  return undefined;
}

/** The name of the innermost mapped route whose subtree has a string equal to `token`. */
function findRouteHolding(
  node: Json,
  token: string,
  route: string | undefined,
  sourceMap: Readonly<Record<string, RouteSource>>,
): string | undefined {
  if (typeof node === 'string') return node === token ? route : undefined;
  if (node === null || typeof node !== 'object') return undefined;
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findRouteHolding(item, token, route, sourceMap);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  const name = node.name;
  const here = typeof name === 'string' && Object.hasOwn(sourceMap, name) ? name : route;
  for (const value of Object.values(node)) {
    const found = findRouteHolding(value, token, here, sourceMap);
    if (found !== undefined) return found;
  }
  return undefined;
}
