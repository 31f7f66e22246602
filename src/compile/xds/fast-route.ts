// Encodes one Route to exactly the bytes protobufjs gives for buildRoute()'s object, but
// from pieces, most of them cached: protobuf fields may be encoded separately and joined
// in field-number order. A Route is match(1) · route(2) · other fields(3..13) · name(14);
// its RouteAction is target (cluster=1 | weighted_clusters=3) · everything else (5..32).
// Matches and action tails (timeout, retries, rewrites, mirrors, hash policy) repeat
// across thousands of routes, so they are keyed by their IR content and encoded once;
// only names and cluster targets are written per route.
import protobuf from 'protobufjs';
import { messageType } from '../../envoy/proto-root.ts';
import type { IrCluster, IrForward, IrMatch, IrRetry, IrRoute, IrStringMatch } from '../ir/types.ts';
import { tag, type ProtoObject } from './proto-values.ts';
import { buildForward, hashPolicyFor } from './route-action.ts';
import { buildRouteMatch } from './route-match.ts';
import { buildRoute } from './route.ts';

const CACHE_LIMIT = 50_000;

export function routeEncoder(clusters: ReadonlyMap<string, IrCluster>): (route: IrRoute) => Uint8Array {
  const routeType = messageType('envoy.config.route.v3.Route');
  const actionType = messageType('envoy.config.route.v3.RouteAction');
  const encodeAs = (type: protobuf.Type, object: ProtoObject): Uint8Array => type.encode(type.fromObject(object)).finish();
  // Only consistent-hash clusters influence a route's hash policy; usually there are none.
  const hashed = new Set([...clusters.values()].filter((c) => c.loadBalancer.kind === 'ring_hash' || c.loadBalancer.kind === 'maglev').map((c) => c.name));
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

  const actionTail = (action: IrForward): Uint8Array => {
    const hash = hashed.size > 0 && action.destinations.some((d) => hashed.has(d.cluster)) ? JSON.stringify(hashPolicyFor(action, clusters)) : '';
    const key =
      action.rewrite === undefined && action.mirrors.length === 0 && hash === ''
        ? `${action.timeoutMs}|${retryKey(action.retry)}`
        : JSON.stringify([action.rewrite ?? null, action.timeoutMs, action.retry ?? null, action.mirrors, hash]);
    return cached(tails, key, () => {
      const { cluster: _c, weighted_clusters: _w, ...tail } = buildForward(action, clusters);
      return Object.keys(tail).length === 0 ? new Uint8Array() : encodeAs(actionType, tail);
    });
  };

  return (ir) => {
    const parts: Uint8Array[] = [];
    parts.push(cached(matches, matchKey(ir.match), () => encodeAs(routeType, { match: buildRouteMatch(ir.match) })));
    const action = ir.action;
    if (action.kind === 'forward') {
      const [only] = action.destinations;
      const target =
        action.destinations.length === 1 && only
          ? protobuf.Writer.create().uint32(tag(1)).string(only.cluster).finish()
          : weightedClusters(action);
      parts.push(protobuf.Writer.create().uint32(tag(2)).bytes(Buffer.concat([target, actionTail(action)])).finish());
    }
    if (action.kind !== 'forward' || ir.fault || ir.cors || hasHeaderOps(ir)) {
      // Rare shapes (redirects, direct responses, per-route filters, header edits): fields 3..13.
      const { name: _n, match: _m, route: _r, ...rest } = buildRoute(ir, clusters);
      if (Object.keys(rest).length > 0) parts.push(encodeAs(routeType, rest));
    }
    parts.push(protobuf.Writer.create().uint32(tag(14)).string(ir.name).finish());
    return Buffer.concat(parts);
  };
}

// Cache keys: cheaper than JSON.stringify on the hot path, and unambiguous because every
// free-form string is length-prefixed.
const str = (s: string): string => `${s.length}:${s}`;
const strMatch = (m: IrStringMatch | undefined): string => (m ? m.kind[0]! + str(m.value) : '-');

function matchKey(m: IrMatch): string {
  let key = `${strMatch(m.path)}${m.ignoreCase ? 'i' : 'c'}`;
  for (const h of m.headers) key += `h${str(h.name)}${strMatch(h.value)}${h.invert ? '!' : '='}`;
  for (const q of m.queryParams) key += `q${str(q.name)}${strMatch(q.value)}`;
  return key;
}

function retryKey(r: IrRetry | undefined): string {
  if (!r) return '-';
  return [r.attempts, r.perTryTimeoutMs ?? '', str(r.retryOn.join(',')), r.retriableStatusCodes.join(','), r.retryRemoteLocalities ?? ''].join('/');
}

function hasHeaderOps(route: IrRoute): boolean {
  const { request: q, response: s } = route.headers;
  return q.set.length + q.add.length + q.remove.length + s.set.length + s.add.length + s.remove.length > 0;
}

/** RouteAction.weighted_clusters (3): WeightedCluster{clusters=1: ClusterWeight{name=1, weight=2: UInt32Value{value=1}}}. */
function weightedClusters(action: IrForward): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(tag(3)).fork();
  for (const d of action.destinations) {
    w.uint32(tag(1)).fork();
    w.uint32(tag(1)).string(d.cluster);
    w.uint32(tag(2)).fork().uint32(8).uint32(d.weight).ldelim();
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}
