// IrListener → envoy.config.listener.v3.Listener: one HTTP connection manager whose route
// table comes over RDS on the ADS stream.
import type { IrListener } from '../ir/types.ts';
import { httpFilters } from './http-filters.ts';
import { adsConfigSource, anyOf, socketAddress, wrap, type ProtoObject } from './proto-values.ts';

const HCM_NAME = 'envoy.filters.network.http_connection_manager';
const HCM_TYPE = 'envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager';

export function buildListener(listener: IrListener, viewKind: 'sidecar' | 'gateway'): ProtoObject {
  const hcm: ProtoObject = {
    stat_prefix: listener.statPrefix,
    rds: { route_config_name: listener.routeTableName, config_source: adsConfigSource() },
    http_filters: httpFilters(),
    // A sidecar sees its own app as the peer, so the client address must come from
    // X-Forwarded-For; a gateway is the edge and trusts only the connection's address.
    use_remote_address: wrap(viewKind === 'gateway'),
  };
  return {
    name: listener.name,
    address: socketAddress(listener.address, listener.port),
    filter_chains: [{ filters: [{ name: HCM_NAME, typed_config: anyOf(HCM_TYPE, hcm) }] }],
  };
}
