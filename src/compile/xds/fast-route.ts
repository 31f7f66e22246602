// Encodes one Route to exactly the bytes protobufjs gives for buildRoute()'s object, but
// from pieces, most of them cached: protobuf fields may be encoded separately and joined
// in field-number order. A Route is match(1) · route(2) · other fields(3..13) · name(14);
// its RouteAction is target (cluster=1 | weighted_clusters=3) · everything else (5..32).
// Matches and action tails (timeout, retries, rewrites, mirrors, hash policy) repeat
// across thousands of routes, so they are keyed by their IR content and encoded once;
// only names and cluster targets are written per route.
import protobuf from 'protobufjs';
import { messageType } from '../../envoy/proto-root.ts';
import { isConsistentHash } from '../ir/load-balancer.ts';
import type { IrForward, IrMatch, IrRetry, IrRoute, IrStringMatch } from '../ir/types.ts';
import { ByteWriter } from './byte-writer.ts';
import type { ProtoObject } from './proto-values.ts';
import type { XdsReader } from './reader.ts';
import { buildForward, hashPoliciesFor, type ClusterLookup } from './route-action.ts';
import { buildRouteMatch } from './route-match.ts';
import { buildRoute } from './route.ts';

const CACHE_LIMIT = 50_000;

/**
 * Encodes a virtual host's route list: each route as field 3 of VirtualHost (tag, length,
 * Route bytes), concatenated. Cached per routes array: views that see the same routes get
 * the very same array from the front end. One encoder writes for one reader: gRPC views'
 * tables share their routes arrays with the sidecars' but get their own encoder, so only the
 * routes of gRPC services are encoded a second time, in gRPC's form.
 */
export function routeListEncoder(clusters: ClusterLookup, reader: XdsReader = 'envoy'): (routes: readonly IrRoute[]) => Uint8Array {
  const writeRoute = routeWriter(clusters, reader);
  const lists = new Map<readonly IrRoute[], Uint8Array>();
  const w = new ByteWriter(4096);
  return (routes) => {
    let bytes = lists.get(routes);
    if (!bytes) {
      w.reset();
      for (let i = 0; i < routes.length; i++) {
        w.fork(3);
        writeRoute(w, routes[i]!);
        w.ldelim();
      }
      bytes = w.finish();
      lists.set(routes, bytes);
    }
    return bytes;
  };
}

/** Writes one Route's fields (not its tag or length) into `w`. */
function routeWriter(clusters: ClusterLookup, reader: XdsReader): (w: ByteWriter, route: IrRoute) => void {
  const routeType = messageType('envoy.config.route.v3.Route');
  const actionType = messageType('envoy.config.route.v3.RouteAction');
  const encodeAs = (type: protobuf.Type, object: ProtoObject): Uint8Array => type.encode(type.fromObject(object)).finish();
  // Only consistent-hash clusters influence a route's hash policy; usually there are none.
  const hashed = new Set([...clusters.values()].filter((c) => isConsistentHash(c.loadBalancer)).map((c) => c.name));
  const matches = new Map<string, Uint8Array>();
  const tails = new Map<string, Uint8Array>();
  const cached = (cache: Map<string, Uint8Array>, key: string, encode: () => Uint8Array): Uint8Array => {
    let bytes = cache.get(key);
    if (!bytes) {
      bytes = encode();
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, bytes);
    }
    return bytes;
  };

  // The common tail (no rewrite, mirrors or hash policy) is cached by retry policy, then
  // timeout, with no key string per route: a policy object is mapped once to the first
  // equal one seen (the front end hands every route without its own retries the one mesh
  // default object, so this is usually a single identity lookup).
  const plainTails = new Map<IrRetry | undefined, Map<number, Uint8Array>>();
  const sameRetry = new WeakMap<IrRetry, IrRetry>();
  const retryByKey = new Map<string, IrRetry>();
  const canonicalRetry = (r: IrRetry | undefined): IrRetry | undefined => {
    if (!r) return r;
    let canonical = sameRetry.get(r);
    if (!canonical) {
      const key = retryKey(r);
      canonical = retryByKey.get(key);
      if (!canonical) retryByKey.set(key, (canonical = r));
      sameRetry.set(r, canonical);
    }
    return canonical;
  };
  const encodeTail = (action: IrForward): Uint8Array => {
    const { cluster: _c, weighted_clusters: _w, ...tail } = buildForward(action, clusters, reader);
    return Object.keys(tail).length === 0 ? new Uint8Array() : encodeAs(actionType, tail);
  };
  const actionTail = (action: IrForward): Uint8Array => {
    const policies = hashed.size > 0 && action.destinations.some((d) => hashed.has(d.cluster)) ? hashPoliciesFor(action, clusters) : [];
    const hash = policies.length > 0 ? JSON.stringify(policies) : '';
    if (action.rewrite === undefined && action.mirrors.length === 0 && hash === '') {
      const retry = canonicalRetry(action.retry);
      let byTimeout = plainTails.get(retry);
      if (!byTimeout) plainTails.set(retry, (byTimeout = new Map()));
      let bytes = byTimeout.get(action.timeoutMs);
      if (!bytes) byTimeout.set(action.timeoutMs, (bytes = encodeTail(action)));
      return bytes;
    }
    const key = JSON.stringify([action.rewrite ?? null, action.timeoutMs, action.retry ?? null, action.mirrors, hash]);
    return cached(tails, key, () => encodeTail(action));
  };

  return (w, ir) => {
    w.raw(cached(matches, matchKey(ir.match), () => encodeAs(routeType, { match: buildRouteMatch(ir.match) })));
    const action = ir.action;
    if (action.kind === 'forward') {
      const [only] = action.destinations;
      w.fork(2);
      if (action.destinations.length === 1 && only && only.authority === undefined) w.string(1, only.cluster);
      else if (action.destinations.some((d) => d.headers || d.authority !== undefined)) {
        // Rare: per-destination header operations or Host; let protobufjs encode weighted_clusters (field 3).
        w.raw(encodeAs(actionType, { weighted_clusters: buildForward(action, clusters).weighted_clusters }));
      } else weightedClusters(w, action);
      w.raw(actionTail(action)).ldelim();
    }
    if (action.kind !== 'forward' || ir.fault || ir.cors || hasHeaderOps(ir)) {
      // Rare shapes (redirects, direct responses, per-route filters, header edits): fields 3..13.
      const { name: _n, match: _m, route: _r, ...rest } = buildRoute(ir, clusters, reader);
      if (Object.keys(rest).length > 0) w.raw(encodeAs(routeType, rest));
    }
    w.string(14, ir.name);
  };
}

// Cache keys: cheaper than JSON.stringify on the hot path, and unambiguous because every
// free-form string is length-prefixed.
const str = (s: string): string => `${s.length}:${s}`;
const strMatch = (m: IrStringMatch | undefined): string => (m ? m.kind[0]! + str(m.value) : '-');

function matchKey(m: IrMatch): string {
  let key = `${strMatch(m.path)}${m.ignoreCase ? 'i' : 'c'}`;
  for (let i = 0; i < m.headers.length; i++) {
    const h = m.headers[i]!;
    key += `h${str(h.name)}${strMatch(h.value)}${h.invert ? '!' : '='}`;
  }
  for (let i = 0; i < m.queryParams.length; i++) key += `q${str(m.queryParams[i]!.name)}${strMatch(m.queryParams[i]!.value)}`;
  return key;
}

function retryKey(r: IrRetry): string {
  return `${r.attempts}/${r.perTryTimeoutMs ?? ''}/${str(r.retryOn.join(','))}/${r.retriableStatusCodes.join(',')}/${r.retryRemoteLocalities ?? ''}/${r.previousHosts ?? ''}/${r.backoffMs ?? ''}`;
}

function hasHeaderOps(route: IrRoute): boolean {
  const { request: q, response: s } = route.headers;
  return q.set.length + q.add.length + q.remove.length + s.set.length + s.add.length + s.remove.length > 0;
}

/** RouteAction.weighted_clusters (3): WeightedCluster{clusters=1: ClusterWeight{name=1, weight=2: UInt32Value{value=1}}}. */
function weightedClusters(w: ByteWriter, action: IrForward): void {
  w.fork(3);
  for (let i = 0; i < action.destinations.length; i++) {
    const d = action.destinations[i]!;
    w.fork(1);
    w.string(1, d.cluster);
    w.fork(2).varint(8).varint(d.weight).ldelim();
    w.ldelim();
  }
  w.ldelim();
}
