// IrListener of a gRPC view → an Envoy Listener holding an `api_listener`: what gRPC's xDS
// client asks LDS for, by the name of its target's authority. It has no address or filter
// chain; its HTTP connection manager only names the route table (RDS over the same ADS
// stream) and the HTTP filters gRPC should run.
//
// Filters: fault, then router. gRPC's client implements both (fault: delays and aborts of
// routes that configure them, the same per-route config the sidecars get). CORS is left out:
// gRPC rejects a listener naming a filter it does not implement unless it is marked optional,
// and CORS has no meaning without a browser. The fault filter is always present, as on the
// sidecars, so the listener's bytes do not change when a route gains or loses a fault.
// Never for an Envoy (select-view.ts sees to it): Envoy 1.40 refuses a listener like this
// ("missing the API listener extension").
import { messageType } from '../../envoy/proto-root.ts';
import type { IrListener } from '../ir/types.ts';
import { ByteWriter } from './byte-writer.ts';
import { faultFilter } from './filters/fault.ts';
import { routerFilter } from './filters/router.ts';
import { adsConfigSource, anyOf, type ProtoObject } from './proto-values.ts';

const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export function buildApiListener(listener: IrListener): ProtoObject {
  return { name: listener.name, api_listener: apiListenerBody(listener.routeTableName, listener.statPrefix) };
}

// Every name form of every gRPC service on a port shares one HTTP connection manager: build
// (and encode, in anyOf) each once rather than once per listener.
const bodies = new Map<string, ProtoObject>();
const BODY_CACHE_LIMIT = 10_000;

function apiListenerBody(routeTableName: string, statPrefix: string): ProtoObject {
  const key = `${routeTableName}\u0000${statPrefix}`;
  let body = bodies.get(key);
  if (!body) {
    const hcm: ProtoObject = {
      stat_prefix: statPrefix,
      rds: { route_config_name: routeTableName, config_source: adsConfigSource() },
      http_filters: [faultFilter(), routerFilter()],
    };
    body = { api_listener: anyOf(HCM_TYPE, hcm) };
    if (bodies.size >= BODY_CACHE_LIMIT) bodies.clear();
    bodies.set(key, body);
  }
  return body;
}

/**
 * buildApiListener's bytes. Listener.name is field 1 and api_listener field 19, so the bytes
 * are the name field followed by the encoding of the shared rest: a mesh of gRPC services
 * has several listeners per service port (one per name form), all with that same rest.
 */
export function encodeApiListener(listener: IrListener): Uint8Array {
  const key = `${listener.routeTableName}\u0000${listener.statPrefix}`;
  let rest = encodedBodies.get(key);
  if (!rest) {
    const type = messageType('envoy.config.listener.v3.Listener');
    rest = type.encode(type.fromObject({ api_listener: apiListenerBody(listener.routeTableName, listener.statPrefix) })).finish();
    if (encodedBodies.size >= BODY_CACHE_LIMIT) encodedBodies.clear();
    encodedBodies.set(key, rest);
  }
  return writer.reset().string(1, listener.name).raw(rest).finish();
}

const encodedBodies = new Map<string, Uint8Array>();
const writer = new ByteWriter(256);
