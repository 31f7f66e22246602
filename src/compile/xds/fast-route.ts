// Encodes one Route to exactly the bytes protobufjs gives for buildRoute()'s object, but
// from pieces, most of them cached: protobuf fields may be encoded separately and joined
// in field-number order. A Route is match(1) · route(2) · other fields(3..13) · name(14);
// its RouteAction is target (cluster=1 | weighted_clusters=3) · everything else (5..32).
// Matches and action tails (timeout, retries, rewrites, mirrors, hash policy) repeat
// across thousands of routes; only names and cluster targets are unique per route.
import protobuf from 'protobufjs';
import { messageType } from '../../envoy/proto-root.ts';
import type { IrCluster, IrRoute } from '../ir/types.ts';
import { tag } from './fast-encode.ts';
import type { ProtoObject } from './proto-values.ts';
import { buildRoute } from './route.ts';

const CACHE_LIMIT = 50_000;

export function routeEncoder(clusters: ReadonlyMap<string, IrCluster>): (route: IrRoute) => Uint8Array {
  const routeType = messageType('envoy.config.route.v3.Route');
  const actionType = messageType('envoy.config.route.v3.RouteAction');
  const encodeAs = (type: protobuf.Type, object: ProtoObject): Uint8Array => type.encode(type.fromObject(object)).finish();
  const matches = new Map<string, Uint8Array>();
  const tails = new Map<string, Uint8Array>();
  const cached = (cache: Map<string, Uint8Array>, object: ProtoObject, encode: () => Uint8Array): Uint8Array => {
    const key = JSON.stringify(object);
    let bytes = cache.get(key);
    if (!bytes) {
      bytes = encode();
      if (cache.size >= CACHE_LIMIT) cache.clear();
      cache.set(key, bytes);
    }
    return bytes;
  };

  return (ir) => {
    const { name, match, route, ...rest } = buildRoute(ir, clusters);
    const parts: Uint8Array[] = [];
    parts.push(cached(matches, match as ProtoObject, () => encodeAs(routeType, { match })));
    if (route) {
      const { cluster, weighted_clusters, ...tail } = route as ProtoObject;
      const target =
        cluster !== undefined
          ? protobuf.Writer.create().uint32(tag(1)).string(String(cluster)).finish()
          : weightedClusters(weighted_clusters as { clusters: { name: string; weight: { value: number } }[] });
      const tailBytes = Object.keys(tail).length === 0 ? new Uint8Array() : cached(tails, tail, () => encodeAs(actionType, tail));
      parts.push(protobuf.Writer.create().uint32(tag(2)).bytes(Buffer.concat([target, tailBytes])).finish());
    }
    if (Object.keys(rest).length > 0) parts.push(encodeAs(routeType, rest));
    parts.push(protobuf.Writer.create().uint32(tag(14)).string(String(name)).finish());
    return Buffer.concat(parts);
  };
}

/** RouteAction.weighted_clusters (3): WeightedCluster{clusters=1: ClusterWeight{name=1, weight=2: UInt32Value{value=1}}}. */
function weightedClusters(wc: { clusters: { name: string; weight: { value: number } }[] }): Uint8Array {
  const w = protobuf.Writer.create();
  w.uint32(tag(3)).fork();
  for (const c of wc.clusters) {
    w.uint32(tag(1)).fork();
    w.uint32(tag(1)).string(c.name);
    w.uint32(tag(2)).fork().uint32(8).uint32(c.weight.value).ldelim();
    w.ldelim();
  }
  w.ldelim();
  return w.finish();
}
