// The Envoy bootstrap that points a proxy at meshlog over ADS: one static cluster for the
// xDS server (HTTP/2, as gRPC needs) and every dynamic resource fetched over that one
// aggregated stream, SotW or Delta. Node metadata carries what the server maps to a view.
import { isIP } from 'node:net';
import { parseHostPort, type HostPortResult } from '../core/host-port.ts';
import { bootstrapRuntime } from './bootstrap-runtime.ts';

export interface AdsBootstrapOptions {
  /** `host:port` of the xDS server (IPv6 as `[::1]:18000`). */
  readonly server: string;
  readonly nodeId: string;
  /** node.cluster; also selects a view when it names one exactly. */
  readonly cluster: string;
  readonly namespace?: string;
  readonly labels?: Readonly<Record<string, string>>;
  readonly delta: boolean;
  /**
   * Delta only: ask for route tables over VHDS, each virtual host its own resource, so a
   * one-route change ships one host instead of the table (docs/xds.md).
   */
  readonly vhds?: boolean;
  readonly adminPort: number;
}

/** Node metadata key a proxy sets (to "true") to get its route tables over VHDS. */
export const VHDS_METADATA_KEY = 'meshlog.dev/vhds';

export const BOOTSTRAP_DEFAULTS = {
  server: '127.0.0.1:18000',
  nodeId: 'envoy',
  cluster: 'meshlog',
  adminPort: 9901,
} as const;

/** `--server` as the bootstrap commands read it: HOST:PORT of the xDS server, no scheme. */
export function parseXdsServer(text: string): HostPortResult {
  return parseHostPort(text, { flag: '--server', example: BOOTSTRAP_DEFAULTS.server });
}

const HTTP_OPTIONS_TYPE = 'envoy.extensions.upstreams.http.v3.HttpProtocolOptions';

/** A bootstrap as a plain object, ready to print as YAML or JSON. */
export function adsBootstrap(opts: AdsBootstrapOptions): Record<string, unknown> {
  const addr = parseXdsServer(opts.server);
  if (!addr.ok) throw new Error(addr.message); // callers validate first; reaching here is a bug
  const metadata: Record<string, unknown> = {};
  if (opts.namespace) metadata['NAMESPACE'] = opts.namespace;
  if (opts.labels && Object.keys(opts.labels).length > 0) metadata['LABELS'] = { ...opts.labels };
  if (opts.delta && opts.vhds) metadata[VHDS_METADATA_KEY] = 'true';
  const adsSource = { ads: {}, resource_api_version: 'V3' };
  return {
    node: { id: opts.nodeId, cluster: opts.cluster, ...(Object.keys(metadata).length > 0 ? { metadata } : {}) },
    admin: { address: { socket_address: { address: '127.0.0.1', port_value: opts.adminPort } } },
    dynamic_resources: {
      ads_config: {
        api_type: opts.delta ? 'DELTA_GRPC' : 'GRPC',
        transport_api_version: 'V3',
        grpc_services: [{ envoy_grpc: { cluster_name: 'xds_cluster' } }],
        set_node_on_first_message_only: true,
      },
      cds_config: adsSource,
      lds_config: adsSource,
    },
    static_resources: {
      clusters: [
        {
          name: 'xds_cluster',
          // An IP needs no resolver; a host name is resolved (and re-resolved) by DNS.
          type: isIP(addr.host) ? 'STATIC' : 'STRICT_DNS',
          connect_timeout: '1s',
          typed_extension_protocol_options: {
            [HTTP_OPTIONS_TYPE]: {
              '@type': `type.googleapis.com/${HTTP_OPTIONS_TYPE}`,
              explicit_http_config: { http2_protocol_options: {} },
            },
          },
          load_assignment: {
            cluster_name: 'xds_cluster',
            endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: addr.host, port_value: addr.port } } } }] }],
          },
        },
      ],
    },
    layered_runtime: bootstrapRuntime(),
  };
}
