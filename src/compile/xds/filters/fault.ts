// The fault-injection HTTP filter: an empty filter on every listener, and per-route
// HTTPFault configuration (delays and aborts with percentages) for routes that ask for it.
import type { IrFault } from '../../ir/types.ts';
import { anyOf, duration, fractionalPercent, type ProtoObject } from '../proto-values.ts';
import type { XdsReader } from '../reader.ts';

export const FAULT_FILTER_NAME = 'envoy.filters.http.fault';
const FAULT_TYPE = 'envoy.extensions.filters.http.fault.v3.HTTPFault';

/** The listener-level filter: does nothing unless a route carries a per-route fault. */
export function faultFilter(): ProtoObject {
  return { name: FAULT_FILTER_NAME, typed_config: anyOf(FAULT_TYPE, {}) };
}

/** Per-route HTTPFault (an Any for `typed_per_filter_config`), as `reader` gets it. */
export function routeFault(fault: IrFault, reader: XdsReader = 'envoy'): ProtoObject {
  const config: ProtoObject = {};
  if (fault.delay) {
    config.delay = {
      fixed_delay: duration(fault.delay.fixedDelayMs),
      percentage: fractionalPercent(fault.delay.percent),
    };
  }
  if (fault.abort) {
    // No percent: no percentage, as Istio writes it (Envoy then aborts no request). grpc-go
    // reads an absent percentage as 0 % too (httpfilter/fault splitPct), but @grpc/grpc-js-xds
    // 1.14 rejects the HTTPFault ("abort.percentage unset", fault-injection-filter.ts
    // parseHTTPFaultConfig) and with it the whole route table (validateOverrideFilter in its
    // RouteConfiguration check): gRPC views get the same 0 % written out.
    const percent = fault.abort.percent ?? (reader === 'grpc' ? 0 : undefined);
    const abort: ProtoObject = percent === undefined ? {} : { percentage: fractionalPercent(percent) };
    if (fault.abort.grpcStatus !== undefined) abort.grpc_status = fault.abort.grpcStatus;
    else abort.http_status = fault.abort.httpStatus ?? 503;
    config.abort = abort;
  }
  return anyOf(FAULT_TYPE, config);
}
